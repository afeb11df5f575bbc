import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MAX_UNCONFIRMED } from '@syslog-connector/core/engine';
import { SyslogReceiver } from '@syslog-connector/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ConnectorProcess,
  deadPort,
  missing,
  peakRssMb,
  readStatus,
  sequenceNumbers,
  sleep,
  startConnector,
  waitUntil,
  writeSequenceConfig,
} from './connector-process.js';
import { runCli } from './run-cli.js';

/**
 * DESIGN §2's promise under faults, with the real CLI as a child process, a real store and real sockets:
 * every event arrives at least once at every destination, and the duplicates stay within the unconfirmed window
 * (what was sent in the last `confirmWindowMs`, 2 s, before each failure or crash, plus one batch).
 */
const CONFIRM_WINDOW_MS = 2_000;

let dir: string;
let configPath: string;
const receivers: SyslogReceiver[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sc-fault-'));
  configPath = join(dir, 'syslog-connector.yaml');
});
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.stop()));
  await rm(dir, { recursive: true, force: true });
});

const receiver = async (port?: number) => {
  const r = await SyslogReceiver.start({ protocol: 'tcp', framing: 'octet-counting', ...(port === undefined ? {} : { port }) });
  receivers.push(r);
  return r;
};

/**
 * How many outages the connector has ended so far, from its log: the destination counts one reconnect when it
 * delivers again after a failure. A test that bounces the receiver waits for this before the next bounce: on a busy
 * machine the receiver can already hold the messages the next bounce waits for (the resent window arrives at once)
 * before the connector has noticed this one, and two bounces in one outage are one reconnect.
 */
const outagesEnded = (connector: ConnectorProcess): number => connector.logs().split('Destination delivering again.').length - 1;

/** The duplicates a receiver may see for `failures` failures at `rate` events/s, per the documented window. */
const duplicateBound = (failures: number, rate: number, batch: number) => failures * (Math.ceil((rate * CONFIRM_WINDOW_MS) / 1_000) + batch);

