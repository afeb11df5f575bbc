import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { connect } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
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
import { InMemoryJournal } from '@syslog-connector/core/engine';
import { CefFormatter, cefOptions } from '@syslog-connector/format-cef';
import { openStore } from '@syslog-connector/store-sqlite';
import { TcpTransport, tcpOptions } from '@syslog-connector/transport-tcp';
import { syslogNgInstallation } from '@syslog-connector/testing';
import { afterAll, describe, test } from 'vitest';
import { DAEMON_V8_FLAGS } from '../src/commands/run-command.js';
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
const results: Array<{ path: string; eventsPerSecond?: number; cpuUsPerEvent?: number; note?: string }> = [];
/** Rounds of the throughput rows (`BENCH_ROUNDS`, default 3); the table shows each row's median. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Each throughput row's rate per round, by path, in the order the rows first ran. */
const samples = new Map<string, Rate[]>();

/** CPU time (user + system) a process has used so far, in µs: /proc/<pid>/stat, every thread included. */
const processCpuUs = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10_000; // clock ticks of 10 ms
};
/** A pipeline's or a peer's rate, and the CPU its process spent per event (what a shared machine distorts least). */
interface Rate {
  readonly eventsPerSecond: number;
  readonly cpuUsPerEvent: number;
}

// @ts-expect-error: a plain .mjs shared with pile-up.mjs, which runs in its own process without a build step.
import { benchEvent } from './bench-event.mjs';
// @ts-expect-error: a plain .mjs shared with pipeline-cost.mjs (no build step either).
import { pipelineRound } from './pipeline-round.mjs';
// @ts-expect-error: a plain .mjs shared with many-tenants.mjs.
import { unitNodeFlags } from './unit-node-flags.mjs';

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
const pipeline = async (journal: Journal, total: number): Promise<Rate> => {
  const sink = await startSink(total);
  const { seconds, cpuUs, deadLettered } = (await pipelineRound({
    journal,
    source: fastSource(total),
    formatter: formatter(),
    transport: transport(sink.port),
    batchSize: DEFAULT_DELIVERY_BATCH, // as the daemon delivers
    delivered: sink.done,
  })) as { seconds: number; cpuUs: number; deadLettered: number };
  sink.child.kill('SIGTERM');
  // Every event must have gone through the journal: one that breaks the event contract is dead-lettered at the source.
  if (deadLettered > 0) throw new Error(`${deadLettered} bench events were dead-lettered: fix bench-event.mjs`);
  return { eventsPerSecond: total / seconds, cpuUsPerEvent: cpuUs / total };
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

/** The same events as the pipeline sends, formatted beforehand and octet-counted: what a peer daemon receives. */
const preformatted = (total: number): Buffer => {
  const cef = formatter();
  const frames: Buffer[] = [];
  for (let n = 0; n < total; n += 1) {
    const message = Buffer.from(cef.format(event(n)));
    frames.push(Buffer.from(`${message.length} `), message);
  }
  return Buffer.concat(frames);
};

/** A peer daemon's config, given its work folder, its input port and the sink's port; and how to start it. */
interface Peer {
  readonly config: (dir: string, inPort: number, sinkPort: number) => string;
  readonly start: (dir: string, configFile: string) => ChildProcess;
}

/**
 * A peer daemon (rsyslog, syslog-ng) receiving the pre-formatted events on TCP (octet-counted) and forwarding them
 * to the same sink: events/s from the sender's connect to the sink's last frame.
 */
const peerForward = async (peer: Peer, total: number): Promise<Rate> => {
  const payload = preformatted(total);
  const sink = await startSink(total);
  const dir = mkdtempSync(join(tmpdir(), 'bench-peer-'));
  const inPort = 20_000 + Math.floor(Math.random() * 20_000);
  const configFile = join(dir, 'peer.conf');
  writeFileSync(configFile, peer.config(dir, inPort, sink.port));
  const daemon = peer.start(dir, configFile);
  try {
    let socket;
    for (let attempt = 0; ; attempt += 1) {
      try {
        socket = await new Promise<ReturnType<typeof connect>>((resolve, reject) => {
          const s = connect(inPort, '127.0.0.1', () => resolve(s));
          s.once('error', reject);
        });
        break;
      } catch (error) {
        // Up to 30 s: a daemon starting on a machine under a load average of 20 took longer than 5 s to listen.
        if (attempt > 600 || daemon.exitCode !== null) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const started = performance.now();
    const cpu = processCpuUs(daemon.pid as number);
    socket.end(payload);
    await sink.done;
    const seconds = (performance.now() - started) / 1_000;
    return { eventsPerSecond: total / seconds, cpuUsPerEvent: (processCpuUs(daemon.pid as number) - cpu) / total };
  } finally {
    daemon.kill('SIGTERM');
    await new Promise((resolve) => (daemon.exitCode === null && daemon.signalCode === null ? daemon.once('exit', resolve) : resolve(undefined)));
    sink.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
};

/** rsyslog: imtcp → `omfwd` (TCP, octet-counted) → the sink, the raw message passed through; `queue` is the action's. */
const rsyslog = (queue: string): Peer => ({
  config: (dir, inPort, sinkPort) =>
    [
      `global(workDirectory="${dir}" maxMessageSize="64k")`,
      'module(load="imtcp" maxSessions="10")',
      `input(type="imtcp" address="127.0.0.1" port="${inPort}" ruleset="fwd")`,
      'template(name="raw" type="string" string="%rawmsg%")',
      'ruleset(name="fwd" queue.type="LinkedList" queue.size="200000") {',
      `  action(type="omfwd" target="127.0.0.1" port="${sinkPort}" protocol="tcp" TCP_Framing="octet-counted" template="raw" ${queue})`,
      '}',
      '',
    ].join('\n'),
  start: (dir, configFile) => spawn('rsyslogd', ['-n', '-f', configFile, '-i', join(dir, 'rsyslog.pid')], { stdio: 'ignore' }),
});

/** rsyslog's durable mode: a Disk action queue, its bookkeeping written every 1,000 messages. */
const RSYSLOG_DISK_QUEUE = 'queue.type="Disk" queue.filename="fwdq" queue.checkpointInterval="1000" queue.maxDiskSpace="2g"';

/** syslog-ng's durable mode: `syslog()` in (octet-counted) → `syslog()` out with a reliable disk-buffer → the sink. */
const syslogNgDisk: Peer = {
  config: (dir, inPort, sinkPort) => `@version: ${syslogNgInstallation().version}
options { keep-hostname(yes); chain-hostnames(no); use-dns(no); dns-cache(no); log-msg-size(65536); create-dirs(no); };
source s_in { syslog(transport(tcp) ip("127.0.0.1") port(${inPort}) max-connections(10)); };
destination d_sink {
  syslog("127.0.0.1" transport(tcp) port(${sinkPort})
    disk-buffer(reliable(yes) dir("${dir}") disk-buf-size(2147483648) mem-buf-size(16777216)));
};
log { source(s_in); destination(d_sink); };
`,
  start: (dir, configFile) => {
    const installation = syslogNgInstallation();
    return spawn(
      installation.binary,
      ['--foreground', '--no-caps', '-f', configFile, `--module-path=${installation.modulePath}`, '--persist-file', join(dir, 'syslog-ng.persist'),
        '--control', join(dir, 'syslog-ng.ctl'), '--pidfile', join(dir, 'syslog-ng.pid')],
      { stdio: 'ignore', env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LD_LIBRARY_PATH: installation.libraryPath, TZ: 'UTC', LC_ALL: 'C' } },
    );
  },
};

const PILE_UP_SCRIPT = fileURLToPath(new URL('./pile-up.mjs', import.meta.url));

/** `PILE_UP` events stored while the only destination is down, in a fresh process; its peak RSS (maxRSS). */
const pileUp = async (
  total: number,
  engine: 'log' | 'sqlite',
  v8Flags: string,
): Promise<{ peakRssMb: number; seconds: number; cpuUsPerEvent: number; journalMb: number; backlog: number }> => {
  // With the daemon's flags, its process also gets the systemd unit's node flags, as the installed daemon does.
  const nodeFlags = v8Flags === DAEMON_V8_FLAGS ? (unitNodeFlags() as string[]) : [];
  const child = spawn(process.execPath, [...nodeFlags, PILE_UP_SCRIPT, String(total), engine, v8Flags], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  await new Promise((resolve) => child.on('close', resolve));
  return JSON.parse(text) as { peakRssMb: number; seconds: number; cpuUsPerEvent: number; journalMb: number; backlog: number };
};

/** A test's time limit: each test is one large end-to-end run (not Tinybench samples), the pile-ups the longest. */
const once = 300_000;

describe(`end to end, ${EVENTS} events of ~400 B`, () => {
  // Not measured: the first pipeline of the process pays for compiling the whole path (it ran 2× slower than the
  // same pipeline run third); each journal kind runs once on a small batch first.
  test('warm-up (not measured)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-warm-up-'));
    for (const engine of ['log', 'sqlite'] as const) {
      const journal = await openStore(join(dir, engine), { engine });
      await pipeline(journal, 20_000);
      await journal.close();
    }
    await pipeline(new InMemoryJournal(), 20_000);
    const floor = new FloorJournal(join(dir, 'floor.jsonl'));
    await pipeline(floor, 20_000);
    await floor.close();
    rmSync(dir, { recursive: true, force: true });
  }, once);

  const stores = [
    ['log journal', 'connector, log journal (segments, MessagePack events)', { engine: 'log' }],
    ['log journal with JSON events', 'connector, log journal with JSON events (the encoding before issue 18)', { engine: 'log', eventEncoding: 'json' }],
    ['SQLite journal', 'connector, SQLite journal (WAL)', { engine: 'sqlite' }],
    ['log journal with fsync', 'connector, log journal, fdatasync per batch (journal.fsync)', { engine: 'log', fsync: true }],
  ] as const;
  const inDir = async <T>(prefix: string, work: (dir: string) => Promise<T>): Promise<T> => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    try {
      return await work(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const rows: ReadonlyArray<{ readonly name: string; readonly path: string; readonly run: () => Promise<Rate> }> = [
    ...stores.map(([name, path, options]) => ({
      name: `${name} → CEF → TCP → sink`,
      path,
      run: () =>
        inDir('bench-journal-', async (dir) => {
          const journal = await openStore(dir, options);
          try {
            return await pipeline(journal, EVENTS);
          } finally {
            await journal.close();
          }
        }),
    })),
    { name: 'in-memory journal → CEF → TCP → sink', path: 'connector, in-memory journal', run: () => pipeline(new InMemoryJournal(), EVENTS) },
    {
      name: 'floor: in-memory journal + JSON of every event → CEF → TCP → sink',
      path: 'floor: in-memory journal + JSON.stringify of each event',
      run: () => pipeline(new FloorJournal(), EVENTS),
    },
    {
      name: 'floor: in-memory journal + JSON appended to a file → CEF → TCP → sink',
      path: 'floor: in-memory journal + JSON appended to a plain file',
      run: () =>
        inDir('bench-floor-', async (dir) => {
          const journal = new FloorJournal(join(dir, 'events.jsonl'));
          try {
            return await pipeline(journal, EVENTS);
          } finally {
            await journal.close();
          }
        }),
    },
    { name: 'rsyslog imtcp → omfwd → sink', path: 'rsyslog 8.2302 imtcp → omfwd, memory queue (pre-formatted)', run: () => peerForward(rsyslog(''), EVENTS) },
    {
      name: 'rsyslog imtcp → Disk action queue → omfwd → sink',
      path: 'rsyslog-disk: rsyslog 8.2302 imtcp → Disk action queue (checkpoint every 1,000) → omfwd',
      run: () => peerForward(rsyslog(RSYSLOG_DISK_QUEUE), EVENTS),
    },
    {
      name: 'syslog-ng syslog() → reliable disk-buffer → syslog() → sink',
      path: `syslog-ng-disk: syslog-ng ${syslogNgInstallation().version} syslog() → reliable disk-buffer → syslog()`,
      run: () => peerForward(syslogNgDisk, EVENTS),
    },
  ];
  // Every row runs once per round, the rounds one after the other: a row's place in the run (what ran before it,
  // the heap and page cache it inherits) and a burst of other work on the machine then weigh on one round, not on
  // the row; the table shows each row's median.
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const row of rows) {
      test(`${row.name} (round ${round} of ${ROUNDS})`, async () => {
        const rate = await row.run();
        samples.set(row.path, [...(samples.get(row.path) ?? []), rate]);
      }, once);
    }
  }

  // As the daemon runs (`syslog-connector run` sets DAEMON_V8_FLAGS, --optimize-for-size, before any work), then with
  // V8's defaults (SYSLOG_CONNECTOR_V8_FLAGS=''): under this allocation rate V8 grows its young generation to
  // 2 × 64 MiB, most of the peak; --max-semi-space-size would cap it, but only as a flag of the node process.
  for (const [engine, flags] of [['log', DAEMON_V8_FLAGS], ['sqlite', DAEMON_V8_FLAGS], ['log', '']] as const) {
    test(`${PILE_UP} events pile up, destination down (${engine} journal, V8 flags '${flags}')`, async () => {
      const { peakRssMb, seconds, cpuUsPerEvent, journalMb, backlog } = await pileUp(PILE_UP, engine, flags);
      if (backlog !== PILE_UP) throw new Error(`expected ${PILE_UP} events in the backlog, found ${backlog}`);
      results.push({
        path: `${engine} journal: ${PILE_UP.toLocaleString('en')} events pile up (destination down), ${flags === '' ? "V8's defaults" : `the daemon's flags (${[...(unitNodeFlags() as string[]), flags].join(' ')})`}`,
        eventsPerSecond: PILE_UP / seconds,
        cpuUsPerEvent,
        note: `stored/s; peak RSS ${peakRssMb.toFixed(0)} MB (whole process), journal ${journalMb.toFixed(0)} MB on disk, ${Math.round((journalMb * 1_048_576) / PILE_UP)} B per event`,
      });
    }, once);
  }
});

const loadAtStart = loadavg();

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

afterAll(() => {
  const measured = [...samples].map(([path, rates]) => {
    const perSecond = rates.map((r) => r.eventsPerSecond);
    const range = `${Math.round(Math.min(...perSecond)).toLocaleString('en')}–${Math.round(Math.max(...perSecond)).toLocaleString('en')}`;
    return {
      path,
      eventsPerSecond: median(perSecond),
      cpuUsPerEvent: median(rates.map((r) => r.cpuUsPerEvent)),
      note: rates.length > 1 ? `median of ${rates.length} rounds; events/s ${range}` : '',
    };
  });
  results.unshift(...measured);
  const rate = (path: string) => results.find((r) => r.path.startsWith(path))?.eventsPerSecond ?? Number.NaN;
  const cpuOf = (path: string) => results.find((r) => r.path.startsWith(path))?.cpuUsPerEvent ?? Number.NaN;
  const memory = rate('connector, in-memory');
  const rsyslogMemory = rate('rsyslog 8.2302 imtcp → omfwd, memory');
  const rsyslogDisk = rate('rsyslog-disk');
  const syslogNgDiskRate = rate('syslog-ng-disk');
  const lines = [`load average at start ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}`, '', '| path | events/s | CPU µs per event | notes |', '|---|---|---|---|'];
  for (const r of results) {
    lines.push(
      `| ${r.path} | ${r.eventsPerSecond === undefined ? '' : Math.round(r.eventsPerSecond).toLocaleString('en')} | ${r.cpuUsPerEvent === undefined ? '' : r.cpuUsPerEvent.toFixed(2)} | ${r.note ?? ''} |`,
    );
  }
  const json = rate('floor: in-memory journal + JSON.stringify');
  const file = rate('floor: in-memory journal + JSON appended');
  const x = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  for (const [name, prefix] of [['log journal', 'connector, log journal ('], ['log journal, JSON events', 'connector, log journal with JSON'], ['SQLite journal', 'connector, SQLite']] as const) {
    const journal = rate(prefix);
    lines.push(
      `| ratios, ${name} | journal/rsyslog-disk **${x(journal, rsyslogDisk)}** · journal/syslog-ng-disk **${x(journal, syslogNgDiskRate)}** · journal/in-memory **${x(journal, memory)}** · journal/rsyslog-memory ${x(journal, rsyslogMemory)} | | events/s |`,
    );
    // Events per CPU second, the same ratios by what each process spent: less distorted by other work on the machine.
    const cpu = cpuOf(prefix);
    lines.push(
      `| ratios by CPU, ${name} | rsyslog-disk/journal ${x(cpuOf('rsyslog-disk'), cpu)} · syslog-ng-disk/journal ${x(cpuOf('syslog-ng-disk'), cpu)} · in-memory/journal ${x(cpuOf('connector, in-memory'), cpu)} | | CPU per event, inverted |`,
    );
  }
  lines.push(
    `| ceilings | JSON only/in-memory ${x(json, memory)} · JSON + file/in-memory ${x(file, memory)} · in-memory/rsyslog-memory ${x(memory, rsyslogMemory)} | | |`,
  );
  console.log(`\n${lines.join('\n')}\n`);
});
