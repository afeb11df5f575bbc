// Issue #20: many tenants on one daemon. Starts the real daemon (the built dist, `syslog-connector run`) with N
// Workbench sources, each its own tenant (its own API key and alerts) on one loopback Vision One stand-in, and one TCP
// destination; samples the daemon's /proc every second and prints what a managed provider would measure:
// - RSS (VmRSS) at the end and the high-water mark (VmHWM) with the second it was reached, the high-water mark of the
//   set-up (until the first request) and the peak RSS during the first polls;
// - CPU % of one core over the whole run and over its last minute (utime + stime of /proc/<pid>/stat);
// - how the sources' first polls spread over the poll interval (the stand-in notes each tenant's first request);
// - the most requests the stand-in had in flight at one moment (it counts them).
//
//   node bench/many-tenants.mjs [--sources 1000] [--alerts 5] [--interval 30] [--duration 200] [--delay 50]
//                               [--steady-from 80] [--label today] [--config-extra 'key: value'] [--source-extra 'key: value']
//                               [--cli /copy/of/apps/connector/dist/cli.js] [--snapshot-at 90 --snapshot-dir DIR]
//                               [--memory-log FILE] [--allocation-profile FILE:FROM:TO] [--node-option=--flag] [--keep]
//                               [--daemon-stdout FILE] [--no-unit-flags]
//
// Prints a readable report and one JSON line (`RESULT {…}`). Needs `pnpm build` first (it runs dist/cli.js).
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SyslogReceiver, VisionOneSimulator } from '@syslog-connector/simulators';
import { unitNodeFlags } from './unit-node-flags.mjs';

const { values: args } = parseArgs({
  options: {
    sources: { type: 'string', default: '1000' },
    alerts: { type: 'string', default: '5' },
    interval: { type: 'string', default: '30' },
    duration: { type: 'string', default: '200' },
    delay: { type: 'string', default: '50' },
    // The steady state's CPU is also measured from this second to the end (a longer, less noisy window than the last
    // minute; 80 s is past the first polls and the delivery of the alerts).
    'steady-from': { type: 'string', default: '80' },
    label: { type: 'string', default: 'run' },
    'config-extra': { type: 'string', multiple: true, default: [] },
    'source-extra': { type: 'string', multiple: true, default: [] },
    keep: { type: 'boolean', default: false },
    // What the RSS is made of at this second: /proc/<pid>/smaps summed by mapping (V8 heap spaces show as anon).
    'smaps-at': { type: 'string' },
    // Another build of the daemon (a copy of the tree before a change), run against this stand-in: the baseline.
    cli: { type: 'string' },
    // Where the memory goes: a heap snapshot of the daemon this many seconds after its start, into --snapshot-dir.
    'snapshot-at': { type: 'string' },
    'snapshot-dir': { type: 'string', default: tmpdir() },
    // process.memoryUsage() of the daemon every 5 s into this file (bench/memory-probe.mjs, preloaded).
    'memory-log': { type: 'string' },
    // FILE:FROM:TO — every allocation between FROM and TO seconds after start, sampled (bench/memory-probe.mjs).
    'allocation-profile': { type: 'string' },
    // More options for the daemon's node (e.g. --max-semi-space-size=1), to try what changes the figures.
    'node-option': { type: 'string', multiple: true },
    // The daemon's standard output into this file (what `--node-option=--trace-gc` prints), not dropped.
    'daemon-stdout': { type: 'string' },
    // Without the node flags of the systemd unit's ExecStart (plain `node dist/cli.js`).
    'no-unit-flags': { type: 'boolean', default: false },
  },
});
const SOURCES = Number(args.sources);
const ALERTS = Number(args.alerts);
const INTERVAL_S = Number(args.interval);
const DURATION_S = Number(args.duration);
const CLI = args.cli ?? fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const COMPANY_ID = '68960c94-9be6-4343-a4ca-6408de7aa331';
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

