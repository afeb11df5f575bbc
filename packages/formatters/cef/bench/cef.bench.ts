import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SecurityEvent } from '@syslog-connector/core';
import { RecordingMetrics, visionOneEventCorpus } from '@syslog-connector/testing';
import { Produce as GlossyProducer } from 'glossy';
import { CEF as SyslogProCef, RFC3164 as SyslogProRfc3164 } from 'syslog-pro';
import { expect, test } from 'vitest';
import type * as FormatCef from '../src/index.js';

/*
 * Vitest 5 benchmarks (`pnpm run build && pnpm run bench`): `bench` is a test-context fixture. One iteration
 * formats the whole corpus — 1,000 simulator events as the Vision One sources map them, 8 in 10 OAT detections
 * (20 extensions, Windows paths, URLs with `=`), 1 Workbench alert, 1 audit log — so events/s = iterations/s × 1,000.
 * In the same run the same corpus goes through the npm packages that can write CEF behind an RFC 3164 header:
 * syslog-pro's CEF class (no escaping, no limits, a Promise per message) with syslog-pro's or glossy's RFC 3164
 * header. The README quotes ratios from one run, steadier than the machine-dependent rates.
 *
 * It measures the built bundle (`dist/`, what the host loads): through the source files, Vite's module runner
 * wraps every cross-module call, which costs about as much as the formatting (vitest.dev/guide/benchmarking).
 */
const bundle = fileURLToPath(new URL('../dist/index.js', import.meta.url));
if (!existsSync(bundle)) throw new Error('dist/index.js is missing: run `pnpm run build` before `vitest bench`.');
const { CefFormatter, cefOptions } = (await import(/* @vite-ignore */ bundle)) as typeof FormatCef;

const CORPUS_SIZE = 1_000;
const corpus = visionOneEventCorpus({ count: CORPUS_SIZE, seed: 1, hostileRatio: 0 });
const oatCorpus = corpus.filter((event) => event.type === 'oat-detection');
const host = { instance: 'sensor-01.example.com', hostname: 'sensor-01' };
const formatterWith = (options: Record<string, unknown>) => new CefFormatter(cefOptions.parse(options), { host, metrics: new RecordingMetrics() });
const rfc3164 = formatterWith({});
const rfc5424 = formatterWith({ prefix: 'rfc5424' });
const bare = formatterWith({ prefix: 'none', timeFormat: 'epoch-ms' });

// The npm packages, configured for the same line: `<PRI>Mmm dd hh:mm:ss sensor-01 CEF:0|…`.
const syslogProCef = (event: SecurityEvent): Promise<string> =>
  new SyslogProCef({
    deviceVendor: event.record.vendor,
    deviceProduct: event.record.product,
    deviceVersion: event.record.version,
    deviceEventClassId: event.record.signatureId,
    name: event.record.name,
    severity: event.record.severity,
    // The npm packages take text and numbers: a time goes to them as its epoch ms.
    extensions: Object.fromEntries(event.record.extensions.map(([key, value]) => [key, typeof value === 'object' ? value.epochMs : value])),
  }).buildMessage();
const syslogProHeader = new SyslogProRfc3164({ hostname: 'sensor-01', applacationName: '', facility: 1, color: false });
const glossy = new GlossyProducer({ type: 'BSD', host: 'sensor-01', facility: 'user' });

let sink = 0;
/**
 * Formatting alone: each entry reads the message's `.length`, not its bytes. Turning a string into UTF-8 is the
 * transport's job and costs every library about the same (V8 flattens the string it built); it narrows the ratios
 * (see the README). The RFC 3164 formatter pays part of it inside, since its 1024-byte limit counts bytes.
 */
const size = (message: string): number => message.length;
// One loop per entry, not a shared helper: a shared loop's call site would see every formatter and become
// megamorphic, which slows each entry by a different amount depending on the order they run in.
const NAMES = {
  ours: 'format-cef: prefix rfc3164 (defaults)',
  ours5424: 'format-cef: prefix rfc5424',
  oursBare: 'format-cef: prefix none, epoch-ms',
  oat: 'format-cef: defaults, OAT detections only',
  syslogPro: 'syslog-pro: CEF + RFC3164',
  glossy: 'syslog-pro CEF + glossy RFC 3164',
  syslogProBare: 'syslog-pro: CEF only (no header)',
} as const;

test('formats 1,000 simulator events per iteration as CEF', async ({ bench }) => {
  const results = await bench.compare(
    bench(NAMES.ours, () => {
      for (const event of corpus) sink += size(rfc3164.format(event));
    }),
    bench(NAMES.ours5424, () => {
      for (const event of corpus) sink += size(rfc5424.format(event));
    }),
    bench(NAMES.oursBare, () => {
      for (const event of corpus) sink += size(bare.format(event));
    }),
    bench(NAMES.oat, () => {
      for (const event of oatCorpus) sink += size(rfc3164.format(event));
    }),
    bench(NAMES.syslogPro, async () => {
      for (const event of corpus) sink += size(await syslogProHeader.buildMessage(await syslogProCef(event), { severity: 4 }));
    }),
    bench(NAMES.glossy, async () => {
      for (const event of corpus) {
        const message = await syslogProCef(event);
        sink += size(glossy.produce({ severity: 'warn', date: new Date(event.time), message }) as string);
      }
    }),
    bench(NAMES.syslogProBare, async () => {
      for (const event of corpus) sink += size(await syslogProCef(event));
    }),
    { time: 3_000, warmupTime: 500 },
  );
  const rate = (name: (typeof NAMES)[keyof typeof NAMES], size = CORPUS_SIZE) => Math.round(results.get(name).throughput.mean * size);
  const fastestPackage = Math.max(rate(NAMES.syslogPro), rate(NAMES.glossy));
  const rows: Array<[string, number, string]> = [
    [NAMES.ours, rate(NAMES.ours), `${(rate(NAMES.ours) / fastestPackage).toFixed(1)}× the fastest package with a header`],
    [NAMES.ours5424, rate(NAMES.ours5424), `${(rate(NAMES.ours5424) / fastestPackage).toFixed(1)}×`],
    [NAMES.oursBare, rate(NAMES.oursBare), `${(rate(NAMES.oursBare) / rate(NAMES.syslogProBare)).toFixed(1)}× syslog-pro's bare CEF`],
    [NAMES.oat, rate(NAMES.oat, oatCorpus.length), 'target ≥ 300,000'],
    [NAMES.syslogPro, rate(NAMES.syslogPro), '1× (baseline)'],
    [NAMES.glossy, rate(NAMES.glossy), ''],
    [NAMES.syslogProBare, rate(NAMES.syslogProBare), ''],
  ];
  for (const [name, eventsPerSecond, note] of rows) console.log(`| ${name} | ${eventsPerSecond.toLocaleString('en')} | ${note} |`);
  expect(sink).toBeGreaterThan(0);
});
