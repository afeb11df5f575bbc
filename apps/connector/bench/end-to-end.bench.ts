import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  configPlace,
  type AppendResult,
  type Checkpoint,
  type Journal,
  type Logger,
  type SecurityEvent,
  type Source,
  type SourceBatch,
  systemClock,
} from '@syslog-connector/core';
import { DestinationRunner, InMemoryJournal, SourceRunner } from '@syslog-connector/core/engine';
import { CefFormatter, cefOptions } from '@syslog-connector/format-cef';
import { openStore } from '@syslog-connector/store-sqlite';
import { TcpTransport, tcpOptions } from '@syslog-connector/transport-tcp';
import { afterAll, describe, test } from 'vitest';
import { DEFAULT_DELIVERY_BATCH } from '../src/connector.js';
import { InMemoryMetrics } from '../src/in-memory-metrics.js';

/**
 * The end-to-end benchmark of issue 6, every figure from one run (REAL-PEERS: compare only within one run):
 * - events/s from a fast in-process source → journal → CEF → TCP → a counting sink in another process, with the
 *   SQLite journal and with the in-memory journal;
 * - rsyslog (Debian package) forwarding the same number of pre-formatted CEF messages from imtcp to the same sink
 *   with omfwd (octet-counted TCP), the workhorse a user would otherwise pick;
 * - peak RSS while a destination is down and 1,000,000 events pile up in the journal.
 */
const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const PILE_UP = Number(process.env.BENCH_PILE_UP ?? 1_000_000);
const SINK = fileURLToPath(new URL('./counting-sink.mjs', import.meta.url));
const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => quiet };
const results: Array<{ path: string; eventsPerSecond?: number; note?: string }> = [];

// @ts-expect-error: a plain .mjs shared with pile-up.mjs, which runs in its own process without a build step.
import { benchEvent } from './bench-event.mjs';

const event = benchEvent as (n: number) => SecurityEvent;

/** Yields `total` events in batches of 1000, resuming from its checkpoint; polls back to back. */
const fastSource = (total: number): Source => ({
  pollIntervalMs: 0,
  async *read(from: Checkpoint | undefined): AsyncIterable<SourceBatch> {
    let next = typeof from?.['next'] === 'number' ? from['next'] : 0;
    while (next < total) {
      const end = Math.min(total, next + 1_000);
      const events: SecurityEvent[] = [];
      for (let n = next; n < end; n += 1) events.push(event(n));
      next = end;
      yield { events, checkpoint: { next } };
    }
  },
  close: async () => undefined,
});

const startSink = async (expected: number): Promise<{ port: number; done: Promise<number>; child: ChildProcess }> => {
  const child = spawn(process.execPath, [SINK, String(expected)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  let port = 0;
  let resolvePort: (p: number) => void = () => undefined;
  let resolveDone: (ms: number) => void = () => undefined;
  const portReady = new Promise<number>((resolve) => (resolvePort = resolve));
  const done = new Promise<number>((resolve) => (resolveDone = resolve));
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    const p = /port (\d+)/.exec(text);
    if (p !== null && port === 0) resolvePort((port = Number(p[1])));
    const d = /done (\d+)/.exec(text);
    if (d !== null) resolveDone(Number(d[1]));
  });
  return { port: await portReady, done, child };
};

const formatter = () =>
  new CefFormatter(cefOptions.parse({}), { host: { instance: 'bench-sensor', hostname: 'bench' }, metrics: new InMemoryMetrics() });
const transport = (port: number) =>
  new TcpTransport(configPlace('destinations', 'sink', process.cwd()), tcpOptions.parse({ address: '127.0.0.1', port }), { logger: quiet, clock: systemClock });