const load = loadavg().map((l) => l.toFixed(2)).join(' ');
const now = Date.now();
const simulator = await VisionOneSimulator.start({ recordRequests: false, responseDelayMs: Number(args.delay), hostileRatio: 0, seed: 20 });
const tenants = [];
for (let i = 0; i < SOURCES; i += 1) {
  const tenant = simulator.addTenant(`bench-key-${String(i).padStart(5, '0')}-${(i * 7919).toString(36)}`, `t${i}`);
  tenant.addWorkbenchAlerts(ALERTS, { from: now - 6 * 3_600_000, to: now - 10 * 60_000 });
  tenants.push(tenant);
}
const receiver = await SyslogReceiver.start({ protocol: 'tcp', framing: 'octet-counting' });
const dir = mkdtempSync(join(tmpdir(), 'bench-tenants-'));
const config = join(dir, 'syslog-connector.yaml');
const lines = ['instance: bench-tenants', 'stateDir: ./state', 'logLevel: info', ...args['config-extra'], 'sources:'];
for (const [i, tenant] of tenants.entries()) {
  lines.push(
    `  tenant${String(i).padStart(4, '0')}:`,
    '    type: vision-one-workbench',
    `    baseUrl: ${simulator.baseUrl}`,
    `    token: ${tenant.token}`,
    `    companyId: ${COMPANY_ID}`,
    '    since: 24h',
    `    pollInterval: ${INTERVAL_S}s`,
    ...args['source-extra'].map((line) => `    ${line}`),
  );
}
lines.push('destinations:', '  siem:', '    protocol: tcp', '    address: 127.0.0.1', `    port: ${receiver.port}`, '    format: cef', '');
writeFileSync(config, lines.join('\n'));

// The daemon runs with the node flags of the shipped systemd unit; `--no-unit-flags` runs plain `node dist/cli.js`.
const unitFlags = args['no-unit-flags'] ? [] : unitNodeFlags();
const started = Date.now();
const snapshotAt = args['snapshot-at'] === undefined ? undefined : Number(args['snapshot-at']);
const nodeArgs = [
  ...unitFlags,
  ...(snapshotAt === undefined ? [] : ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${args['snapshot-dir']}`]),
  ...(args['memory-log'] === undefined && args['allocation-profile'] === undefined ? [] : [`--import=${fileURLToPath(new URL('./memory-probe.mjs', import.meta.url))}`]),
  ...(args['node-option'] ?? []),
];
const child = spawn(process.execPath, [...nodeArgs, CLI, 'run', '-c', config], {
  cwd: dir,
  stdio: ['ignore', args['daemon-stdout'] === undefined ? 'ignore' : openSync(args['daemon-stdout'], 'w'), 'pipe'],
  env: {
    ...process.env,
    ...(args['memory-log'] === undefined ? {} : { MANY_TENANTS_MEMORY_LOG: args['memory-log'] }),
    ...(args['allocation-profile'] === undefined ? {} : { MANY_TENANTS_ALLOCATION_PROFILE: args['allocation-profile'] }),
  },
});
let logBytes = 0;
let errorLines = 0;
child.stderr.on('data', (chunk) => {
  logBytes += chunk.length;
  errorLines += (chunk.toString().match(/"level":50/g) ?? []).length;
});
const exited = new Promise((resolve) => child.on('close', resolve));

const status = () => {
  const text = readFileSync(`/proc/${child.pid}/status`, 'latin1');
  const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(text)?.[1] ?? Number.NaN);
  const stat = readFileSync(`/proc/${child.pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the command name.
  return { rssMb: kib('VmRSS') / 1024, hwmMb: kib('VmHWM') / 1024, cpuTicks: Number(fields[11]) + Number(fields[12]), systemTicks: Number(fields[12]) };
};

/** Resident kB per mapping name (anonymous ones by size class), the largest first. */
const smapsSummary = (pid) => {
  const groups = new Map();
  let name = '';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'latin1').split('\n')) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header !== null) {
      name = header[1] === '' ? '[anon]' : header[1].replace(/^.*\/(node_modules|lib)\//, '');
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss !== null) groups.set(name, (groups.get(name) ?? 0) + Number(rss[1]));
  }
  return [...groups].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([n, kb]) => `${(kb / 1024).toFixed(1)} MB ${n}`);
};
let smaps;
const samples = [];
const expected = SOURCES * ALERTS;
let deliveredAt;
let firstPollsDoneAt;
const deadline = started + DURATION_S * 1_000;
while (Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  let sample;
  try {
    sample = { t: (Date.now() - started) / 1_000, ...status(), inFlight: simulator.concurrentRequests };
  } catch {
    break; // the daemon exited
  }
  samples.push(sample);
  if (snapshotAt !== undefined && sample.t >= snapshotAt && samples.at(-2)?.t < snapshotAt) child.kill('SIGUSR2');
  if (args['smaps-at'] !== undefined && smaps === undefined && sample.t >= Number(args['smaps-at'])) smaps = smapsSummary(child.pid);
  if (deliveredAt === undefined && receiver.messages.length >= expected) deliveredAt = sample.t;
  if (firstPollsDoneAt === undefined && tenants.every((t) => t.firstRequestAt !== undefined)) firstPollsDoneAt = sample.t;
}
const last = samples.at(-1);
const minuteAgo = samples.findLast((s) => s.t <= last.t - 60) ?? samples[0];
const steadyFrom = samples.find((s) => s.t >= Number(args['steady-from'])) ?? samples[0];
const cpu = (from, to, field = 'cpuTicks') => ((to[field] - from[field]) / TICKS_PER_SECOND / (to.t - from.t)) * 100;
// Peak during the first polls: the highest RSS until every tenant has been asked once, plus one interval.
const firstPollWindow = (firstPollsDoneAt ?? last.t) + INTERVAL_S;
const firstPollPeakMb = Math.max(...samples.filter((s) => s.t <= firstPollWindow).map((s) => s.rssMb));
// The set-up's peak (reading the config, building the sources): the high-water mark until the first request reached
// the stand-in. V8 grows its heap for that burst of short-lived objects, now and then well past what the first polls
// need; and the second of the run at which the high-water mark reached its final value.
const firstRequestAt = Math.min(...tenants.map((t) => t.firstRequestAt ?? Number.POSITIVE_INFINITY));
const setUpPeakMb = Math.max(0, ...samples.filter((s) => started + s.t * 1_000 <= firstRequestAt).map((s) => s.hwmMb));
const peakAtS = samples.find((s) => s.hwmMb >= last.hwmMb)?.t ?? last.t;
const peakInFlight = simulator.peakConcurrentRequests;