describe('fault tests (bounded, loopback only)', () => {
  it('(a) the receiver is stopped and restarted three times during a run: nothing lost, duplicates within the window', async () => {
    const siem = await receiver();
    // 20 events every 25 ms: ~800/s for ~5 s, so every outage happens while events flow.
    const total = 4_000;
    await writeSequenceConfig(configPath, { total, batchSize: 20, pollIntervalMs: 25 }, [{ id: 'siem', port: siem.port }]);
    const connector = startConnector(configPath, ['--drain-timeout', '5s']);
    const outages = 3;
    for (let i = 0; i < outages; i += 1) {
      await waitUntil(() => outagesEnded(connector) >= i, 15_000, `the connector to deliver again after outage ${i}`);
      await waitUntil(() => siem.messages.length >= (i + 1) * 800, 15_000, `${(i + 1) * 800} messages`);
      await siem.stop();
      await sleep(500);
      await siem.restart();
    }
    await waitUntil(() => missing(sequenceNumbers(siem.messages), total).length === 0, 30_000, 'every event');
    expect(await connector.stop()).toBe(0);

    const numbers = sequenceNumbers(siem.messages);
    expect(missing(numbers, total)).toEqual([]);
    const duplicates = numbers.length - total;
    expect(duplicates).toBeLessThanOrEqual(duplicateBound(outages, 800, 20));
    expect(siem.messages.every((m) => m.parseError === null)).toBe(true);

    // `status` reads the store after the run: one reconnect per outage, nothing left to deliver, and each event
    // acknowledged once however often it was sent.
    const status = await readStatus(configPath);
    expect(status.head).toBe(total);
    expect(status.destinations).toEqual([
      expect.objectContaining({ destination: 'siem', delivered: total, lag: 0, lagMs: 0, reconnects: outages, dropped: 0 }),
    ]);
    expect(status.destinations[0]?.resent).toBeGreaterThanOrEqual(duplicates);
    expect(status.sources).toEqual([expect.objectContaining({ source: 'seq', stored: total, errors: 0 })]);
    const human = await runCli(['status', '-c', configPath]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`siem delivered=${total} lag=0 (0ms) reconnects=${outages} dropped=0`);
    expect(human.stdout).toContain(`  siem: delivered ${total}, lag 0 events / 0ms, reconnects ${outages}, send errors `);
  }, 60_000);

  it('(a) the receiver restarts at once, five times (no refused connect to notice): nothing lost', async () => {
    const siem = await receiver();
    const total = 4_000;
    await writeSequenceConfig(configPath, { total, batchSize: 20, pollIntervalMs: 25 }, [{ id: 'siem', port: siem.port }]);
    const connector = startConnector(configPath);
    const restarts = 5;
    // Each restart comes only after the receiver took messages again since the last one (on a new connection), so
    // no two restarts hit one connection. A restart between two of the destination's confirmed connections need
    // not log an outage at all (see below), so delivery is what is waited for, not the log.
    let atRestart = 0;
    for (let i = 0; i < restarts; i += 1) {
      const wanted = Math.max((i + 1) * 500, atRestart + 100);
      await waitUntil(() => siem.messages.length >= wanted, 15_000, `${wanted} messages (delivering again after restart ${i})`);
      atRestart = siem.messages.length;
      await siem.restart();
    }
    await waitUntil(() => missing(sequenceNumbers(siem.messages), total).length === 0, 30_000, 'every event');
    expect(await connector.stop()).toBe(0);
    const numbers = sequenceNumbers(siem.messages);
    expect(missing(numbers, total)).toEqual([]);
    expect(numbers.length - total).toBeLessThanOrEqual(duplicateBound(restarts, 800, 20));
    const status = await readStatus(configPath);
    expect(status.destinations[0]).toMatchObject({ destination: 'siem', delivered: total, lag: 0 });
    // A restart that falls between two connections (each confirmed step after a fault is its own connection, ended
    // with `finish`) breaks nothing the destination sees: at most one reconnect per restart.
    expect(status.destinations[0]?.reconnects).toBeGreaterThanOrEqual(1);
    expect(status.destinations[0]?.reconnects).toBeLessThanOrEqual(restarts);
  }, 60_000);

  it('(a) a graceful stop while the receiver has stopped reading: what it never read is sent at the next start', async () => {
    const siem = await receiver();
    const total = 600;
    // A long connectTimeout: the exit must keep to the drain time, not wait for it.
    await writeSequenceConfig(configPath, { total, batchSize: 10, pollIntervalMs: 20 }, [{ id: 'siem', port: siem.port, connectTimeout: '30s' }]);
    const connector = startConnector(configPath, ['--drain-timeout', '1s']);
    await waitUntil(() => siem.messages.length >= 100, 15_000, '100 messages');
    // The server stops reading: what is sent from now on is taken by the kernels (confirmed to the transport)
    // but never read. The stop comes within the unconfirmed window (2 s).
    siem.pause();
    await sleep(700);
    const read = siem.messages.length;
    // Issue #16: a receiver that stopped reading holds the backlog in the journal, not in memory.
    expect(await peakRssMb(connector.child.pid)).toBeLessThan(256);
    const stopping = Date.now();
    expect(await connector.stop()).toBe(0);
    // Drain time (1 s) plus the end-of-stream grace, far from connectTimeout (30 s).
    expect(Date.now() - stopping).toBeLessThan(6_000);
    expect(connector.logs()).toContain('The syslog server did not confirm the end of the stream');
    const stopped = await readStatus(configPath);
    const lag = stopped.destinations[0]?.lag ?? 0;
    expect(lag).toBeGreaterThan(0);
    expect(stopped.head - lag).toBeLessThanOrEqual(read);

    // The server goes away with the unread data (its socket buffer is discarded), then comes back.
    await siem.restart();
    siem.resume();
    expect(siem.messages).toHaveLength(read);
    const again = startConnector(configPath);
    await waitUntil(() => missing(sequenceNumbers(siem.messages), total).length === 0, 20_000, 'every event');
    expect(await again.stop()).toBe(0);
    expect(missing(sequenceNumbers(siem.messages), total)).toEqual([]);
    const after = await readStatus(configPath);
    expect(after.destinations[0]).toMatchObject({ delivered: total, lag: 0 });
  }, 60_000);

  it('(b) the connector is killed with SIGKILL at random points and restarted four times: nothing lost', async () => {
    const siem = await receiver();
    const total = 5_000;
    // ~1000 events/s: each run is cut somewhere in the middle of the stream.
    await writeSequenceConfig(configPath, { total, batchSize: 25, pollIntervalMs: 25 }, [{ id: 'siem', port: siem.port }]);
    const kills: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const connector = startConnector(configPath);
      const before = siem.messages.length;
      await waitUntil(() => siem.messages.length > before, 15_000, 'the run to deliver something');
      const delay = 100 + Math.floor(Math.random() * 600);
      kills.push(delay);
      await sleep(delay);
      await connector.kill();
    }
    const connector = startConnector(configPath);
    await waitUntil(() => missing(sequenceNumbers(siem.messages), total).length === 0, 30_000, `every event (kills after ${kills.join(', ')} ms)`);
    expect(await connector.stop()).toBe(0);

    const numbers = sequenceNumbers(siem.messages);
    expect(missing(numbers, total), `kills after ${kills.join(', ')} ms`).toEqual([]);
    // Each kill re-sends at most the window that was not acknowledged yet: what 2 s brought, and never more than
    // maxUnconfirmed (2,000 messages, DestinationRunner), whatever the rate.
    expect(numbers.length - total).toBeLessThanOrEqual(Math.min(duplicateBound(kills.length, 1_000, 25), kills.length * DEFAULT_MAX_UNCONFIRMED));
    const status = await readStatus(configPath);
    expect(status.destinations[0]).toMatchObject({ destination: 'siem', lag: 0 });
    expect(status.sources[0]).toMatchObject({ source: 'seq' });
    expect(status.head).toBe(total);
  }, 90_000);

  it('(c) one of two destinations is down for the whole run: the other gets everything at full pace; the backlog follows later', async () => {
    const healthy = await receiver();
    const stalled = await receiver();
    stalled.pause(); // accepts, never reads: sends block on backpressure
    const downPort = await deadPort();
    const total = 3_000;
    await writeSequenceConfig(configPath, { total, batchSize: 100, pollIntervalMs: 20 }, [
      { id: 'healthy', port: healthy.port },
      { id: 'down', port: downPort },
      { id: 'stalled', port: stalled.port },
    ]);
    const started = Date.now();
    const connector = startConnector(configPath, ['--drain-timeout', '1s', '--status-interval', '500ms']);
    await waitUntil(() => missing(sequenceNumbers(healthy.messages), total).length === 0, 20_000, 'every event at the healthy destination');
    const healthyMs = Date.now() - started;
    // The source alone needs ~0.6 s (30 polls × 20 ms); a destination waiting on the others would take many
    // retry periods. Bounded generously for a loaded CI machine, far below a retry cycle per batch.
    expect(healthyMs).toBeLessThan(8_000);
    // Past the unconfirmed window (2 s), so the healthy destination's cursor is at the head.
    await sleep(2_500);
    const during = await readStatus(configPath);
    const down = during.destinations.find((d) => d.destination === 'down');
    expect(down).toMatchObject({ delivered: 0, lag: total });
    expect(down?.lastError).toContain(`nothing is listening on 127.0.0.1:${downPort}`);
    expect(during.destinations.find((d) => d.destination === 'healthy')).toMatchObject({ lag: 0 });
    // The periodic one-line summary in the log says the same.
    const statusLines = connector.logs().split('\n').filter((line) => line.includes('"msg":"Status: '));
    expect(statusLines.length).toBeGreaterThanOrEqual(2);
    const last = JSON.parse(statusLines[statusLines.length - 1] ?? '{}') as { msg: string };
    expect(last.msg).toContain(`healthy delivered=${total} lag=0 (0ms) reconnects=0 dropped=0`);
    expect(last.msg).toMatch(new RegExp(`down delivered=0 lag=${total} \\(\\d+m?s\\) reconnects=0 dropped=0 FAILING`));
    expect(await connector.stop()).toBe(0);

    // The down destination comes up and the stalled one reads again: a new run delivers their backlog.
    const revived = await receiver(downPort);
    stalled.resume();
    const again = startConnector(configPath);
    await waitUntil(() => missing(sequenceNumbers(revived.messages), total).length === 0, 20_000, 'the backlog at the revived destination');
    await waitUntil(() => missing(sequenceNumbers(stalled.messages), total).length === 0, 20_000, 'the backlog at the stalled destination');
    expect(await again.stop()).toBe(0);
    expect(sequenceNumbers(healthy.messages)).toHaveLength(total); // nothing re-sent to the healthy one
    const after = await readStatus(configPath);
    expect(after.destinations.map((d) => [d.destination, d.lag])).toEqual([
      ['healthy', 0],
      ['down', 0],
      ['stalled', 0],
    ]);
  }, 60_000);
});

