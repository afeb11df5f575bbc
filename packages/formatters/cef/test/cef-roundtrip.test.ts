import { CEF_TIMESTAMP_KEYS, type CefExtension, type CefTimestamp, type SecurityEvent, type Severity } from '@syslog-connector/core';
import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CefFormatter, cefOptions } from '../src/index.js';
import { CEF_EXTENSION_LIMITS } from '@syslog-connector/syslog-encoding';
import { RecordingMetrics, propertyRuns } from '@syslog-connector/testing';
import { decodeCef, type SyslogPrefix } from './cef-decoder.js';

/*
 * Property: whatever the fields hold — any Unicode, lone surrogates, CR, LF, NUL, other controls, CEF's own
 * delimiters — the formatter writes one line with no control character in it, and a strict decoder written from
 * the standard reads back exactly the input, after the documented replacements (README "Escaping"):
 * lone surrogate → U+FFFD; control → space except CR/LF in extension values; header CR/LF → space; cut to the
 * CEF dictionary length in code points.
 */

// The lengths are restated here from FACTS §E.7 rather than imported, so a wrong table entry fails this test.
const HEADER_LIMITS = { vendor: 63, product: 63, version: 31, signatureId: 1023, name: 512 } as const;
// A Map, not an object literal: fast-check generates keys like `__proto__`.
const KNOWN_KEY_LIMITS: ReadonlyMap<string, number> = new Map([
  ['externalId', 40],
  ['act', 63],
  ['app', 31],
  ['msg', 1023],
  ['cs1', 4000],
  ['cs1Label', 1023],
  ['flexString1Label', 128],
]);
const TIMESTAMP_KEYS = ['rt', 'start', 'end', 'deviceCustomDate1'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const nastyPiece = fc.constantFrom(
  '\r', '\n', '\r\n', '\u0000', '\t', '\u001b', '\u007f', '\u0085', '\u009f', '\\', '|', '=', ' ', '  ',
  '\ud83d', '\ude00', '😀', 'é', 'x=y', String.raw`\n`, String.raw`\=`, 'CEF:0|', ' k=', '\u2028',
);
const text = (maxLength: number) =>
  fc.string({ unit: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), nastyPiece), maxLength });

const FIRST_TIME = -62_167_219_200_000;
const LAST_TIME = 253_402_300_799_999;
const TIME_FORMS = ['cef-date-seconds', 'cef-date', 'iso8601-seconds', 'iso8601', 'iso8601-ticks', 'epoch-ms'] as const;
const cefTime: fc.Arbitrary<CefTimestamp> = fc.record({
  epochMs: fc.integer({ min: FIRST_TIME, max: LAST_TIME }),
  ticks: fc.integer({ min: 0, max: 9999 }),
  form: fc.constantFrom(...TIME_FORMS),
});

const customKey = fc
  .stringMatching(/^[A-Za-z0-9_]{1,12}$/)
  .filter((key) => !CEF_TIMESTAMP_KEYS.has(key) && !CEF_EXTENSION_LIMITS.has(key));

const extension: fc.Arbitrary<CefExtension> = fc.oneof(
  fc.tuple(fc.constantFrom(...KNOWN_KEY_LIMITS.keys()), text(80)),
  fc.tuple(fc.constantFrom(...TIMESTAMP_KEYS), fc.oneof(cefTime, text(20), fc.integer({ min: FIRST_TIME, max: LAST_TIME }))),
  fc.tuple(customKey, fc.oneof(text(40), fc.double({ noNaN: true, noDefaultInfinity: true }))),
);

const eventArbitrary = fc.record({
  time: fc.integer({ min: FIRST_TIME, max: LAST_TIME }),
  vendor: text(80),
  product: text(80),
  version: text(40),
  signatureId: text(40),
  name: text(60),
  severity: fc.integer({ min: 0, max: 10 }),
  extensions: fc.array(extension, { maxLength: 8 }),
});

const optionsArbitrary = fc.record({
  prefix: fc.constantFrom<SyslogPrefix>('rfc3164', 'rfc5424', 'none'),
  timeFormat: fc.constantFrom(undefined, ...TIME_FORMS),
  facility: fc.constantFrom('user', 'local4', 'auth', 'kern'),
});

// ---- the reference model: the documented replacements, written independently of src/
const codePoints = (value: string): string[] => Array.from(value.toWellFormed());
const cut = (value: string, limit: number): string => codePoints(value).slice(0, limit).join('');
const expectedHeader = (value: string, limit: number): string => cut(value, limit).replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
const expectedValue = (value: string, limit = Number.POSITIVE_INFINITY): string =>
  cut(value, limit).replace(/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, ' ');