child.kill('SIGTERM');
const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
const code = await exited;
clearTimeout(timer);

// First polls relative to the daemon's start, in seconds: sorted, then their spread over the interval.
const firsts = tenants.map((t) => (t.firstRequestAt === undefined ? Number.NaN : (t.firstRequestAt - started) / 1_000)).filter(Number.isFinite).sort((a, b) => a - b);
const quantile = (q) => firsts[Math.min(firsts.length - 1, Math.floor(q * firsts.length))] ?? Number.NaN;
const bins = Array.from({ length: 10 }, () => 0);
const base = firsts[0] ?? 0;
// A first poll at or after one interval from the first is counted apart, not in the last tenth: folding those into
// the last tenth made a late start look like a crowded end of the interval (20–33 % there under load).
let afterInterval = 0;
for (const t of firsts) {
  const tenth = Math.floor(((t - base) / INTERVAL_S) * 10);
  if (tenth >= 10) afterInterval += 1;
  else bins[tenth] += 1;
}
// How late each tenant's first poll came against its planned delay (the connector's `firstPollDelayMs`: tenant i at
// i × min(interval / sources, 1 s) after the first, on the 500 ms grid): event-loop lag while the first polls' alerts
// are stored and delivered shows here.
const stepS = Math.min(INTERVAL_S / Math.max(SOURCES, 1), 1);
const lateness = tenants
  .map((t, i) => (t.firstRequestAt === undefined ? Number.NaN : (t.firstRequestAt - started) / 1_000 - base - i * stepS))
  .filter(Number.isFinite)
  .sort((a, b) => a - b);
