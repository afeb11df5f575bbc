// Where the heap goes: the biggest groups of a V8 heap snapshot (`node --heapsnapshot-signal`, `v8.writeHeapSnapshot`)
// by constructor (objects) or type (strings, code, arrays), with counts and self sizes.
//
//   node bench/heap-summary.mjs FILE.heapsnapshot [--top 30] [--per 1000]
//
// `--per N` adds a column of bytes per N (e.g. per source), to read a per-source cost straight off the table.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: args, positionals } = parseArgs({ options: { top: { type: 'string', default: '30' }, per: { type: 'string' } }, allowPositionals: true });
const snapshot = JSON.parse(readFileSync(positionals[0], 'utf8'));
const meta = snapshot.snapshot.meta;
const fields = meta.node_fields;
const width = fields.length;
const typeIndex = fields.indexOf('type');
const nameIndex = fields.indexOf('name');
const sizeIndex = fields.indexOf('self_size');
const types = meta.node_types[typeIndex];
const { nodes, strings } = snapshot;
const groups = new Map();
let total = 0;
for (let i = 0; i < nodes.length; i += width) {
  const type = types[nodes[i + typeIndex]];
  const size = nodes[i + sizeIndex];
  total += size;
  // Objects by their constructor; everything else (strings, code, arrays, closures…) by its type.
  const key = type === 'object' || type === 'closure' ? `${type} ${strings[nodes[i + nameIndex]]}` : type;
  const group = groups.get(key) ?? { count: 0, bytes: 0 };
  group.count += 1;
  group.bytes += size;
  groups.set(key, group);
}
const per = args.per === undefined ? undefined : Number(args.per);
const rows = [...groups.entries()].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, Number(args.top));
process.stdout.write(`heap ${(total / 1_048_576).toFixed(1)} MB in ${nodes.length / width} nodes\n`);
for (const [key, { count, bytes }] of rows) {
  const perColumn = per === undefined ? '' : `  ${(bytes / per).toFixed(0).padStart(8)} B/each of ${per}`;
  process.stdout.write(`${(bytes / 1_048_576).toFixed(2).padStart(8)} MB ${String(count).padStart(9)}×  ${key.slice(0, 80)}${perColumn}\n`);
}
