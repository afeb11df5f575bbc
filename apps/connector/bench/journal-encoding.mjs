// The log journal's two event encodings side by side in one process (issue #18): MessagePack records (the default)
// and JSON records (the format before). Each round stores <count> bench events through the SourceRunner (the event
// check included) into a fresh log journal without an in-memory tail, then reads them all back from the segments;
// the encodings alternate, three rounds each. Prints CPU µs per event for the appends and the reads, and bytes per
// event on disk. Usage (after `pnpm build`): node bench/journal-encoding.mjs [count=100000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@syslog-connector/core';
import { SourceRunner } from '@syslog-connector/core/engine';
import { openStore } from '@syslog-connector/store-sqlite';
import { benchSource, quiet } from './bench-event.mjs';

const total = Number(process.argv[2] ?? 100_000);
const source = benchSource(total);
const cpuUsPerEvent = (since) => {
  const used = process.cpuUsage(since);
  return ((used.user + used.system) / total).toFixed(2);
};

const round = async (eventEncoding) => {
  const dir = mkdtempSync(join(tmpdir(), 'journal-encoding-'));
  const journal = await openStore(dir, { engine: 'log', eventEncoding, recentEvents: 0 });
  await journal.setConsumers([{ destination: 'reader' }]);
  let cpu = process.cpuUsage();
  await new SourceRunner('bench', source, journal, systemClock, quiet, () => undefined).pollOnce(new AbortController().signal);
  const append = cpuUsPerEvent(cpu);
  const bytes = Math.round((await journal.usage()).bytes / total);
  cpu = process.cpuUsage();
  let after = 0;
  let read = 0;
  for (;;) {
    const entries = await journal.read('reader', { after, limit: 1_000 });
    if (entries.length === 0) break;
    after = entries.at(-1).seq;
    read += entries.length;
  }
  const readCpu = cpuUsPerEvent(cpu);
  await journal.close();
  rmSync(dir, { recursive: true, force: true });
  if (read !== total) throw new Error(`read back ${read} of ${total} events`);
  return { eventEncoding, appendCpuUsPerEvent: append, readCpuUsPerEvent: readCpu, bytesPerEvent: bytes };
};

for (let r = 0; r < 3; r += 1) for (const encoding of ['json', 'msgpack']) process.stdout.write(`${JSON.stringify(await round(encoding))}\n`);