const lateAt = (q) => Number((lateness[Math.min(lateness.length - 1, Math.floor(q * lateness.length))] ?? Number.NaN).toFixed(2));
let busiestSecond = 0;
for (let i = 0, j = 0; i < firsts.length; i += 1) {
  while (firsts[i] - firsts[j] >= 1) j += 1;
  busiestSecond = Math.max(busiestSecond, i - j + 1);
}
const result = {
  label: args.label,
  nodeFlags: [...unitFlags, ...(args['node-option'] ?? [])],
  sources: SOURCES,
  alertsPerSource: ALERTS,
  pollIntervalS: INTERVAL_S,
  responseDelayMs: Number(args.delay),
  seconds: Math.round(last.t),
  loadAverageAtStart: load,
  rssMb: Math.round(last.rssMb),
  peakRssMb: Math.round(last.hwmMb),
  firstPollPeakRssMb: Math.round(firstPollPeakMb),
  setUpPeakRssMb: Math.round(setUpPeakMb),
  peakAtS: Math.round(peakAtS),
  cpuPercentAll: Number(cpu(samples[0], last).toFixed(2)),
  cpuPercentLastMinute: Number(cpu(minuteAgo, last).toFixed(2)),
  // Of which in the kernel (system time): the loopback stand-in's TCP work is charged to the daemon's writes.
  systemCpuPercentLastMinute: Number(cpu(minuteAgo, last, 'systemTicks').toFixed(2)),
  steadyFromS: Math.round(steadyFrom.t),
  cpuPercentSteady: Number(cpu(steadyFrom, last).toFixed(2)),
  systemCpuPercentSteady: Number(cpu(steadyFrom, last, 'systemTicks').toFixed(2)),
  delivered: receiver.messages.length,
  expected,
  deliveredAfterS: deliveredAt,
  firstPolls: {
    asked: firsts.length,
    firstS: Number(base.toFixed(2)),
    p50S: Number(quantile(0.5).toFixed(2)),
    p90S: Number(quantile(0.9).toFixed(2)),
    lastS: Number((firsts.at(-1) ?? Number.NaN).toFixed(2)),
    perTenthOfInterval: bins,
    afterInterval,
    lateS: { p50: lateAt(0.5), p90: lateAt(0.9), max: lateAt(1) },
    mostInOneSecond: busiestSecond,
  },
  peakConcurrentRequests: peakInFlight,
  logMb: Number((logBytes / 1_048_576).toFixed(1)),
  errorLogLines: errorLines,
  exitCode: code,
};
await Promise.all([simulator.stop(), receiver.stop()]);
if (!args.keep) rmSync(dir, { recursive: true, force: true });

const out = process.stdout;
out.write(`many tenants (${args.label}): ${SOURCES} Workbench sources × ${ALERTS} alerts, pollInterval ${INTERVAL_S}s, stand-in delay ${args.delay} ms, ${result.seconds}s, load ${load}, node ${[...unitFlags, ...(args['node-option'] ?? [])].join(' ') || '(no flags)'}\n`);
out.write(`  RSS ${result.rssMb} MB at the end, peak ${result.peakRssMb} MB (VmHWM, reached at ${result.peakAtS}s), ${result.setUpPeakRssMb} MB by the first request (set-up), ${result.firstPollPeakRssMb} MB during the first polls\n`);
out.write(`  CPU ${result.cpuPercentAll}% of a core over the run, ${result.cpuPercentLastMinute}% over the last minute (${result.systemCpuPercentLastMinute}% of it in the kernel), ${result.cpuPercentSteady}% from ${result.steadyFromS}s to the end (${result.systemCpuPercentSteady}% in the kernel)\n`);
out.write(`  delivered ${result.delivered}/${expected}${deliveredAt === undefined ? '' : ` after ${deliveredAt}s`}; log ${result.logMb} MB, ${errorLines} error lines; exit ${code}\n`);
const fp = result.firstPolls;
out.write(`  first polls: ${fp.asked} tenants from ${fp.firstS}s to ${fp.lastS}s (p50 ${fp.p50S}s, p90 ${fp.p90S}s); per tenth of the interval ${fp.perTenthOfInterval.join(' ')}, ${fp.afterInterval} after it; late against plan p50 ${fp.lateS.p50}s, p90 ${fp.lateS.p90}s, max ${fp.lateS.max}s; at most ${fp.mostInOneSecond} in one second\n`);
out.write(`  at most ${peakInFlight} requests in flight at the stand-in\n`);
if (smaps !== undefined) out.write(`  resident at ${args['smaps-at']}s by mapping: ${smaps.join('; ')}\n`);
out.write(`RESULT ${JSON.stringify({ ...result, samples: undefined })}\n`);
