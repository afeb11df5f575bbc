import { parseJson, type CefExtension, type JsonValue, type SecurityEvent, type Severity } from '@syslog-connector/core';
import { expectedPri, formatterCache, headerToken, parseSyslogMessage, propertyRuns } from '@syslog-connector/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rfc5424Formatter, rfc5424Options } from '../src/index.js';

/*
 * Property: whatever the event holds — any Unicode, lone surrogates, CR, LF, NUL, other controls, `"` `\` `]`,
 * CEF's own delimiters — the formatter writes one record that the test kit's strict RFC 5424 parser (written from
 * the RFC, not from this formatter) reads back to the input, after the documented replacements: HOSTNAME, APP-NAME,
 * PROCID and MSGID made PRINTUSASCII and cut (§6.2); SD PARAM-VALUEs with controls as spaces and lone surrogates as
 * U+FFFD (§6.3.3); the CEF body per the CEF rules; the JSON body equal to the raw event.
 * Runs: `propertyRuns()` — 100,000 in CI, 10,000 locally, or PROPERTY_RUNS.
 */

const nastyPiece = fc.constantFrom(
  '\r', '\n', '\r\n', '\u0000', '\t', '\u001b', '\u007f', '\u0085', '\\', '|', '=', '"', ']', '[', ' ', '  ',
  '\ud83d', '\ude00', '😀', 'é', '中', '\uFEFF', 'x=y', '"]', '\\"', '\\]', 'CEF:0|', ' k=', '\u2028', '-',
);
const text = (maxLength: number) =>
  fc.string({ unit: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), nastyPiece), maxLength });
// Long values (fast-check keeps generated strings short, so no value would reach a limit): a short random text
// repeated, cheap to generate and to shrink.
const longText = (maxRepeat: number) =>
  fc.tuple(text(30), fc.integer({ min: 2, max: maxRepeat })).map(([piece, times]) => piece.repeat(times));

const FIRST_TIME = -62_167_219_200_000;
const LAST_TIME = 253_402_300_799_999;

// Unique keys: the strict CEF parser refuses a repeated key (the formatter passes repeats through as given).
const extensions: fc.Arbitrary<CefExtension[]> = fc.uniqueArray(
  fc.oneof(
    fc.tuple(fc.constantFrom('msg', 'externalId', 'cs1', 'cs1Label', 'suser'), fc.oneof(text(60), longText(60))),
    fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,11}$/).filter((key) => !/^(rt|start|end|art|deviceCustomDate[12]|.*Time|msg|externalId|cs1|cs1Label|suser|act|app|cat|dvchost|outcome|proto)$/.test(key)), fc.oneof(text(30), fc.integer())),
  ),
  { maxLength: 6, selector: ([key]) => key },
);

const eventArbitrary = fc.record({
  key: text(40),
  source: text(20),
  type: text(20),
  time: fc.oneof(fc.integer({ min: FIRST_TIME, max: LAST_TIME }), fc.constant(Number.NaN)),
  raw: fc.jsonValue({ stringUnit: 'binary', maxDepth: 3 }).map((value) => value as JsonValue),
  vendor: text(70),
  product: text(20),
  version: text(10),
  signatureId: text(40),
  name: text(40),
  severity: fc.integer({ min: 0, max: 10 }),
  extensions,
});

const optionsArbitrary = fc.record({
  facility: fc.constantFrom('user', 'local4', 'auth', 'kern'),
  procId: fc.constantFrom(undefined, '4242', 'worker-7'),
  structuredData: fc.boolean(),
  bom: fc.boolean(),
  body: fc.constantFrom('cef', 'json'),
});

// Host names from a fixed set: each one is a formatter (built once), while arbitrary text here would build two per
// run. format-cef's property test and syslog-encoding's unit tests cover arbitrary instance text.
const instanceArbitrary = fc.constantFrom(
  'sensor-01.example.com', 'dc01.corp.example.com', '192.0.2.7', '::ffff:192.0.2.10', 'my sensor', 'capteur münchen',
  'a\r\nb.example', '😀host', '\ud800x', '.example.com', '-', 'h'.repeat(300),
);