const expectedTime = ({ epochMs, ticks }: CefTimestamp, form: string): string => {
  const iso = new Date(epochMs).toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ
  const cefDate = `${MONTHS[Number(iso.slice(5, 7)) - 1]} ${iso.slice(8, 10)} ${iso.slice(0, 4)} ${iso.slice(11, 19)}`;
  if (form === 'iso8601') return iso;
  if (form === 'iso8601-seconds') return `${iso.slice(0, 19)}Z`;
  if (form === 'iso8601-ticks') return `${iso.slice(0, 23)}${String(ticks).padStart(4, '0')}Z`;
  if (form === 'epoch-ms') return `${new Date(epochMs).getTime()}`;
  if (form === 'cef-date-seconds') return cefDate;
  return `${cefDate}${iso.slice(19, 23)} UTC`;
};

const syslogSeverity = (cef: number): number => (cef >= 9 ? 2 : cef >= 7 ? 3 : cef >= 4 ? 4 : cef >= 1 ? 5 : 6);
const FACILITY_CODES: ReadonlyMap<string, number> = new Map([['kern', 0], ['user', 1], ['auth', 4], ['local4', 20]]);

const PRINTUSASCII_TOKEN = /^[\x21-\x7e]+$/;
const token = (value: string, max: number): string =>
  Array.from(value)
    .slice(0, max)
    .map((char) => (/^[\x21-\x7e]$/.test(char) ? char : '_'))
    .join('') || '-';

describe('CEF formatter round trip (fast-check)', () => {
  // 100,000 runs (CI) take 10–30 s on a 2-core machine: well past vitest's default 30 s timeout when shared.
  it('writes no control character and decodes back to the input fields', { timeout: 600_000 }, () => {
    fc.assert(
      fc.property(eventArbitrary, optionsArbitrary, text(30).filter((t) => t !== ''), (fields, options, instance) => {
        const formatter = new CefFormatter(cefOptions.parse(options), {
          host: { instance, hostname: 'unused' },
          metrics: new RecordingMetrics(),
        });
        const { time, extensions, severity, ...header } = fields;
        const event: SecurityEvent = {
          key: 'k',
          source: 's',
          type: 't',
          time,
          raw: null,
          record: { ...header, severity: severity as Severity, extensions },
        };

        const line = formatter.format(event);

        expect(line).not.toMatch(/[\r\n\u0000]/);
        expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
        expect(line.isWellFormed()).toBe(true);

        const decoded = decodeCef(line, options.prefix);
        expect(decoded.vendor).toBe(expectedHeader(header.vendor, HEADER_LIMITS.vendor));
        expect(decoded.product).toBe(expectedHeader(header.product, HEADER_LIMITS.product));
        expect(decoded.version).toBe(expectedHeader(header.version, HEADER_LIMITS.version));
        expect(decoded.signatureId).toBe(expectedHeader(header.signatureId, HEADER_LIMITS.signatureId));
        expect(decoded.name).toBe(expectedHeader(header.name, HEADER_LIMITS.name));
        expect(decoded.severity).toBe(`${severity}`);
        expect(decoded.extensions).toEqual(
          extensions.map(([key, value]) => {
            if (typeof value === 'number') return [key, `${value}`];
            if (typeof value === 'string') return [key, expectedValue(value, KNOWN_KEY_LIMITS.get(key))];
            return [key, expectedTime(value, options.timeFormat ?? value.form)];
          }),
        );

        if (options.prefix !== 'none') {
          const [pri, ...syslogFields] = decoded.syslog;
          expect(pri).toBe(`${(FACILITY_CODES.get(options.facility) ?? -1) * 8 + syslogSeverity(severity)}`);
          // Every field but the RFC 3164 timestamp (which has its own spaces) is one PRINTUSASCII token.
          const tokens = options.prefix === 'rfc3164' ? syslogFields.slice(1) : syslogFields;
          for (const field of tokens) expect(field).toMatch(PRINTUSASCII_TOKEN);
        }
        if (options.prefix === 'rfc5424') {
          const [, timestamp, hostname, appName, , messageId] = decoded.syslog;
          expect(timestamp).toBe(new Date(time).toISOString());
          expect(hostname).toBe(token(instance, 255));
          expect(appName).toBe('syslog-connector');
          expect(messageId).toBe(token(header.signatureId, 32));
        }
        if (options.prefix === 'rfc3164') {
          const iso = new Date(time).toISOString();
          const day = Number(iso.slice(8, 10));
          expect(decoded.syslog[1]).toBe(
            `${MONTHS[Number(iso.slice(5, 7)) - 1]} ${day < 10 ? ' ' : ''}${day} ${iso.slice(11, 19)}`,
          );
          const shortName = isIP(instance) === 0 ? instance.split('.')[0] ?? '' : instance;
          expect(decoded.syslog[2]).toBe(token(shortName, 255));
        }
      }),
      { numRuns: propertyRuns() },
    );
  });
});