describe('(e) the journal budget from the config (journal.maxSize, journal.whenFull)', () => {
  it('drop-oldest: with the only destination down, the oldest events go and are counted; the newest all arrive', async () => {
    const downPort = await deadPort();
    const total = 12_000;
    // ~12,000 events of ~0.5 kB stored: several MB, past a 1 MiB budget.
    await writeSequenceConfig(configPath, { total, batchSize: 500, pollIntervalMs: 10, batchesPerPoll: 4 }, [{ id: 'siem', port: downPort }], [
      'journal: { maxSize: 1MiB, whenFull: drop-oldest }',
    ]);
    const connector = startConnector(configPath, ['--drain-timeout', '1s']);
    let status = await readStatus(configPath).catch(() => undefined);
    for (const deadline = Date.now() + 30_000; status?.head !== total; status = await readStatus(configPath).catch(() => undefined)) {
      if (Date.now() > deadline) throw new Error(`the source did not store ${total} events in 30 s (head ${status?.head})`);
      await sleep(200);
    }
    expect(await connector.stop()).toBe(0);
    status = await readStatus(configPath);
    const dropped = status.destinations[0]?.dropped ?? 0;
    expect(dropped).toBeGreaterThan(0);
    expect(status.journal).toMatchObject({ maxBytes: 1_048_576, policy: 'drop-oldest' });
    expect(status.destinations[0]).toMatchObject({ delivered: 0, lag: total - dropped });

    const siem = await receiver(downPort);
    const again = startConnector(configPath);
    await waitUntil(() => siem.messages.length >= total - dropped, 20_000, 'the events left in the journal');
    expect(await again.stop()).toBe(0);
    // Exactly the newest ones: what was dropped is the oldest, and every kept event arrives once.
    const received = sequenceNumbers(siem.messages);
    expect(new Set(received).size).toBe(total - dropped);
    expect(Math.min(...received)).toBe(dropped);
    expect(Math.max(...received)).toBe(total - 1);
  }, 90_000);
});