// ---- the reference model, written from the README's rules rather than from src/
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
const token = (value: string, max: number): string => headerToken(value, max) || '-';
const sdText = (value: string): string => value.toWellFormed().replace(CONTROLS, ' ');
const cut = (value: string, limit: number): string => Array.from(value.toWellFormed()).slice(0, limit).join('');
const headerText = (value: string, limit: number): string => cut(value, limit).replace(CONTROLS, ' ');
const valueText = (value: string, limit = Number.POSITIVE_INFINITY): string =>
  cut(value, limit).replace(/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, ' ');
const LIMITS: ReadonlyMap<string, number> = new Map([['msg', 1023], ['externalId', 40], ['cs1', 4000], ['cs1Label', 1023], ['suser', 1023]]);
/** JSON has no -0: it reads back as 0. */
const withoutNegativeZero = (value: JsonValue): JsonValue =>
  typeof value === 'number'
    ? value === 0 ? 0 : value
    : Array.isArray(value)
      ? value.map(withoutNegativeZero)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withoutNegativeZero(item as JsonValue)]))
        : value;

const formatterFor = formatterCache(rfc5424Options, Rfc5424Formatter);

describe('RFC 5424 formatter round trip (fast-check)', () => {
  // 100,000 runs (CI) take 10–30 s on a 2-core machine: well past vitest's default 30 s timeout when shared.
  it('writes one record that a strict RFC 5424 parser reads back to the input', { timeout: 600_000 }, () => {
    fc.assert(
      fc.property(eventArbitrary, optionsArbitrary, instanceArbitrary, (fields, options, instance) => {
        const { key, source, type, time, raw, severity, extensions: exts, ...header } = fields;
        const event: SecurityEvent = { key, source, type, time, raw, record: { ...header, severity: severity as Severity, extensions: exts } };

        const message = formatterFor(options, instance).format(event);

        expect(message).not.toMatch(/[\r\n\u0000]/);
        expect(message.isWellFormed()).toBe(true);
        const parsed = parseSyslogMessage(message);
        if (parsed.format !== 'rfc5424') throw new Error('not read as RFC 5424');
        expect(parsed.pri).toBe(expectedPri(options.facility, { severity }));
        expect(parsed.timestamp).toBe(Number.isNaN(time) ? null : new Date(time).toISOString());
        const hostname = token(instance, 255);
        expect(parsed.hostname).toBe(hostname === '-' ? null : hostname);
        expect(parsed.appName).toBe('syslog-connector');
        expect(parsed.procId).toBe(options.procId ?? null);
        const msgId = token(header.signatureId, 32);
        expect(parsed.msgId).toBe(msgId === '-' ? null : msgId);
        expect(parsed.structuredData).toEqual(
          options.structuredData ? [{ id: 'sc@32473', params: [['key', sdText(key)], ['source', sdText(source)], ['type', sdText(type)]] }] : [],
        );
        expect(parsed.bom).toBe(options.bom);
        if (options.body === 'json') {
          expect(parseJson(parsed.msg ?? '')).toEqual(withoutNegativeZero(raw));
          return;
        }
        expect(parsed.cef).toEqual({
          version: '0',
          vendor: headerText(header.vendor, 63),
          product: headerText(header.product, 63),
          deviceVersion: headerText(header.version, 31),
          signatureId: headerText(header.signatureId, 1023),
          name: headerText(header.name, 512),
          severity: `${severity}`,
          extensions: Object.fromEntries(
            exts.map(([k, value]) => [k, typeof value === 'string' ? valueText(value, LIMITS.get(k)) : `${value as number}`]),
          ),
        });
      }),
      { numRuns: propertyRuns() },
    );
  });
});
