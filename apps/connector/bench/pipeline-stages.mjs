// The pipeline's own stages, each on its own, A/B against another build of the tree in the same process (after
// `pnpm build` in both): what `pipeline-cost.mjs` measures end to end, split so a change of a few per cent can be
// told apart on a shared machine. The builds take turns slice by slice (1,000–2,000 events each, the first of a
// pair alternating), so both see the same phases of the machine's load; per stage it prints the CPU per event
// (`process.cpuUsage()`, summed over the slices) of
// - `source`: the source runner's per-event work (the event check, `securityEventProblem`) on batches of 1,000
//   made beforehand, into a journal that stores nothing;
// - `format`: `CefFormatter.format` (the defaults: RFC 3164 prefix) and the UTF-8 encoding of its line into a
//   buffer, as the transport does (a rope the formatter leaves is flattened there);
// - `frame`: the stream transport's octet-counted chunks (`frameChunk`, 64 KiB) of formatted lines, through a
//   real `TcpTransport` to a local socket that discards them.
//
//   node bench/pipeline-stages.mjs BASE_TREE [slices=300]
//
// BASE_TREE is the root of the other build (e.g. a copy of the tree at the base commit, built); its packages are
// loaded from there. The two builds' formatted lines are compared too (the run fails when they differ).
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchEvent, quiet } from './bench-event.mjs';

const baseTree = process.argv[2];
if (baseTree === undefined) throw new Error('usage: pipeline-stages.mjs BASE_TREE [slices]');
const slices = Number(process.argv[3] ?? 300);
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

// 100 batches of 1,000 events, made once: slices go round them.
const batches = Array.from({ length: 100 }, (_, b) => Array.from({ length: 1_000 }, (_, i) => benchEvent(b * 1_000 + i)));
/** The next two batches, round the 100, for one build's stage. */
const batchCycle = () => {
  let next = 0;
  return () => {
    const two = [batches[next % 100], batches[(next + 1) % 100]];
    next += 2;
    return two;
  };
};

/** A journal that stores nothing: what is left is the source runner's own work. */
const nullJournal = () => ({
  capabilities: { durable: false, compaction: false, budget: false },
  checkpoint: async () => undefined,
  append: async (_source, stored) => ({ appended: stored.length, duplicates: 0 }),
  deadLetterAtSource: async (_source, letters) => letters.length,
  usage: async () => ({ bytes: 0, events: 0 }),
  budget: () => undefined,
});

/** Per build: a source runner, a formatter, a transport; each stage runs one slice and returns its event count. */
const server = createServer((socket) => {
  socket.resume();
  socket.on('error', () => undefined);
});
await new Promise((ready) => server.listen(0, '127.0.0.1', ready));
const output = Buffer.allocUnsafe(4 << 20);
const signal = new AbortController().signal;
const lines = [];
const stagesOf = ({ core, engine, cef, tcp }) => {
  let slice = [];
  const sourceBatches = batchCycle();
  const formatBatches = batchCycle();
  const runner = new engine.SourceRunner(
    'bench',
    {
      pollIntervalMs: 0,
      async *read() {
        for (const events of slice) yield { events, checkpoint: { next: 0 } };
      },
      close: async () => undefined,
    },
    nullJournal(),
    core.systemClock,
    quiet,
    () => undefined,
  );
  const formatter = new cef.CefFormatter(cef.cefOptions.parse({}), { host: { instance: 'bench-sensor', hostname: 'bench' }, metrics });
  const transport = new tcp.TcpTransport(
    core.configPlace('destinations', 'sink', process.cwd()),
    tcp.tcpOptions.parse({ address: '127.0.0.1', port: server.address().port }),
    { logger: quiet, clock: core.systemClock },
  );
  const formatted = [];
  return {
    transport,
    formatted,
    stages: {
      source: async () => {
        slice = sourceBatches();
        await runner.pollOnce(signal);
        return 2_000;
      },
      format: async () => {
        let at = 0;
        let count = 0;
        for (const batch of formatBatches()) {
          for (let i = 0; i < batch.length; i += 1) {
            const line = formatter.format(batch[i]);
            if (at > output.length - 4_096) at = 0;
            at += output.write(line, at, 'utf8');
            if (formatted.length < 2_000) formatted.push(line);
          }
          count += batch.length;
        }
        return count;
      },
      frame: async () => {
        await transport.send(lines, signal);
        return lines.length;
      },
    },
  };
};
const builds = { base: stagesOf(await load(baseTree)), this: stagesOf(await load(thisTree)) };
// The transport sends the lines of the base build's formatter (ropes, as a formatter leaves them).
{
  const cef = (await load(baseTree)).cef;
  const formatter = new cef.CefFormatter(cef.cefOptions.parse({}), { host: { instance: 'bench-sensor', hostname: 'bench' }, metrics });
  for (const event of batches[0]) lines.push(formatter.format(event));
}

const cpuUs = (since) => {
  const used = process.cpuUsage(since);
  return used.user + used.system;
};
const totals = { base: {}, this: {} };
const events = { base: {}, this: {} };
for (let s = -10; s < slices; s += 1) {
  for (const name of s % 2 === 0 ? ['base', 'this'] : ['this', 'base']) {
    for (const [stage, run] of Object.entries(builds[name].stages)) {
      const cpu = process.cpuUsage();
      const count = await run();
      if (s < 0) continue; // warm-up
      totals[name][stage] = (totals[name][stage] ?? 0) + cpuUs(cpu);
      events[name][stage] = (events[name][stage] ?? 0) + count;
    }
  }
}
process.stdout.write(`${slices} slices, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at the end\n`);
for (const stage of Object.keys(builds.base.stages)) {
  const base = totals.base[stage] / events.base[stage];
  const now = totals.this[stage] / events.this[stage];
  process.stdout.write(`${stage}: ${base.toFixed(3)} → ${now.toFixed(3)} µs CPU per event (${((now / base - 1) * 100).toFixed(1)} %)\n`);
}
const same = builds.base.formatted.every((line, i) => line === builds.this.formatted[i]);
process.stdout.write(`formatted lines identical: ${same}\n`);
for (const build of Object.values(builds)) await build.transport.close();
server.close();
if (!same) process.exitCode = 1;