describe('(d) a state directory that cannot be used, at start', () => {
  const config = (stateDir: string) =>
    writeSequenceConfig(configPath, { total: 10, batchSize: 10, pollIntervalMs: 1_000 }, [{ id: 'siem', port: 9 }]).then(async () => {
      const text = await readFile(configPath, 'utf8');
      await writeFile(configPath, text.replace('stateDir: ./state', `stateDir: ${JSON.stringify(stateDir)}`));
    });

  it('names the path when the database is corrupt, and leaves it byte for byte as it was', async () => {
    const state = join(dir, 'state');
    await config(state);
    await import('node:fs/promises').then((fs) => fs.mkdir(state));
    const file = join(state, 'syslog-connector.db');
    const garbage = Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4_080, 0x5a)]);
    await writeFile(file, garbage);
    const before = createHash('sha256').update(garbage).digest('hex');

    const result = await runCli(['run', '-c', configPath]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error STORE_CORRUPT');
    expect(result.stderr).toContain(file);
    expect(result.stderr).toContain('stateDir');
    expect(createHash('sha256').update(await readFile(file)).digest('hex')).toBe(before);
    // Nothing else is created but the daemon's lock file (kept, empty: removing it on release would let two daemons
    // each lock a different file); its PID file goes with the lock.
    expect((await readdir(state)).sort()).toEqual(['daemon.lock', 'syslog-connector.db']);
  });

  it('names the path when stateDir is not a folder it can write', async () => {
    const state = join(dir, 'state');
    await writeFile(state, 'a file where the folder should be');
    await config(state);

    const result = await runCli(['run', '-c', configPath]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error STORE_UNAVAILABLE');
    expect(result.stderr).toContain(join(state, 'syslog-connector.db'));
    expect(await readFile(state, 'utf8')).toBe('a file where the folder should be');
  });

  it('status says there is no store rather than creating one', async () => {
    const state = join(dir, 'never-run');
    await config(state);
    const result = await runCli(['status', '-c', configPath]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`there is no store at ${join(state, 'syslog-connector.db')}`);
    await expect(readdir(state)).rejects.toThrow('ENOENT');
  });
});
