import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SecurityEvent } from '@syslog-connector/core';
import { RecordingMetrics, visionOneEventCorpus } from '@syslog-connector/testing';
import { Produce as GlossyProducer } from 'glossy';
import { CEF as SyslogProCef, RFC3164 as SyslogProRfc3164 } from 'syslog-pro';
import { expect, test } from 'vitest';
import type * as FormatRfc3164 from '../src/index.js';

/*
 * Vitest 5 benchmarks (`pnpm run build && pnpm run bench`). One iteration formats the whole corpus — 1,000
 * simulator events as the Vision One sources map them (8 in 10 OAT detections, 1 Workbench alert, 1 audit log,
 * the vendor JSON as `raw`) — so events/s = iterations/s × 1,000. In the same run the same corpus goes through the
 * npm packages that write RFC 3164: syslog-pro (whose CEF class makes the CEF body, with no escaping and a Promise
 * per message) and glossy (over syslog-pro's CEF for the CEF body). Neither cuts to 1024 bytes. It measures the
 * built bundle, as the host loads it (see format-cef's benchmark for why).
 */
const bundle = fileURLToPath(new URL('../dist/index.js', import.meta.url));
if (!existsSync(bundle)) throw new Error('dist/index.js is missing: run `pnpm run build` before `vitest bench`.');
const { Rfc3164Formatter, rfc3164Options } = (await import(/* @vite-ignore */ bundle)) as typeof FormatRfc3164;

const CORPUS_SIZE = 1_000;
const corpus = visionOneEventCorpus({ count: CORPUS_SIZE, seed: 1, hostileRatio: 0 });
const host = { instance: 'sensor-01.example.com', hostname: 'sensor-01' };
const formatterWith = (options: Record<string, unknown>) =>
  new Rfc3164Formatter(rfc3164Options.parse(options), { host, metrics: new RecordingMetrics() });
const cef = formatterWith({});
const zoned = formatterWith({ timeZone: 'Europe/Berlin' });
const json = formatterWith({ body: 'json', maxLength: 65_507 });

// The npm packages, configured for the same message: `<PRI>Mmm dd hh:mm:ss sensor-01 CEF:0|…` or `… tag: {json}`.
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
const syslogProCefHeader = new SyslogProRfc3164({ hostname: 'sensor-01', applacationName: '', facility: 1, color: false });
const syslogProJsonHeader = new SyslogProRfc3164({ hostname: 'sensor-01', applacationName: 'syslogconnector:', facility: 1, color: false });
const glossyCef = new GlossyProducer({ type: 'BSD', host: 'sensor-01', facility: 'user' });
const glossyJson = new GlossyProducer({ type: 'BSD', host: 'sensor-01', appName: 'syslogconnector', facility: 'user' });

let sink = 0;
/**
 * Formatting alone: each entry reads the message's `.length`, not its bytes. Turning a string into UTF-8 is the
 * transport's job and costs every library about the same (V8 flattens the string it built); it narrows the ratios
 * (see the README). The RFC 3164 formatter pays part of it inside, since its 1024-byte limit counts bytes.
 */
const size = (message: string): number => message.length;
const NAMES = {
  ours: 'format-rfc3164: body cef (defaults)',
  oursZoned: 'format-rfc3164: body cef, Europe/Berlin',
  oursJson: 'format-rfc3164: body json',
  syslogPro: 'syslog-pro: CEF + RFC3164',
  glossy: 'syslog-pro CEF + glossy RFC 3164',
  syslogProJson: 'syslog-pro: RFC3164, JSON body',
  glossyJson: 'glossy: RFC 3164, JSON body',
} as const;

test('formats 1,000 simulator events per iteration as RFC 3164', async ({ bench }) => {
  // One loop per entry, not a shared helper (a shared call site would turn megamorphic and skew the order).
  const results = await bench.compare(
    bench(NAMES.ours, () => {
      for (const event of corpus) sink += size(cef.format(event));
    }),
    bench(NAMES.oursZoned, () => {
      for (const event of corpus) sink += size(zoned.format(event));
    }),
    bench(NAMES.oursJson, () => {
      for (const event of corpus) sink += size(json.format(event));
    }),
    bench(NAMES.syslogPro, async () => {
      for (const event of corpus) sink += size(await syslogProCefHeader.buildMessage(await syslogProCef(event), { severity: 4 }));
    }),
    bench(NAMES.glossy, async () => {
      for (const event of corpus) {
        const message = await syslogProCef(event);
        sink += size(glossyCef.produce({ severity: 'warn', date: new Date(event.time), message }) as string);
      }
    }),
    bench(NAMES.syslogProJson, async () => {
      for (const event of corpus) sink += size(await syslogProJsonHeader.buildMessage(JSON.stringify(event.raw), { severity: 4 }));
    }),
    bench(NAMES.glossyJson, () => {
      for (const event of corpus) {
        sink += size(glossyJson.produce({ severity: 'warn', date: new Date(event.time), message: JSON.stringify(event.raw) }) as string);
      }
    }),
    { time: 3_000, warmupTime: 500 },
  );
  const rate = (name: (typeof NAMES)[keyof typeof NAMES]) => Math.round(results.get(name).throughput.mean * CORPUS_SIZE);
  const fastestCef = Math.max(rate(NAMES.syslogPro), rate(NAMES.glossy));
  const fastestJson = Math.max(rate(NAMES.syslogProJson), rate(NAMES.glossyJson));
  const rows: Array<[string, number, string]> = [
    [NAMES.ours, rate(NAMES.ours), `${(rate(NAMES.ours) / fastestCef).toFixed(1)}× the fastest package, CEF body`],
    [NAMES.oursZoned, rate(NAMES.oursZoned), `${(rate(NAMES.oursZoned) / fastestCef).toFixed(1)}×`],
    [NAMES.syslogPro, rate(NAMES.syslogPro), ''],
    [NAMES.glossy, rate(NAMES.glossy), ''],
    [NAMES.oursJson, rate(NAMES.oursJson), `${(rate(NAMES.oursJson) / fastestJson).toFixed(1)}× the fastest package, JSON body`],
    [NAMES.syslogProJson, rate(NAMES.syslogProJson), ''],
    [NAMES.glossyJson, rate(NAMES.glossyJson), ''],
  ];
  for (const [name, eventsPerSecond, note] of rows) console.log(`| ${name} | ${eventsPerSecond.toLocaleString('en')} | ${note} |`);
  expect(sink).toBeGreaterThan(0);
});
