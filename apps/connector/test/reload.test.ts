import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateAuthority, issueCertificate, SyslogReceiver } from '@syslog-connector/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ConnectorProcess,
  missing,
  readStatus,
  sequenceNumbers,
  sleep,
  startConnector,
  waitUntil,
  writeSequenceConfig,
} from './connector-process.js';
import { runCli } from './run-cli.js';

/**
 * Reloading the config of a running daemon (README "Reload", DESIGN §7), with the real CLI as a child process, a
 * real store and real TCP receivers on loopback, while the sequence source keeps storing ~800 events/s: no event is
 * lost at any destination that should have it, and what stays keeps running untouched.
 */

let dir: string;
let configPath: string;
const receivers: SyslogReceiver[] = [];
const connectors: ConnectorProcess[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sc-reload-'));
  configPath = join(dir, 'syslog-connector.yaml');
});
afterEach(async () => {
  // Every child process started is stopped (SIGKILL after 5 s), every receiver closed.
  await Promise.all(connectors.splice(0).map((c) => c.stop(5_000)));
  await Promise.all(receivers.splice(0).map((r) => r.stop()));
  await rm(dir, { recursive: true, force: true });
});

const receiver = async () => {
  const r = await SyslogReceiver.start({ protocol: 'tcp', framing: 'octet-counting' });
  receivers.push(r);
  return r;
};

const run = (args: readonly string[] = [], env: Record<string, string> = {}) => {
  const connector = startConnector(configPath, ['--drain-timeout', '5s', ...args], env);
  connectors.push(connector);
  return connector;
};

/** The JSON log lines of the connector whose `msg` starts with `prefix`. */
const logLines = (connector: ConnectorProcess, prefix: string): Array<Record<string, unknown>> =>
  connector
    .logs()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => typeof line['msg'] === 'string' && line['msg'].startsWith(prefix));

const hangUp = (connector: ConnectorProcess) => {
  expect(connector.child.kill('SIGHUP')).toBe(true);
};

/** 20 events every 25 ms: ~800/s for 7.5 s, so the reload happens while events flow. */
const SOURCE = { total: 6_000, batchSize: 20, pollIntervalMs: 25 } as const;

