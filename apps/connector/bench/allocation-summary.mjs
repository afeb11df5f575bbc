// What makes garbage: a sampling allocation profile (`many-tenants.mjs --allocation-profile FILE:FROM:TO`, a
// `.heapprofile`) summed by function (bytes allocated by the function itself) and by package.
//
//   node bench/allocation-summary.mjs FILE.heapprofile [--top 35] [--seconds 50] [--per-second 33]
//
// `--seconds S` (how long the profile ran, TO − FROM) with `--per-second N` (events per second, e.g. 33 polls/s) adds a
// column of bytes per event.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: args, positionals } = parseArgs({
  options: { top: { type: 'string', default: '35' }, seconds: { type: 'string' }, 'per-second': { type: 'string' } },
  allowPositionals: true,
});
const profile = JSON.parse(readFileSync(positionals[0], 'utf8'));
const events = args.seconds !== undefined && args['per-second'] !== undefined ? Number(args.seconds) * Number(args['per-second']) : undefined;
const byFunction = new Map();
const byPackage = new Map();
let total = 0;
const packageOf = (url) => {
  if (url === '') return '(native)';
  if (url.startsWith('node:')) return url.split('/')[0];
  const match = /\/(?:packages|apps)\/((?:sources|formatters|transports)\/)?([^/]+)\//.exec(url);
  return match === null ? url.split('/').slice(-2).join('/') : `${match[1] ?? ''}${match[2]}`;
};
const add = (map, key, bytes) => map.set(key, (map.get(key) ?? 0) + bytes);
const stack = [profile.head];
while (stack.length > 0) {
  const node = stack.pop();
  const { functionName, url, lineNumber } = node.callFrame;
  total += node.selfSize;
  add(byFunction, `${functionName || '(anonymous)'} ${url.split('/').slice(-1)[0]}:${lineNumber + 1}`, node.selfSize);
  add(byPackage, packageOf(url), node.selfSize);
  stack.push(...node.children);
}
const row = (bytes) =>
  `${((100 * bytes) / total).toFixed(1).padStart(6)} %${events === undefined ? '' : `  ${Math.round(bytes / events).toLocaleString('en').padStart(7)} B/event`}`;
const top = (map) => [...map].sort((a, b) => b[1] - a[1]).slice(0, Number(args.top));
console.log(`${(total / 1e6).toFixed(1)} MB allocated (sampled)${events === undefined ? '' : `, ${Math.round(total / events).toLocaleString('en')} B per event`}`);
console.log('\nby package');
for (const [name, bytes] of top(byPackage)) console.log(`${row(bytes)}  ${name}`);
console.log('\nby function');
for (const [name, bytes] of top(byFunction)) console.log(`${row(bytes)}  ${name}`);
