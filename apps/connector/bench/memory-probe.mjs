// Preloaded into the daemon by `many-tenants.mjs --memory-log FILE` (node --import): every 5 s one JSON line of
// process.memoryUsage() and V8's heap spaces into FILE, to tell the V8 heap from native memory in the RSS.
import { appendFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';

const file = process.env.MANY_TENANTS_MEMORY_LOG;
if (file !== undefined) {
  const started = Date.now();
  setInterval(() => {
    const { rss, heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
    const { malloced_memory: malloced, peak_malloced_memory: peakMalloced } = getHeapStatistics();
    const mb = (n) => Math.round(n / 104_857.6) / 10;
    appendFileSync(
      file,
      `${JSON.stringify({ t: Math.round((Date.now() - started) / 1_000), rss: mb(rss), heapTotal: mb(heapTotal), heapUsed: mb(heapUsed), external: mb(external), arrayBuffers: mb(arrayBuffers), malloced: mb(malloced), peakMalloced: mb(peakMalloced) })}\n`,
    );
  }, 5_000).unref();
}
