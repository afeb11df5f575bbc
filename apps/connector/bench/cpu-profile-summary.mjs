// Where the CPU goes: a V8 CPU profile (`node --cpu-prof`, e.g. `many-tenants.mjs --node-option=--cpu-prof`)
// summed by function (self time) and by package (self time of every function in a file under it), over a time range.
//
//   node bench/cpu-profile-summary.mjs FILE.cpuprofile [--from 60] [--to 200] [--top 40] [--per-second 33]
//
// `--from`/`--to` are seconds after the profile started (leave the start-up out to see the steady state);
// `--per-second N` adds a column of µs per event when N events happen per second (e.g. 33 polls/s).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: args, positionals } = parseArgs({
  options: { from: { type: 'string', default: '0' }, to: { type: 'string' }, top: { type: 'string', default: '40' }, 'per-second': { type: 'string' } },
  allowPositionals: true,
});
const profile = JSON.parse(readFileSync(positionals[0], 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const from = Number(args.from) * 1e6;
const to = args.to === undefined ? Number.POSITIVE_INFINITY : Number(args.to) * 1e6;
const selfByNode = new Map();
let t = 0;
let first;
let last;
for (let i = 0; i < profile.samples.length; i += 1) {
  t += profile.timeDeltas[i];
  // A sample's time is the interval up to the next one.
  const dt = profile.timeDeltas[i + 1] ?? 0;
  if (t < from || t > to) continue;
  first ??= t;
  last = t;
  selfByNode.set(profile.samples[i], (selfByNode.get(profile.samples[i]) ?? 0) + dt);
}
const span = (last ?? 0) - (first ?? 0);
const where = (url) => {
  if (url === '') return '(native)';
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg !== null) return pkg[1];
  const own = /\/(packages|apps)\/((?:[^/]+\/)?[^/]+)\/(?:dist|src)\//.exec(url);
  if (own !== null) return own[2];
  return url.startsWith('node:') ? 'node:' + url.slice(5).split('/')[0] : url;
};
const byFunction = new Map();
const byPackage = new Map();
let busy = 0;
for (const [id, us] of selfByNode) {
  const { callFrame } = nodes.get(id);
  const name = callFrame.functionName || '(anonymous)';
  const idle = name === '(idle)' || name === '(program)';
  if (name !== '(idle)') busy += us;
  if (idle) continue;
  const file = callFrame.url.split('/').at(-1);
  const key = `${name} ${file === '' ? '' : `${file}:${callFrame.lineNumber + 1}`}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  const pkg = name === '(garbage collector)' ? '(gc)' : where(callFrame.url);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
}
const perSecond = args['per-second'] === undefined ? undefined : Number(args['per-second']);
const row = (us) =>
  `${((us / span) * 100).toFixed(2).padStart(6)} %${perSecond === undefined ? '' : `  ${(us / (span / 1e6) / perSecond).toFixed(0).padStart(5)} µs/event`}`;
const out = process.stdout;
out.write(`${(span / 1e6).toFixed(1)} s profiled; busy (not idle) ${((busy / span) * 100).toFixed(2)} % of the time\n\nby package (self time)\n`);
for (const [name, us] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 20)) out.write(`${row(us)}  ${name}\n`);
out.write('\nby function (self time)\n');
for (const [name, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(args.top))) out.write(`${row(us)}  ${name}\n`);