describe('reload (real processes, loopback only, bounded)', () => {
  it('SIGHUP adds a destination, removes another and moves a third to a new port while events flow: nothing lost', async () => {
    const keep = await receiver();
    const gone = await receiver();
    const before = await receiver();
    const after = await receiver();
    const added = await receiver();
    await writeSequenceConfig(configPath, SOURCE, [
      { id: 'keep', port: keep.port },
      { id: 'gone', port: gone.port },
      { id: 'moved', port: before.port },
    ]);
    const connector = run();
    await waitUntil(() => keep.messages.length >= 1_500 && before.messages.length >= 1_500, 15_000, '1,500 messages');

    await writeSequenceConfig(configPath, SOURCE, [
      { id: 'keep', port: keep.port },
      { id: 'moved', port: after.port },
      { id: 'added', port: added.port },
    ]);
    hangUp(connector);
    await waitUntil(() => logLines(connector, 'Config reloaded.').length === 1, 15_000, 'the reload');
    const reloaded = logLines(connector, 'Config reloaded.')[0] as { head: number; destinations: unknown; sources: unknown; needsRestart: unknown };
    expect(reloaded.destinations).toEqual({ added: ['added'], removed: ['gone'], changed: ['moved'] });
    expect(reloaded.sources).toEqual({ added: [], removed: [], changed: [] });
    expect(reloaded.needsRestart).toEqual([]);
    // Reloaded in the middle of the stream, not after it.
    expect(reloaded.head).toBeGreaterThan(0);
    expect(reloaded.head).toBeLessThan(SOURCE.total);

    const moved = () => [...sequenceNumbers(before.messages), ...sequenceNumbers(after.messages)];
    // The added destination gets at least every event stored after the reload (it starts from the oldest the
    // journal still holds, which is at or before the head of the reload).
    const addedMissing = () => missing(sequenceNumbers(added.messages), SOURCE.total).filter((n) => n >= reloaded.head);
    await waitUntil(
      () =>
        missing(sequenceNumbers(keep.messages), SOURCE.total).length === 0 &&
        missing(moved(), SOURCE.total).length === 0 &&
        addedMissing().length === 0,
      30_000,
      'every event at keep, moved (old and new port together) and added',
    );
    expect(await connector.stop()).toBe(0);

    // Untouched: the destination that stayed kept its one connection and never re-sent anything.
    expect(sequenceNumbers(keep.messages)).toHaveLength(SOURCE.total);
    expect(logLines(connector, 'Connected to the syslog server.').filter((l) => l['destination'] === 'keep')).toHaveLength(1);
    expect(missing(moved(), SOURCE.total)).toEqual([]);
    expect(addedMissing()).toEqual([]);
    // The moved destination went on from its cursor: the new port has everything the old one did not confirm.
    expect(after.messages.length).toBeGreaterThan(0);
    // The removed one got every event up to its cursor; the rest is after its cursor, in the store.
    const removal = logLines(connector, 'Destination removed')[0] as { destination: string; cursor: number };
    expect(removal.destination).toBe('gone');
    expect(removal.cursor).toBeGreaterThan(0);
    expect(missing(sequenceNumbers(gone.messages), removal.cursor)).toEqual([]);
    // Nothing went to it after it was removed (beyond its unconfirmed window at the time).
    const goneCount = gone.messages.length;
    expect(goneCount).toBeLessThan(SOURCE.total);
    expect(logLines(connector, 'Destination added')).toEqual([expect.objectContaining({ destination: 'added' })]);
    expect(connector.logs()).not.toContain('"level":50');
  }, 60_000);

  it('SIGHUP removes a destination whose server stopped reading: the reload ends within the stop timeout, the others never wait', async () => {
    const keep = await receiver();
    const stalled = await receiver();
    await writeSequenceConfig(configPath, SOURCE, [
      { id: 'keep', port: keep.port },
      { id: 'stalled', port: stalled.port },
    ]);
    const connector = run();
    await waitUntil(() => stalled.messages.length >= 200, 15_000, '200 messages at the stalled server');
    // Past the unconfirmed window (2 s): part of what it read is acknowledged, so its cursor has moved.
    await sleep(2_500);
    // Accepts, never reads: once the socket buffers are full the send in flight never completes.
    stalled.pause();
    await sleep(1_500);
    await writeSequenceConfig(configPath, SOURCE, [{ id: 'keep', port: keep.port }]);
    const hungUpAt = Date.now();
    const keptBefore = keep.messages.length;
    hangUp(connector);
    await waitUntil(() => logLines(connector, 'Config reloaded.').length === 1, 15_000, 'the reload');
    // RELOAD_STOP_TIMEOUT_MS (5 s) and the end-of-stream grace, not forever.
    expect(Date.now() - hungUpAt).toBeLessThan(9_000);
    // Meanwhile the destination that stays went on delivering.
    expect(keep.messages.length).toBeGreaterThan(keptBefore);
    const removal = logLines(connector, 'Destination removed')[0] as { destination: string; cursor: number };
    expect(removal.destination).toBe('stalled');
    expect(removal.cursor).toBeGreaterThan(0);

    // Its cursor covers only what the server took: reading again, it has every event up to the cursor.
    stalled.resume();
    await waitUntil(() => missing(sequenceNumbers(stalled.messages), removal.cursor).length === 0, 10_000, 'the stalled server to read up to the cursor');
    expect(removal.cursor).toBeLessThan(SOURCE.total);

    // Configured again, it resumes from the cursor it left in the store (what compaction removed since excepted).
    await writeSequenceConfig(configPath, SOURCE, [
      { id: 'keep', port: keep.port },
      { id: 'stalled', port: stalled.port },
    ]);
    hangUp(connector);
    await waitUntil(() => logLines(connector, 'Config reloaded.').length === 2, 15_000, 'the second reload');
    expect(logLines(connector, 'Destination added')).toEqual([
      expect.objectContaining({ destination: 'stalled', cursor: removal.cursor, msg: 'Destination added: resumes from its stored cursor.' }),
    ]);
    const readded = logLines(connector, 'Config reloaded.')[1] as { head: number };
    await waitUntil(
      () =>
        missing(sequenceNumbers(keep.messages), SOURCE.total).length === 0 &&
        missing(sequenceNumbers(stalled.messages), SOURCE.total).filter((n) => n >= readded.head).length === 0,
      30_000,
      'every event at keep, and every event since it came back at stalled',
    );
    expect(await connector.stop()).toBe(0);
    expect(sequenceNumbers(keep.messages)).toHaveLength(SOURCE.total);
  }, 60_000);

  it('SIGHUP with a broken config: refused with every problem in the log, the old config keeps delivering', async () => {
    const siem = await receiver();
    await writeSequenceConfig(configPath, SOURCE, [{ id: 'siem', port: siem.port }]);
    const connector = run([], { SECRET_TOKEN: 's3cr3t-value-123' });
    await waitUntil(() => siem.messages.length >= 800, 15_000, '800 messages');

    await writeSequenceConfig(
      configPath,
      SOURCE,
      [
        { id: 'siem', port: siem.port },
        { id: 'other', port: 70_000, sources: ['nope'] },
      ],
      ['bogus: 1', 'reload: { watch: maybe }', 'journal: { maxSize: "${SECRET_TOKEN}" }'],
    );
    hangUp(connector);
    await waitUntil(() => logLines(connector, 'Config not reloaded').length === 1, 15_000, 'the refusal');
    const refusal = logLines(connector, 'Config not reloaded')[0] as { level: number; msg: string; issues: Array<{ path: string; message: string }> };
    expect(refusal.level).toBe(50);
    expect(refusal.issues.map((i) => i.path).sort()).toEqual(
      ['bogus', 'destinations.other.port', 'destinations.other.sources[0]', 'journal.maxSize', 'reload.watch'].sort(),
    );
    for (const issue of refusal.issues) expect(refusal.msg).toContain(`${issue.path}: ${issue.message}`);
    expect(connector.logs()).not.toContain('s3cr3t-value-123');
    expect(logLines(connector, 'Config reloaded.')).toEqual([]);

    // The running config stays: every event still arrives, once (the destination was never stopped).
    await waitUntil(() => missing(sequenceNumbers(siem.messages), SOURCE.total).length === 0, 30_000, 'every event');
    expect(await connector.stop()).toBe(0);
    expect(sequenceNumbers(siem.messages)).toHaveLength(SOURCE.total);
  }, 60_000);

  it('reload.watch: a change to the file reloads it (debounced); a changed source restarts from its checkpoint; a key that needs a restart is logged', async () => {
    const first = await receiver();
    const second = await receiver();
    const watchLines = ['reload: { watch: true, debounce: 200ms }'];
    await writeSequenceConfig(configPath, SOURCE, [{ id: 'first', port: first.port }], watchLines);
    const connector = run();
    await waitUntil(() => first.messages.length >= 800 && logLines(connector, 'Watching the config file').length === 1, 15_000, '800 messages');

    // Written twice in quick succession (an editor's save): one reload.
    await writeFile(configPath, '# being edited\n');
    // The source changes too (a shorter poll interval): it restarts from its checkpoint, nothing skipped or repeated.
    await writeSequenceConfig(
      configPath,
      { ...SOURCE, pollIntervalMs: 20 },
      [
        { id: 'first', port: first.port },
        { id: 'second', port: second.port },
      ],
      [...watchLines, 'journal: { maxSize: 2MiB }'],
    );
    await waitUntil(() => logLines(connector, 'Config reloaded.').length === 1, 15_000, 'the reload');
    const reloaded = logLines(connector, 'Config reloaded.')[0] as { head: number; needsRestart: unknown; destinations: unknown; sources: unknown };
    expect(reloaded.destinations).toEqual({ added: ['second'], removed: [], changed: [] });
    expect(reloaded.sources).toEqual({ added: [], removed: [], changed: ['seq'] });
    expect(reloaded.needsRestart).toEqual(['journal']);
    expect(logLines(connector, 'Reloading the config.')).toEqual([expect.objectContaining({ trigger: 'file change' })]);
    expect(logLines(connector, 'journal changed: it applies at the next restart')).toHaveLength(1);

    await waitUntil(
      () =>
        missing(sequenceNumbers(first.messages), SOURCE.total).length === 0 &&
        missing(sequenceNumbers(second.messages), SOURCE.total).filter((n) => n >= reloaded.head).length === 0,
      30_000,
      'every event at first, and every event since the reload at second',
    );
    expect(await connector.stop()).toBe(0);
    expect(logLines(connector, 'Config reloaded.')).toHaveLength(1);
    expect(sequenceNumbers(first.messages)).toHaveLength(SOURCE.total);
  }, 60_000);

  it('TLS: a client certificate ending within 30 days is a warning in the log and in status; renewed files apply on SIGHUP', async () => {
    const DAY = 86_400_000;
    const ca = await createCertificateAuthority();
    const server = await issueCertificate(ca, { commonName: 'localhost', altNames: ['127.0.0.1'] });
    const old = await issueCertificate(ca, { commonName: 'connector-old', notAfter: new Date(Date.now() + 10 * DAY) });
    const files = { ca: join(dir, 'ca.pem'), cert: join(dir, 'client.pem'), key: join(dir, 'client-key.pem') };
    await writeFile(files.ca, ca.cert);
    await writeFile(files.cert, old.cert);
    await writeFile(files.key, old.key);
    const siem = await SyslogReceiver.start({ protocol: 'tls', tls: { key: server.key, cert: server.cert, ca: ca.cert, requestCert: true } });
    receivers.push(siem);
    // ~400 events/s for 15 s: the status reads and the renewal below happen while events still flow.
    const source = { total: 6_000, batchSize: 10, pollIntervalMs: 25 };
    await writeSequenceConfig(configPath, source, []);
    await writeFile(
      configPath,
      [
        `  siem:`,
        '    protocol: tls',
        '    address: 127.0.0.1',
        `    port: ${siem.port}`,
        `    tls: { ca: ${JSON.stringify(files.ca)}, cert: ${JSON.stringify(files.cert)}, key: ${JSON.stringify(files.key)} }`,
        '',
      ].join('\n'),
      { flag: 'a' },
    );
    const connector = run();
    await waitUntil(() => siem.messages.length >= 500, 15_000, '500 messages');
    const warning = logLines(connector, 'The client certificate of destinations.siem.tls.cert expires in');
    expect(warning).toEqual([expect.objectContaining({ level: 40, destination: 'siem', daysLeft: 9, path: 'destinations.siem.tls.cert' })]);
    expect(logLines(connector, 'The CA certificate')).toEqual([]);
    // `status` (another process, reading the store) shows it too.
    let certificates: unknown;
    for (const deadline = Date.now() + 10_000; certificates === undefined && Date.now() < deadline; await sleep(250)) {
      certificates = ((await readStatus(configPath)).destinations[0] as { certificates?: unknown } | undefined)?.certificates;
    }
    expect(certificates).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'destinations.siem.tls.cert', role: 'client', subject: 'CN=connector-old', daysLeft: 9, expiresSoon: true }),
        expect.objectContaining({ path: 'destinations.siem.tls.ca', role: 'ca', expiresSoon: false }),
      ]),
    );

    const human = await runCli(['status', '-c', configPath]);
    expect(human.stdout).toContain('CERTIFICATE-EXPIRES-SOON');
    expect(human.stdout).toMatch(/WARNING destinations\.siem\.tls\.cert: the client certificate CN=connector-old expires in 9 days/);

    // Renewed in place, the config file unchanged: SIGHUP reads the files again and the destination reconnects now.
    const renewed = await issueCertificate(ca, { commonName: 'connector-renewed', notAfter: new Date(Date.now() + 365 * DAY) });
    await writeFile(files.key, renewed.key);
    await writeFile(files.cert, renewed.cert);
    hangUp(connector);
    await waitUntil(() => logLines(connector, 'Config reloaded.').length === 1, 15_000, 'the reload');
    const reloaded = logLines(connector, 'Config reloaded.')[0] as { head: number; destinations: unknown };
    expect(reloaded.destinations).toEqual({ added: [], removed: [], changed: ['siem'] });
    expect(reloaded.head).toBeLessThan(source.total);
    await waitUntil(() => missing(sequenceNumbers(siem.messages), source.total).length === 0, 30_000, 'every event');
    expect(await connector.stop()).toBe(0);
    expect(missing(sequenceNumbers(siem.messages), source.total)).toEqual([]);
    const names = new Set(siem.messages.map((m) => m.tls?.commonName));
    expect(names).toEqual(new Set(['connector-old', 'connector-renewed']));
    // The last messages came over the renewed certificate.
    expect(siem.messages[siem.messages.length - 1]?.tls?.commonName).toBe('connector-renewed');
  }, 60_000);
});