/** Source and destination running together, as in the daemon; resolves with events/s once the sink has all. */
const pipeline = async (journal: Journal, total: number): Promise<number> => {
  const sink = await startSink(total);
  const tcp = transport(sink.port);
  const destination = new DestinationRunner('sink', formatter(), tcp, journal, systemClock, quiet, {
    batchSize: DEFAULT_DELIVERY_BATCH, // as the daemon delivers
    sources: undefined,
    maxRetryDelayMs: 1_000,
    confirmWindowMs: 2_000,
  });
  await journal.setConsumers([{ destination: 'sink' }]);
  const source = new SourceRunner('bench', fastSource(total), journal, systemClock, quiet, () => destination.notify());
  const polling = new AbortController();
  const delivery = new AbortController();
  const started = performance.now();
  const sourceRun = source.run(polling.signal);
  const destinationRun = destination.run(delivery.signal, 5);
  await sink.done;
  const seconds = (performance.now() - started) / 1_000;
  polling.abort();
  delivery.abort();
  await Promise.allSettled([sourceRun, destinationRun]);
  await tcp.close();
  sink.child.kill('SIGTERM');
  return total / seconds;
};

/**
 * Not a journal to ship: the in-memory journal plus the least that any durable journal has to do on the event loop.
 * It serialises every event as JSON (handing events to a worker thread instead costs more: a structured clone is
 * slower than `JSON.stringify`). With `file`, it also appends that JSON to a plain log file, with no index and no
 * fsync (what SQLite does at `synchronous=NORMAL`). Its rate against the in-memory journal is the ceiling of
 * journal/in-memory for any design that stores the events this process holds.
 */
class FloorJournal extends InMemoryJournal {
  readonly #fd: number | undefined;
  bytes = 0;

  constructor(file?: string) {
    super();
    this.#fd = file === undefined ? undefined : openSync(file, 'a', 0o600);
  }

