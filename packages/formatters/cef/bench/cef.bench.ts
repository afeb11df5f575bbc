import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import type * as FormatCef from '../src/index.js';
import { eventCorpus } from '../test/fixtures/event-corpus.js';
import { RecordingMetrics } from '../test/fixtures/recording-metrics.js';

/*
 * Vitest 5 benchmarks: `bench` is a test-context fixture. One iteration formats the whole corpus (1,000 events,
 * mostly OAT-sized), so events/s = iterations/s × 1,000. The baseline in the same run is the obvious
 * implementation — chains of global `String.prototype.replace` per field, no limits, no time forms — so the README
 * can quote a ratio that depends less on the machine than the absolute rate does.
 *
 * It measures the built bundle (`dist/`, what the host loads; turbo's `bench` task depends on `build`): through
 * the source files, Vite's module runner wraps every cross-module call in an export getter, which costs about as
 * much as the formatting itself (https://vitest.dev/guide/benchmarking#module-runner-overhead).
 */
const bundle = fileURLToPath(new URL('../dist/index.js', import.meta.url));
if (!existsSync(bundle)) throw new Error('dist/index.js is missing: run `pnpm run build` before `vitest bench`.');
const { CefFormatter, cefOptions } = (await import(/* @vite-ignore */ bundle)) as typeof FormatCef;
const CORPUS_SIZE = 1_000;
const corpus = eventCorpus(CORPUS_SIZE);
const host = { instance: 'sensor-01.example.com', hostname: 'sensor-01' };
const formatterWith = (options: Record<string, unknown>) =>
  new CefFormatter(cefOptions.parse(options), { host, metrics: new RecordingMetrics() });

const rfc3164 = formatterWith({});
const rfc5424 = formatterWith({ prefix: 'rfc5424' });
const bare = formatterWith({ prefix: 'none', timeFormat: 'epoch-ms' });

const naiveHeader = (value: string) => value.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]/g, ' ');
const naiveValue = (value: string | number) =>
  `${value}`.replace(/\\/g, '\\\\').replace(/=/g, '\\=').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
const naiveCef = ({ record: r }: (typeof corpus)[number]): string =>
  `CEF:0|${[r.vendor, r.product, r.version, r.signatureId, r.name].map(naiveHeader).join('|')}|${r.severity}|` +
  r.extensions.map(([key, value]) => `${key}=${naiveValue(value)}`).join(' ');

let sink = 0;
const formatAll = (format: (event: (typeof corpus)[number]) => string) => () => {
  for (const event of corpus) sink += format(event).length;
};

test('formats 1,000 CEF events per iteration', async ({ bench }) => {
  const results = await bench.compare(
    bench('baseline: naive replace() chains', formatAll(naiveCef)),
    bench('cef: rfc3164 + cef-date (defaults)', formatAll((event) => rfc3164.format(event))),
    bench('cef: rfc5424 + cef-date', formatAll((event) => rfc5424.format(event))),
    bench('cef: none + epoch-ms', formatAll((event) => bare.format(event))),
    { time: 2_000 },
  );
  const eventsPerSecond = (name: Parameters<typeof results.get>[0]) =>
    Math.round(results.get(name).throughput.mean * CORPUS_SIZE);
  const baseline = eventsPerSecond('baseline: naive replace() chains');
  for (const name of ['cef: rfc3164 + cef-date (defaults)', 'cef: rfc5424 + cef-date', 'cef: none + epoch-ms'] as const) {
    const rate = eventsPerSecond(name);
    console.log(`${name}: ${rate.toLocaleString('en')} events/s, ${(rate / baseline).toFixed(2)}× baseline`);
  }
  console.log(`baseline: ${baseline.toLocaleString('en')} events/s`);
  expect(sink).toBeGreaterThan(0);
});
