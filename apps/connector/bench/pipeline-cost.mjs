// The in-memory path of `end-to-end.bench.ts` on its own, in a process of its own (after `pnpm build`): a fast
// in-process source → in-memory journal → CEF → TCP → a sink in another process. Prints the CPU this process spent
// per event (`process.cpuUsage()`), round by round, after a warm-up round; what the pipeline's own code costs
// (the source runner's event check, CEF, the stream transport, the garbage they leave), the journal aside.
//
//   node bench/pipeline-cost.mjs [events=200000] [rounds=3] [--hash] [--allocations=FILE]
//
// `--hash`: the sink also prints the SHA-256 of every byte it received, to check that a change leaves the output
// byte-identical. `--allocations=FILE`: a sampling heap profile of the measured rounds that keeps the objects
// the garbage collector freed too (what the GC column of a CPU profile pays for), summed by function into FILE. For an A/B comparison, run this script alternately from two builds (e.g. a copy of the tree
// built at the base commit, `node /tmp/base/apps/connector/bench/pipeline-cost.mjs`) and compare the CPU columns.
// Profile with `node --cpu-prof bench/pipeline-cost.mjs …` and `bench/cpu-profile-summary.mjs`.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { configPlace, systemClock } from '@syslog-connector/core';
import { InMemoryJournal } from '@syslog-connector/core/engine';
import { CefFormatter, cefOptions } from '@syslog-connector/format-cef';
import { TcpTransport, tcpOptions } from '@syslog-connector/transport-tcp';
import { benchSource, quiet } from './bench-event.mjs';
import { frameCounter } from './octet-frames.mjs';
import { pipelineRound } from './pipeline-round.mjs';

if (process.argv[2] === 'sink') {
  // The sink: counts octet-counted frames, prints `port <n>`, then `done <frames> <sha256>` once it has them all.
  const expected = Number(process.argv[3]);
  const hashing = process.argv[4] === 'hash';
  let frames = 0;
  const server = createServer((socket) => {
    const counter = frameCounter();
    const hash = createHash('sha256');
    socket.on('data', (chunk) => {
      if (hashing) hash.update(chunk);
      frames += counter.push(chunk);
      if (frames >= expected) {
        process.stdout.write(`done ${frames} ${hashing ? hash.digest('hex') : '-'}\n`);
        frames = -Infinity;
      }
    });
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`port ${server.address().port}\n`));
  process.on('SIGTERM', () => process.exit(0));
} else {
  const events = Number(process.argv[2] ?? 200_000);
  const rounds = Number(process.argv[3] ?? 3);
  const hashing = process.argv.includes('--hash');
  const metrics = { increment: () => undefined, snapshot: () => [] };

  const startSink = async (expected) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'sink', String(expected), hashing ? 'hash' : ''], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    const { promise: port, resolve: portReady } = Promise.withResolvers();
    const { promise: done, resolve: finished } = Promise.withResolvers();
    child.stdout.on('data', (chunk) => {
      text += chunk.toString();
      const p = /port (\d+)/.exec(text);
      if (p !== null) portReady(Number(p[1]));
      const d = /done (\d+) (\S+)/.exec(text);
      if (d !== null) finished(d[2]);
    });
    return { port: await port, done, child };
  };

  const round = async (total) => {
    const sink = await startSink(total);
    const { seconds, cpuUs, result: hash, deadLettered } = await pipelineRound({
      journal: new InMemoryJournal(),
      source: benchSource(total),
      formatter: new CefFormatter(cefOptions.parse({}), { host: { instance: 'bench-sensor', hostname: 'bench' }, metrics }),
      transport: new TcpTransport(configPlace('destinations', 'sink', process.cwd()), tcpOptions.parse({ address: '127.0.0.1', port: sink.port }), {
        logger: quiet,
        clock: systemClock,
      }),
      batchSize: 1_000, // the daemon's DEFAULT_DELIVERY_BATCH
      delivered: sink.done,
    });
    sink.child.kill('SIGTERM');
    if (deadLettered > 0) throw new Error(`${deadLettered} bench events were dead-lettered`);
    return { cpuUsPerEvent: cpuUs / total, eventsPerSecond: Math.round(total / seconds), hash };
  };

  const allocations = process.argv.find((a) => a.startsWith('--allocations='))?.slice('--allocations='.length);
  const inspector = allocations === undefined ? undefined : new Session();
  await round(20_000); // warm-up: the first pipeline of a process pays for compiling the path
  if (inspector !== undefined) {
    inspector.connect();
    await inspector.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  }
  for (let r = 0; r < rounds; r += 1) {
    const result = await round(events);
    process.stdout.write(`${JSON.stringify({ round: r + 1, ...result, cpuUsPerEvent: Number(result.cpuUsPerEvent.toFixed(3)), load: loadavg()[0]?.toFixed(2) })}\n`);
  }
  if (inspector !== undefined && allocations !== undefined) {
    const { profile } = await inspector.post('HeapProfiler.stopSampling');
    const bytes = new Map();
    let total = 0;
    const visit = (node) => {
      const { functionName, url, lineNumber } = node.callFrame;
      const where = `${functionName || '(anonymous)'} ${url.split('/').slice(-3).join('/')}:${lineNumber + 1}`;
      bytes.set(where, (bytes.get(where) ?? 0) + node.selfSize);
      total += node.selfSize;
      for (const child of node.children) visit(child);
    };
    visit(profile.head);
    const lines = [...bytes].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([where, n]) => `${(n / (events * rounds)).toFixed(1).padStart(8)} B/event ${((100 * n) / total).toFixed(1).padStart(5)} %  ${where}`);
    writeFileSync(allocations, `${(total / (events * rounds)).toFixed(1)} B allocated per event (sampled)\n${lines.join('\n')}\n`);
    inspector.disconnect();
  }
}
