import { Buffer } from 'node:buffer';
import { isIP } from 'node:net';
import { parseJson, type CefExtension, type SecurityEvent, type Severity } from '@syslog-connector/core';
import { expectedPri, formatterCache, headerToken, parseCef, parseSyslogMessage, propertyRuns } from '@syslog-connector/testing';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { Rfc3164Formatter, rfc3164Options } from '../src/index.js';

/*
 * Properties: whatever the event holds, the formatter writes one record of at most maxLength UTF-8 bytes whose
 * header a strict RFC 3164 parser reads back (PRI, the time in the configured zone as Intl computes it, the host
 * without its domain, the TAG); an uncut message reads back whole; and a cut one is a prefix of the uncut one that
 * still decodes as CEF, with the same header fields and each value equal to — the last one a prefix of — the
 * uncut one's. Runs: `propertyRuns()` — 100,000 in CI, 10,000 locally, or PROPERTY_RUNS.
 */

const nastyPiece = fc.constantFrom(
  '\r', '\n', '\r\n', '\u0000', '\t', '\u007f', '\u0085', '\\', '\\\\', '|', '=', ' ', '  ', ':',
  '\ud83d', '\ude00', '😀', 'é', '中', 'x=y', String.raw`\=`, ' k=', 'CEF:0|',
);
const text = (maxLength: number) =>
  fc.string({ unit: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), nastyPiece), maxLength });
// Long values (fast-check keeps generated strings short, so no value would reach a limit): a short random text
// repeated, cheap to generate and to shrink.
const longText = (maxRepeat: number) =>
  fc.tuple(text(30), fc.integer({ min: 2, max: maxRepeat })).map(([piece, times]) => piece.repeat(times));

const FIRST_TIME = -62_135_596_800_000; // 0001-01-01: every zone below has a 4-digit local year then
const LAST_TIME = 253_402_214_400_000; // 9999-12-31T00:00Z, likewise
const UNLIMITED = 1_048_576;
const ZONES = ['UTC', 'Europe/Berlin', 'America/St_Johns', 'Asia/Kathmandu', 'Australia/Lord_Howe'] as const;

const extensions: fc.Arbitrary<CefExtension[]> = fc.uniqueArray(
  fc.oneof(
    fc.tuple(fc.constantFrom('msg', 'externalId', 'cs1', 'cs1Label', 'request'), fc.oneof(text(80), text(80), longText(40))),
    fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,11}$/).filter((key) => !/^(rt|start|end|art|deviceCustomDate[12]|.*Time|msg|externalId|cs1|cs1Label|request|act|app|cat|dvchost|outcome|proto|deviceExternalId|fileHash|flexString[12]Label)$/.test(key)), fc.oneof(text(30), fc.integer())),
  ),
  { maxLength: 12, selector: ([key]) => key },
);

// Mostly instants near the zones' offset changes and the edges of days and years, where a time zone bug shows;
// now and then any instant of the 4-digit years. Clustered times also keep the zone offset cache warm, which
// keeps 100,000 runs within seconds (Intl lookups dominate otherwise).
const NEAR = [
  '2025-03-30T01:00:00Z', '2025-10-26T01:00:00Z', // Europe/Berlin
  '2025-03-09T05:30:00Z', '2025-11-02T04:30:00Z', // America/St_Johns
  '2025-04-05T15:00:00Z', '2025-10-04T15:30:00Z', // Australia/Lord_Howe (30-minute DST)
  '1985-12-31T18:15:00Z', // Asia/Kathmandu, +05:30 → +05:45
  '2025-12-31T23:30:00Z', '2026-02-28T23:45:00Z', '2024-02-29T12:00:00Z', '1970-01-01T00:00:00Z',
  '0001-01-01T12:00:00Z', '1900-06-15T00:00:00Z', '9999-12-30T12:00:00Z',
].map((iso) => Date.parse(iso));
const timeArbitrary = fc.oneof(
  { weight: 1, arbitrary: fc.integer({ min: FIRST_TIME, max: LAST_TIME }) },
  { weight: 9, arbitrary: fc.tuple(fc.constantFrom(...NEAR), fc.integer({ min: -3_600_000, max: 3_600_000 })).map(([at, delta]) => at + delta) },
);

const eventArbitrary = fc.record({
  time: timeArbitrary,
  raw: fc.dictionary(text(10), fc.oneof(text(30), longText(20)), { maxKeys: 4 }),
  vendor: text(20),
  product: text(20),
  version: text(10),
  signatureId: text(20),
  name: text(40),
  severity: fc.integer({ min: 0, max: 10 }),
  extensions,
});

const optionsArbitrary = fc
  .record({
    facility: fc.constantFrom('user', 'local4', 'kern'),
    tag: fc.constantFrom(undefined, 'CEF', 'VisionOne'),
    timeZone: fc.constantFrom(...ZONES),
    // Any length, so cuts land anywhere: in values, escapes, keys, right after a key's `=`.
    maxLength: fc.oneof(fc.constant(1024), fc.integer({ min: 480, max: 1100 })),
    body: fc.constantFrom('cef', 'json'),
  })
  .filter((options) => !(options.tag === 'CEF' && options.body === 'json'));

// Host names from a fixed set: each one is a formatter (built once), while arbitrary text here would build two per
// run. format-cef's property test and syslog-encoding's unit tests cover arbitrary instance text.
const instanceArbitrary = fc.constantFrom(
  'sensor-01.example.com', 'dc01.corp.example.com', '192.0.2.7', '::ffff:192.0.2.10', 'my sensor', 'capteur münchen',
  'a\r\nb.example', '😀host', '\ud800x', '.example.com', '-', 'h'.repeat(300),
);

