import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SecurityEvent } from '@syslog-connector/core';
import { RecordingMetrics, visionOneEventCorpus } from '@syslog-connector/testing';
import { Produce as GlossyProducer } from 'glossy';
import { CEF as SyslogProCef, RFC5424 as SyslogProRfc5424 } from 'syslog-pro';
import { expect, test } from 'vitest';
import type * as FormatRfc5424 from '../src/index.js';

/*
 * Vitest 5 benchmarks (`pnpm run build && pnpm run bench`). One iteration formats the whole corpus — 1,000
 * simulator events as the Vision One sources map them (8 in 10 OAT detections, 1 Workbench alert, 1 audit log,
 * the vendor JSON as `raw`) — so events/s = iterations/s × 1,000. In the same run the same corpus goes through the
 * npm packages that write RFC 5424 with structured data: syslog-pro (whose CEF class makes the CEF body, with no
 * escaping and a Promise per message) and glossy (over syslog-pro's CEF for the CEF body). It measures the built
 * bundle, as the host loads it (see format-cef's benchmark for why).
 */
const bundle = fileURLToPath(new URL('../dist/index.js', import.meta.url));
if (!existsSync(bundle)) throw new Error('dist/index.js is missing: run `pnpm run build` before `vitest bench`.');
const { Rfc5424Formatter, rfc5424Options } = (await import(/* @vite-ignore */ bundle)) as typeof FormatRfc5424;

const CORPUS_SIZE = 1_000;
const corpus = visionOneEventCorpus({ count: CORPUS_SIZE, seed: 1, hostileRatio: 0 });
const host = { instance: 'sensor-01.example.com', hostname: 'sensor-01' };
const formatterWith = (options: Record<string, unknown>) =>
  new Rfc5424Formatter(rfc5424Options.parse(options), { host, metrics: new RecordingMetrics() });
const standard = formatterWith({});
const json = formatterWith({ body: 'json' });
const mdi = formatterWith({ profile: 'mdi', facility: 'auth' });

// The npm packages, configured for the same message: header, `[sc@32473 key= source= type=]`, CEF or JSON.
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
const syslogProHeader = new SyslogProRfc5424({
  hostname: host.instance,
  applacationName: 'syslog-connector',
  timestamp: true,
  timestampUTC: true,
  timestampMS: true,
  encludeStructuredData: true,
  utf8BOM: false,
  color: false,
});
// syslog-pro takes structured data as ready-made text and escapes nothing.
const syslogProSd = (event: SecurityEvent): string[] => [`[sc@32473 key="${event.key}" source="${event.source}" type="${event.type}"]`];
const glossy = new GlossyProducer({ type: 'RFC5424', host: host.instance, appName: 'syslog-connector', facility: 'user' });
const glossyOptions = (event: SecurityEvent, message: string) => ({
  severity: 'warn',
  date: new Date(event.time),
  msgID: event.record.signatureId,
  structuredData: { 'sc@32473': { key: event.key, source: event.source, type: event.type } },
  message,
});

let sink = 0;
/**
 * Formatting alone: each entry reads the message's `.length`, not its bytes. Turning a string into UTF-8 is the
 * transport's job and costs every library about the same (V8 flattens the string it built); it narrows the ratios
 * (see the README). The RFC 3164 formatter pays part of it inside, since its 1024-byte limit counts bytes.
 */
const size = (message: string): number => message.length;
const NAMES = {
  ours: 'format-rfc5424: body cef (defaults)',
  oursJson: 'format-rfc5424: body json',
  oursMdi: 'format-rfc5424: profile mdi',
  syslogPro: 'syslog-pro: CEF + RFC5424',
  glossy: 'syslog-pro CEF + glossy RFC 5424',
  syslogProJson: 'syslog-pro: RFC5424, JSON body',
  glossyJson: 'glossy: RFC 5424, JSON body',
} as const;

test('formats 1,000 simulator events per iteration as RFC 5424', async ({ bench }) => {
  // One loop per entry, not a shared helper (a shared call site would turn megamorphic and skew the order).
  const results = await bench.compare(
    bench(NAMES.ours, () => {
      for (const event of corpus) sink += size(standard.format(event));
    }),
    bench(NAMES.oursJson, () => {
      for (const event of corpus) sink += size(json.format(event));
    }),
    bench(NAMES.oursMdi, () => {
      for (const event of corpus) sink += size(mdi.format(event));
    }),
    bench(NAMES.syslogPro, async () => {
      for (const event of corpus) {
        const message = await syslogProCef(event);
        sink += size(await syslogProHeader.buildMessage(message, { severity: 4, facility: 1, id: event.record.signatureId, msgStructuredData: syslogProSd(event) }));
      }
    }),
    bench(NAMES.glossy, async () => {
      for (const event of corpus) {
        const message = await syslogProCef(event);
        sink += size(glossy.produce(glossyOptions(event, message)) as string);
      }
    }),
    bench(NAMES.syslogProJson, async () => {
      for (const event of corpus) {
        const message = JSON.stringify(event.raw);
        sink += size(await syslogProHeader.buildMessage(message, { severity: 4, facility: 1, id: event.record.signatureId, msgStructuredData: syslogProSd(event) }));
      }
    }),
    bench(NAMES.glossyJson, () => {
      for (const event of corpus) sink += size(glossy.produce(glossyOptions(event, JSON.stringify(event.raw))) as string);
    }),
    { time: 3_000, warmupTime: 500 },
  );
  const rate = (name: (typeof NAMES)[keyof typeof NAMES]) => Math.round(results.get(name).throughput.mean * CORPUS_SIZE);
  const fastestCef = Math.max(rate(NAMES.syslogPro), rate(NAMES.glossy));
  const fastestJson = Math.max(rate(NAMES.syslogProJson), rate(NAMES.glossyJson));
  const rows: Array<[string, number, string]> = [
    [NAMES.ours, rate(NAMES.ours), `${(rate(NAMES.ours) / fastestCef).toFixed(1)}× the fastest package, CEF body`],
    [NAMES.oursMdi, rate(NAMES.oursMdi), `${(rate(NAMES.oursMdi) / fastestCef).toFixed(1)}×`],
    [NAMES.syslogPro, rate(NAMES.syslogPro), ''],
    [NAMES.glossy, rate(NAMES.glossy), ''],
    [NAMES.oursJson, rate(NAMES.oursJson), `${(rate(NAMES.oursJson) / fastestJson).toFixed(1)}× the fastest package, JSON body`],
    [NAMES.syslogProJson, rate(NAMES.syslogProJson), ''],
    [NAMES.glossyJson, rate(NAMES.glossyJson), ''],
  ];
  for (const [name, eventsPerSecond, note] of rows) console.log(`| ${name} | ${eventsPerSecond.toLocaleString('en')} | ${note} |`);
  expect(sink).toBeGreaterThan(0);
});
