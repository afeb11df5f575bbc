// A/B in one process: log journal appends (SourceRunner, screening included) and disk reads, JSON vs MessagePack.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@syslog-connector/core';
import { SourceRunner } from '@syslog-connector/core/engine';
import { openStore } from '@syslog-connector/store-sqlite';
import { benchEvent } from './bench-event.mjs';
const total = Number(process.argv[2] ?? 100000);
const quiet = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
const source = { pollIntervalMs: 0, async *read(from) { let next = from?.next ?? 0; while (next < total) { const end = Math.min(total, next + 1000); const events = []; for (let n = next; n < end; n++) events.push(benchEvent(n)); next = end; yield { events, checkpoint: { next } }; } }, close: async () => {} };
const round = async (enc) => {
  const dir = mkdtempSync(join(tmpdir(), 'ab-'));
  const journal = await openStore(dir, { engine: 'log', eventEncoding: enc, recentEvents: 0 });
  await journal.setConsumers([{ destination: 'd' }]);
  let c = process.cpuUsage();
  await new SourceRunner('bench', source, journal, systemClock, quiet, () => {}).pollOnce(new AbortController().signal);
  let u = process.cpuUsage(c); const append = (u.user + u.system) / total;
  const bytes = (await journal.usage()).bytes / total;
  c = process.cpuUsage(); let after = 0; let n = 0;
  for (;;) { const got = await journal.read('d', { after, limit: 1000 }); if (got.length === 0) break; after = got.at(-1).seq; n += got.length; }
  u = process.cpuUsage(c); const read = (u.user + u.system) / total;
  await journal.close(); rmSync(dir, { recursive: true, force: true });
  return { enc, append: append.toFixed(2), read: read.toFixed(2), bytes: bytes.toFixed(0), n };
};
for (let r = 0; r < 3; r++) for (const enc of ['json', 'msgpack']) console.log(JSON.stringify(await round(enc)));
