// The journal's own cost, A/B in one process (issue 18, third pass): the end-to-end pipeline of end-to-end.bench.ts
// (fast in-process source → journal → CEF → TCP → counting sink) with the in-memory journal and the log journal,
// rounds interleaved so that a shared machine's load falls on every variant alike; CPU per event from
// `process.cpuUsage()`. With `--base DIR`, a second build of store-sqlite (a copy of its dist from before a change,
// placed inside the package so that its imports resolve: packages/store-sqlite/node_modules/.dist-base) runs as a
// third variant, `base`. Each line also says how many of the destination's reads were more than the log journal's
// in-memory tail behind the head (those read from the segment files). A profile: `node --cpu-prof … --only log`.
//
//   node bench/journal-ab.mjs [--events 200000] [--rounds 3] [--only memory,log,json,base]
//                             [--base ../../packages/store-sqlite/node_modules/.dist-base]
//
// The first pipeline of each variant is a warm-up (not measured): it pays for compiling the path.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { configPlace, systemClock } from '@syslog-connector/core';
import { DestinationRunner, InMemoryJournal, SourceRunner } from '@syslog-connector/core/engine';
import { CefFormatter, cefOptions } from '@syslog-connector/format-cef';
import { openStore } from '@syslog-connector/store-sqlite';
import { TcpTransport, tcpOptions } from '@syslog-connector/transport-tcp';
import { benchSource, quiet } from './bench-event.mjs';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '3' },
    base: { type: 'string' },
    only: { type: 'string' },
  },
});
const EVENTS = Number(args.events);
const ROUNDS = Number(args.rounds);
const SINK = fileURLToPath(new URL('./counting-sink.mjs', import.meta.url));
const metrics = { increment: () => undefined };
/** The log journal's in-memory tail (store-sqlite's DEFAULT_RECENT_EVENTS). */
const TAIL = 10_000;

const startSink = async (expected) => {
  const child = spawn(process.execPath, [SINK, String(expected)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  let resolvePort;
  let resolveDone;
  const port = new Promise((r) => (resolvePort = r));
  const done = new Promise((r) => (resolveDone = r));
  child.stdout.on('data', (chunk) => {
    text += chunk.toString();
    const p = /port (\d+)/.exec(text);
    if (p !== null) resolvePort(Number(p[1]));
    if (/done (\d+)/.test(text)) resolveDone();
  });
  return { port: await port, done, child };
};

/** One pipeline as the daemon runs it (batches of 1,000, a 2 s confirm window); events/s and CPU µs per event. */
const pipeline = async (journal, total) => {
  const sink = await startSink(total);
  const tcp = new TcpTransport(configPlace('destinations', 'sink', process.cwd()), tcpOptions.parse({ address: '127.0.0.1', port: sink.port }), {
    logger: quiet,
    clock: systemClock,
  });
  const formatter = new CefFormatter(cefOptions.parse({}), { host: { instance: 'bench-sensor', hostname: 'bench' }, metrics });
  const destination = new DestinationRunner('sink', formatter, tcp, journal, systemClock, quiet, {
    batchSize: 1_000,
    sources: undefined,
    maxRetryDelayMs: 1_000,
    confirmWindowMs: 2_000,
  });
  await journal.setConsumers([{ destination: 'sink' }]);
  // How far behind the head the destination reads (a log journal answers from memory only within its tail).
  const read = journal.read.bind(journal);
  let reads = 0;
  let behind = 0;
  journal.read = async (name, options) => {
    reads += 1;
    if ((await journal.head()) - (options.after ?? 0) > TAIL) behind += 1;
    return read(name, options);
  };
  const source = new SourceRunner('bench', benchSource(total), journal, systemClock, quiet, () => destination.notify());
  const polling = new AbortController();
  const delivery = new AbortController();
  const started = performance.now();
  const cpu = process.cpuUsage();
  const runs = [source.run(polling.signal), destination.run(delivery.signal, 5)];
  await sink.done;
  const seconds = (performance.now() - started) / 1_000;
  const used = process.cpuUsage(cpu);
  polling.abort();
  delivery.abort();
  await Promise.allSettled(runs);
  await tcp.close();
  sink.child.kill('SIGTERM');
  if (source.stats.deadLettered > 0) throw new Error(`${source.stats.deadLettered} bench events were dead-lettered`);
  return { eventsPerSecond: total / seconds, cpuUsPerEvent: (used.user + used.system) / total, behind: `${behind}/${reads}` };
};

const variants = [
  ['memory', async () => ({ journal: new InMemoryJournal(), done: async () => undefined })],
  ['log', async () => logJournal(openStore)],
  // The log journal writing JSON records (`eventEncoding: 'json'`, the format before MessagePack).
  ['json', async () => logJournal(openStore, { eventEncoding: 'json' })],
];
if (args.base !== undefined) {
  const base = await import(pathToFileURL(join(resolve(args.base), 'index.js')).href);
  variants.push(['base', async () => logJournal(base.openStore)]);
}

async function logJournal(open, options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'journal-ab-'));
  const journal = await open(dir, { engine: 'log', ...options });
  return {
    journal,
    done: async () => {
      await journal.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const only = args.only?.split(',');
const chosen = variants.filter(([name]) => only === undefined || only.includes(name));
const results = new Map(chosen.map(([name]) => [name, []]));
console.log(`load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${EVENTS} events, ${ROUNDS} rounds`);
for (let round = 0; round <= ROUNDS; round += 1) {
  for (const [name, make] of chosen) {
    const { journal, done } = await make();
    const rate = await pipeline(journal, round === 0 ? 20_000 : EVENTS);
    await done();
    if (round === 0) continue;
    results.get(name).push(rate);
    console.log(`round ${round} ${name.padEnd(6)} ${Math.round(rate.eventsPerSecond).toLocaleString('en').padStart(8)} events/s ${rate.cpuUsPerEvent.toFixed(2).padStart(6)} µs CPU/event, reads behind the tail ${rate.behind} (load ${loadavg()[0].toFixed(1)})`);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cpu = (name) => median(results.get(name).map((r) => r.cpuUsPerEvent));
for (const [name] of chosen) console.log(`${name.padEnd(6)} median ${cpu(name).toFixed(2)} µs CPU/event, ${Math.round(median(results.get(name).map((r) => r.eventsPerSecond))).toLocaleString('en')} events/s`);
if (results.has('memory')) {
  for (const name of ['log', 'json', 'base']) if (results.has(name)) console.log(`in-memory/${name} by CPU: ${(cpu('memory') / cpu(name)).toFixed(2)}×`);
}
if (results.has('base') && results.has('log')) console.log(`base/log by CPU: ${(cpu('base') / cpu('log')).toFixed(2)}×`);
