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
  }, Number(process.env.MANY_TENANTS_MEMORY_LOG_EVERY_MS ?? 5_000)).unref();
}

// MANY_TENANTS_ALLOCATION_PROFILE=FILE:FROM:TO: a sampling profile of every allocation (kept or collected) between
// FROM and TO seconds after start, written to FILE (.heapprofile, for DevTools or a summary): what makes garbage.
const allocation = process.env.MANY_TENANTS_ALLOCATION_PROFILE;
if (allocation !== undefined) {
  const [out, from, to] = allocation.split(':');
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  setTimeout(async () => {
    await session.post('HeapProfiler.startSampling', { samplingInterval: 16_384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    setTimeout(async () => {
      const { profile } = await session.post('HeapProfiler.stopSampling');
      writeFileSync(out, JSON.stringify(profile));
    }, (Number(to) - Number(from)) * 1_000).unref();
  }, Number(from) * 1_000).unref();
}