  override append(source: string, events: readonly SecurityEvent[], checkpoint: Checkpoint): Promise<AppendResult> {
    const json = events.map((e) => JSON.stringify(e)).join('\n');
    this.bytes += json.length;
    if (this.#fd !== undefined) writeSync(this.#fd, `${json}\n${JSON.stringify(checkpoint)}\n`);
    return super.append(source, events, checkpoint);
  }

  override async close(): Promise<void> {
    if (this.#fd !== undefined) closeSync(this.#fd);
    await super.close();
  }
}

/** rsyslog: imtcp (octet-counted in) → omfwd TCP octet-counted → the sink, the raw message passed through. */
const rsyslogForward = async (total: number): Promise<number> => {
  const sink = await startSink(total);
  const dir = mkdtempSync(join(tmpdir(), 'bench-rsyslog-'));
  const inPort = 20_000 + Math.floor(Math.random() * 20_000);
  writeFileSync(
    join(dir, 'rsyslog.conf'),
    [
      `global(workDirectory="${dir}" maxMessageSize="64k")`,
      'module(load="imtcp" maxSessions="10")',
      `input(type="imtcp" address="127.0.0.1" port="${inPort}" ruleset="fwd")`,
      'template(name="raw" type="string" string="%rawmsg%")',
      'ruleset(name="fwd" queue.type="LinkedList" queue.size="200000") {',
      `  action(type="omfwd" target="127.0.0.1" port="${sink.port}" protocol="tcp" TCP_Framing="octet-counted" template="raw")`,
      '}',
      '',
    ].join('\n'),
  );
  const daemon = spawn('rsyslogd', ['-n', '-f', join(dir, 'rsyslog.conf'), '-i', join(dir, 'rsyslog.pid')], { stdio: 'ignore' });
  try {
    const cef = formatter();
    const frames: Buffer[] = [];
    for (let n = 0; n < total; n += 1) {
      const message = Buffer.from(cef.format(event(n)));
      frames.push(Buffer.from(`${message.length} `), message);
    }
    const payload = Buffer.concat(frames);
    let socket;
    for (let attempt = 0; ; attempt += 1) {
      try {
        socket = await new Promise<ReturnType<typeof connect>>((resolve, reject) => {
          const s = connect(inPort, '127.0.0.1', () => resolve(s));
          s.once('error', reject);
        });
        break;
      } catch (error) {
        if (attempt > 100) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const started = performance.now();
    socket.end(payload);
    await sink.done;
    return total / ((performance.now() - started) / 1_000);
  } finally {
    daemon.kill('SIGTERM');
    sink.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
};

const PILE_UP_SCRIPT = fileURLToPath(new URL('./pile-up.mjs', import.meta.url));

/** `PILE_UP` events stored while the only destination is down, in a fresh process; its peak RSS (maxRSS). */
const pileUp = async (total: number): Promise<{ peakRssMb: number; seconds: number; journalMb: number; backlog: number }> => {
  const child = spawn(process.execPath, [PILE_UP_SCRIPT, String(total)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  await new Promise((resolve) => child.on('close', resolve));
  return JSON.parse(text) as { peakRssMb: number; seconds: number; journalMb: number; backlog: number };
};

/** One measured run each: the figures are end-to-end rates of one large run, not Tinybench samples. */
const once = 300_000;

describe(`end to end, ${EVENTS} events of ~400 B`, () => {
  test('SQLite journal → CEF → TCP → sink', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-journal-'));
    const journal = await openStore(dir);
    results.push({ path: 'connector, SQLite journal (WAL)', eventsPerSecond: await pipeline(journal, EVENTS) });
    await journal.close();
    rmSync(dir, { recursive: true, force: true });
  }, once);

  test('in-memory journal → CEF → TCP → sink', async () => {
    results.push({ path: 'connector, in-memory journal', eventsPerSecond: await pipeline(new InMemoryJournal(), EVENTS) });
  }, once);

  test('floor: in-memory journal + JSON of every event → CEF → TCP → sink', async () => {
    const journal = new FloorJournal();
    results.push({ path: 'floor: in-memory journal + JSON.stringify of each event', eventsPerSecond: await pipeline(journal, EVENTS) });
  }, once);

  test('floor: in-memory journal + JSON appended to a file → CEF → TCP → sink', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-floor-'));
    const journal = new FloorJournal(join(dir, 'events.jsonl'));
    results.push({ path: 'floor: in-memory journal + JSON appended to a plain file', eventsPerSecond: await pipeline(journal, EVENTS) });
    await journal.close();
    rmSync(dir, { recursive: true, force: true });
  }, once);

  test('rsyslog imtcp → omfwd → sink', async () => {
    results.push({ path: 'rsyslog 8.2302 imtcp → omfwd (pre-formatted)', eventsPerSecond: await rsyslogForward(EVENTS) });
  }, once);

  test(`${PILE_UP} events pile up, destination down`, async () => {
    const { peakRssMb, seconds, journalMb, backlog } = await pileUp(PILE_UP);
    if (backlog !== PILE_UP) throw new Error(`expected ${PILE_UP} events in the backlog, found ${backlog}`);
    results.push({
      path: `${PILE_UP.toLocaleString('en')} events pile up (destination down)`,
      eventsPerSecond: PILE_UP / seconds,
      note: `peak RSS ${peakRssMb.toFixed(0)} MB (whole process), journal ${journalMb.toFixed(0)} MB on disk`,
    });
  }, once);
});

afterAll(() => {
  const rate = (path: string) => results.find((r) => r.path.startsWith(path))?.eventsPerSecond ?? Number.NaN;
  const sqlite = rate('connector, SQLite');
  const memory = rate('connector, in-memory');
  const rsyslog = rate('rsyslog');
  const lines = ['| path | events/s | notes |', '|---|---|---|'];
  for (const r of results) lines.push(`| ${r.path} | ${r.eventsPerSecond === undefined ? '' : Math.round(r.eventsPerSecond).toLocaleString('en')} | ${r.note ?? ''} |`);
  const json = rate('floor: in-memory journal + JSON.stringify');
  const file = rate('floor: in-memory journal + JSON appended');
  lines.push(`| ratios | journal/rsyslog ${(sqlite / rsyslog).toFixed(2)}× · journal/in-memory ${(sqlite / memory).toFixed(2)}× | |`);
  lines.push(
    `| ceilings | JSON only/in-memory ${(json / memory).toFixed(2)}× · JSON + file/in-memory ${(file / memory).toFixed(2)}× · in-memory/rsyslog ${(memory / rsyslog).toFixed(2)}× | |`,
  );
  console.log(`\n${lines.join('\n')}\n`);
});
