// The pipeline's own stages, each on its own, A/B against another build of the tree in the same process (after
// `pnpm build` in both): what `pipeline-cost.mjs` measures end to end, split so a change of a few per cent can be
// told apart on a shared machine. Rounds alternate between the builds; each prints the CPU per event
// (`process.cpuUsage()`) of
// - `source`: the source runner's per-event work (the event check, `securityEventProblem`) on batches of 1,000
//   made beforehand, into a journal that stores nothing;
// - `format`: `CefFormatter.format` (the defaults: RFC 3164 prefix) and the UTF-8 encoding of its line into a
//   buffer, as the transport does (a rope the formatter leaves is flattened there);
// - `frame`: the stream transport's octet-counted chunks (`frameChunk`, 64 KiB) of formatted lines, through a
//   real `TcpTransport` to a local socket that discards them.
//
//   node bench/pipeline-stages.mjs BASE_TREE [events=100000] [rounds=5]
//
// BASE_TREE is the root of the other build (e.g. a copy of the tree at the base commit, built); its packages are
// loaded from there. The output bytes of the two builds' formatters are compared too.
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchEvent, quiet } from './bench-event.mjs';

const baseTree = process.argv[2];
if (baseTree === undefined) throw new Error('usage: pipeline-stages.mjs BASE_TREE [events] [rounds]');
const events = Number(process.argv[3] ?? 100_000);
const rounds = Number(process.argv[4] ?? 5);
const thisTree = resolve(import.meta.dirname, '../../..');
const metrics = { increment: () => undefined, snapshot: () => [] };

const load = async (tree) => {
  const at = (path) => import(pathToFileURL(resolve(tree, path)).href);
  const core = await at('packages/core/dist/index.js');
  const engine = await at('packages/core/dist/engine.js');
  const cef = await at('packages/formatters/cef/dist/index.js');
  const tcp = await at('packages/transports/tcp/dist/index.js');
  return { core, engine, cef, tcp };
};
const builds = { base: await load(baseTree), this: await load(thisTree) };

const batches = [];
for (let n = 0; n < events; n += 1_000) batches.push(Array.from({ length: Math.min(1_000, events - n) }, (_, i) => benchEvent(n + i)));

/** A journal that stores nothing: what is left is the source runner's own work. */
const nullJournal = () => ({
  capabilities: { durable: false, compaction: false, budget: false },
  checkpoint: async () => undefined,
  append: async (_source, stored) => ({ appended: stored.length, duplicates: 0 }),
  deadLetterAtSource: async (_source, letters) => letters.length,
  usage: async () => ({ bytes: 0, events: 0 }),
  budget: () => undefined,
});

const cpuUs = (since) => {
  const used = process.cpuUsage(since);
  return used.user + used.system;
};

const source = async ({ core, engine }) => {
  const runner = new engine.SourceRunner(
    'bench',
    {
      pollIntervalMs: 0,
      async *read() {
        for (let b = 0; b < batches.length; b += 1) yield { events: batches[b], checkpoint: { next: b } };
      },
      close: async () => undefined,
    },
    nullJournal(),
    core.systemClock,
    quiet,
    () => undefined,
  );
  const cpu = process.cpuUsage();
  await runner.pollOnce(new AbortController().signal);
  if (runner.stats.stored !== events) throw new Error(`stored ${runner.stats.stored} of ${events}`);
  return cpuUs(cpu) / events;
};

const output = Buffer.allocUnsafe(4 << 20);
const formatters = new Map();
const formatted = new Map();
const format = async ({ cef }, name) => {
  const formatter = (formatters.get(name) ?? formatters.set(name, new cef.CefFormatter(cef.cefOptions.parse({}), { host: { instance: 'bench-sensor', hostname: 'bench' }, metrics })).get(name));
  const lines = [];
  let at = 0;
  const cpu = process.cpuUsage();
  for (const batch of batches) {
    for (let i = 0; i < batch.length; i += 1) {
      const line = formatter.format(batch[i]);
      if (at > output.length - 4_096) at = 0;
      at += output.write(line, at, 'utf8');
      if (lines.length < 1_000) lines.push(line);
    }
  }
  const result = cpuUs(cpu) / events;
  formatted.set(name, lines);
  return result;
};

const server = createServer((socket) => {
  socket.resume();
  socket.on('error', () => undefined);
});
await new Promise((ready) => server.listen(0, '127.0.0.1', ready));
const port = server.address().port;
const transports = new Map();
const frame = async ({ core, tcp }, name) => {
  const transport =
    transports.get(name) ??
    transports
      .set(name, new tcp.TcpTransport(core.configPlace('destinations', 'sink', process.cwd()), tcp.tcpOptions.parse({ address: '127.0.0.1', port }), { logger: quiet, clock: core.systemClock }))
      .get(name);
  const lines = formatted.get(name);
  const signal = new AbortController().signal;
  const cpu = process.cpuUsage();
  for (let sent = 0; sent < events; sent += lines.length) await transport.send(lines, signal);
  return cpuUs(cpu) / events;
};

const stages = { source, format, frame };
const figures = { base: {}, this: {} };
for (let r = 0; r < rounds; r += 1) {
  for (const name of r % 2 === 0 ? ['base', 'this'] : ['this', 'base']) {
    for (const [stage, run] of Object.entries(stages)) (figures[name][stage] ??= []).push(await run(builds[name], name));
  }
  const row = Object.keys(stages).map((stage) => `${stage} ${figures.base[stage].at(-1).toFixed(3)} → ${figures.this[stage].at(-1).toFixed(3)}`);
  process.stdout.write(`round ${r + 1} (load ${loadavg()[0].toFixed(2)}), CPU µs per event, base → this: ${row.join(' · ')}\n`);
}
const median = (values) => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)];
for (const stage of Object.keys(stages)) {
  const base = median(figures.base[stage].slice(1));
  const now = median(figures.this[stage].slice(1));
  process.stdout.write(`${stage}: median of rounds 2–${rounds} ${base.toFixed(3)} → ${now.toFixed(3)} µs per event (${((now / base - 1) * 100).toFixed(1)} %)\n`);
}
const same = formatted.get('base').every((line, i) => line === formatted.get('this')[i]);
process.stdout.write(`formatted lines identical: ${same}\n`);
for (const transport of transports.values()) await transport.close();
server.close();
if (!same) process.exitCode = 1;