// ---- the reference model, independent of src/
const token = (value: string): string => headerToken(value, 255) || '-';
const intl = new Map<string, Intl.DateTimeFormat>(
  ZONES.map((timeZone) => [
    timeZone,
    new Intl.DateTimeFormat('en-US', { timeZone, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }),
  ]),
);
const expectedTimestamp = (ms: number, timeZone: string): string => {
  const parts = Object.fromEntries((intl.get(timeZone) as Intl.DateTimeFormat).formatToParts(ms).map((part) => [part.type, part.value]));
  return `${parts['month']} ${(parts['day'] ?? '').padStart(2, ' ')} ${parts['hour']}:${parts['minute']}:${parts['second']}`;
};

const formatterFor = formatterCache(rfc3164Options, Rfc3164Formatter);

describe('RFC 3164 formatter round trip (fast-check)', () => {
  // 100,000 runs (CI) take 10–30 s on a 2-core machine: well past vitest's default 30 s timeout when shared.
  it('writes one record within maxLength whose header reads back; a cut gives up msg first and still decodes', { timeout: 600_000 }, () => {
    fc.assert(
      fc.property(eventArbitrary, optionsArbitrary, instanceArbitrary, (fields, options, instance) => {
        const { time, raw, severity, extensions: exts, ...header } = fields;
        const event: SecurityEvent = { key: 'k', source: 's', type: 't', time, raw, record: { ...header, severity: severity as Severity, extensions: exts } };

        const message = formatterFor(options, instance).format(event);
        const whole = formatterFor({ ...options, maxLength: UNLIMITED }, instance).format(event);

        // node:assert rather than expect: a fraction of the cost per call, which matters at 100,000 runs.
        assert.ok(!/[\r\n\u0000]/.test(message), 'raw CR, LF or NUL');
        assert.ok(message.isWellFormed(), 'lone surrogate');
        assert.ok(Buffer.byteLength(message, 'utf8') <= options.maxLength, 'longer than maxLength');

        const parsed = parseSyslogMessage(whole);
        if (parsed.format !== 'rfc3164') throw new Error('not read as RFC 3164');
        // The syslog header is never cut; a JSON body is cut at its end.
        const headerLength = whole.length - parsed.msg.length;
        assert.equal(message.slice(0, headerLength), whole.slice(0, headerLength), 'the header changed');
        if (options.body === 'json') assert.ok(whole.startsWith(message), 'the cut JSON message is not a prefix of the whole one');
        const tag = options.tag ?? (options.body === 'cef' ? 'CEF' : 'syslogconnector');
        assert.deepEqual([parsed.pri, parsed.timestamp, parsed.hostname, parsed.tag], [
          expectedPri(options.facility, { severity }),
          expectedTimestamp(time, options.timeZone),
          token(isIP(instance) === 0 ? (instance.split('.')[0] ?? '') : instance),
          tag,
        ]);
        if (options.body === 'json') {
          // parseJson, not JSON.parse: V8 13.6+ can read an escaped key back as `\` (see core's parse-json.ts).
          assert.deepEqual(parseJson(parsed.content), { ...raw }); // fast-check's dictionaries have no prototype
          return;
        }
        const full = parsed.cef ?? parseCef(parsed.content);
        if (message === whole) return;
        // A cut CEF body: when the cut falls after the seven header fields, it decodes to a prefix of the pairs.
        const body = message.slice(whole.length - parsed.msg.length + (tag === 'CEF' ? 0 : tag.length + 2));
        let decoded;
        try {
          decoded = parseCef(body);
        } catch (error) {
          // Only a cut inside the CEF header may leave no decodable line.
          assert.ok(body.length <= whole.length - parsed.msg.length + parsed.msg.indexOf(`|${full.severity}|`), `${String(error)}: ${JSON.stringify(body)}`);
          return;
        }
        const { extensions: cutPairs, ...cutHeader } = decoded;
        const { extensions: fullPairs, ...fullHeader } = full;
        assert.deepEqual(cutHeader, fullHeader);
        // msg is shortened (a prefix of it stays) or left out first; only then is the end of the line cut, which
        // leaves a prefix of the pairs whose last value is a prefix of the whole one.
        const cutEntries = Object.entries(cutPairs);
        const fullEntries = Object.entries(fullPairs).filter(([key]) => key !== 'msg' || 'msg' in cutPairs);
        const isPrefix = (value: string, fullValue: string) =>
          assert.ok(fullValue.startsWith(value.replace(/ +$/, '')), `${JSON.stringify(value)} is not a prefix of ${JSON.stringify(fullValue)}`);
        cutEntries.forEach(([key, value], i) => {
          const [fullKey, fullValue = ''] = fullEntries[i] ?? [];
          assert.equal(key, fullKey);
          if (key === 'msg' || i === cutEntries.length - 1) isPrefix(value, fullValue);
          else assert.equal(value, fullValue);
        });
        // The line's end is cut only when msg could not make room: msg is then gone, or the line ends within it.
        if (cutEntries.length < fullEntries.length && 'msg' in fullPairs && 'msg' in cutPairs) {
          assert.equal(cutEntries.at(-1)?.[0], 'msg', 'the end was cut while msg still had room to give');
        }
      }),
      { numRuns: propertyRuns() },
    );
  });
});
