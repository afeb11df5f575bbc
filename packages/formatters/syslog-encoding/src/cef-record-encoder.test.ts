import { Buffer } from 'node:buffer';
import type { CefExtension, CefRecord, Severity } from '@syslog-connector/core';
import { describe, expect, it } from 'vitest';
import {
  RecordingMetrics,
  TREND_WORKBENCH_ALERT_SAMPLE as workbenchAlert,
  WORKBENCH_CEF_HEAD,
  formatRejection,
} from '@syslog-connector/testing';
import { CefRecordEncoder } from './cef-record-encoder.js';
import type { CefTimeForm } from '@syslog-connector/core';

const makeEncoder = (timeFormat?: CefTimeForm) => {
  const metrics = new RecordingMetrics();
  return { encoder: new CefRecordEncoder(timeFormat, metrics), metrics };
};

const withRecord = (record: Partial<CefRecord>): CefRecord => ({ ...workbenchAlert.record, ...record });

const withExtensions = (...extensions: CefExtension[]): CefRecord => withRecord({ extensions });

/** The extension part of an encoded line: everything after the workbench header. */
const extensionOf = (line: string): string => {
  if (!line.startsWith(WORKBENCH_CEF_HEAD)) throw new Error(`unexpected header in ${line.slice(0, 120)}`);
  return line.slice(WORKBENCH_CEF_HEAD.length);
};

describe('CefRecordEncoder header fields', () => {
  it('escapes a pipe in the Name header field', () => {
    const line = makeEncoder().encoder.encode(withRecord({ name: 'Scan | sweep', extensions: [] }));
    expect(line).toBe(String.raw`CEF:0|Trend Micro|Trend Vision One|1.0.0|900001|Scan \| sweep|7|`);
  });

  it('escapes a backslash in the Device Vendor header field', () => {
    const line = makeEncoder().encoder.encode(withRecord({ vendor: String.raw`Trend\Micro`, extensions: [] }));
    expect(line).toBe(String.raw`CEF:0|Trend\\Micro|Trend Vision One|1.0.0|900001|Trend Vision One Workbench Alert|7|`);
  });

  it('replaces a newline in the Name header field with a space', () => {
    const line = makeEncoder().encoder.encode(withRecord({ name: 'two\r\nlines', extensions: [] }));
    expect(line).toBe('CEF:0|Trend Micro|Trend Vision One|1.0.0|900001|two  lines|7|');
  });

  it.each([
    ['vendor', 63],
    ['product', 63],
    ['version', 31],
    ['signatureId', 1023],
    ['name', 512],
  ] as const)('cuts the %s header field to %d characters and counts it', (field, limit) => {
    const { encoder, metrics } = makeEncoder();
    const line = encoder.encode(withRecord({ [field]: 'é'.repeat(limit) + 'xyz', extensions: [] }));
    const fields = ['0', 'Trend Micro', 'Trend Vision One', '1.0.0', '900001', 'Trend Vision One Workbench Alert', '7'];
    fields[['vendor', 'product', 'version', 'signatureId', 'name'].indexOf(field) + 1] = 'é'.repeat(limit);
    expect(line).toBe(`CEF:${fields.join('|')}|`);
    expect(metrics.snapshot()).toEqual([{ name: 'format_truncations', labels: { key: field }, value: 1 }]);
  });

  it.each([11, -1, 3.5, Number.NaN])('rejects CEF severity %d', (severity) => {
    const error = formatRejection(() => makeEncoder().encoder.encode(withRecord({ severity: severity as Severity })));
    expect(error.message).toBe(`CEF severity must be an integer from 0 to 10, got ${severity}.`);
    expect(error.hint).toBe(
      'Fix the mapping in the source plugin that produced this event; the event was kept as a dead letter.',
    );
  });

  it('rejects a header field that is not a string', () => {
    const error = formatRejection(() => makeEncoder().encoder.encode(withRecord({ product: 42 as unknown as string })));
    expect(error.message).toBe('The CEF header field product is a number, not a string.');
  });
});

describe('CefRecordEncoder extensions', () => {
  const format = (...extensions: CefExtension[]) =>
    extensionOf(makeEncoder().encoder.encode(withExtensions(...extensions)));

  it('ends the header with a pipe when there are no extensions', () => {
    expect(makeEncoder().encoder.encode(withExtensions())).toBe(WORKBENCH_CEF_HEAD);
  });

  it('keeps each label next to its value, in record order', () => {
    expect(format(['cs2', 'b'], ['cs2Label', 'Second'], ['cs1Label', 'First'], ['cs1', 'a'])).toBe(
      'cs2=b cs2Label=Second cs1Label=First cs1=a',
    );
  });

  it('escapes = and backslash in an extension value', () => {
    expect(format(['request', String.raw`http://x/?a=1\b`])).toBe(String.raw`request=http://x/?a\=1\\b`);
  });

  it('writes a CRLF in an extension value as \\r\\n', () => {
    expect(format(['msg', 'line one\r\nline two'])).toBe(String.raw`msg=line one\r\nline two`);
  });

  it('replaces NUL in an extension value with a space', () => {
    expect(format(['msg', 'a\u0000b'])).toBe('msg=a b');
  });

  it('writes numbers of non-timestamp keys as JavaScript writes them', () => {
    expect(format(['cn1', 1], ['cn2', -7], ['cfp1', 1.5], ['dpt', 443])).toBe('cn1=1 cn2=-7 cfp1=1.5 dpt=443');
  });

  it('writes each time in the form its vendor gives it, with no override', () => {
    const t = Date.parse('2022-12-05T05:26:45.007Z');
    const line = makeEncoder().encoder.encode(
      withExtensions(
        ['rt', { epochMs: t, ticks: 0, form: 'cef-date-seconds' }],
        ['start', { epochMs: t, ticks: 1234, form: 'iso8601-ticks' }],
        ['end', { epochMs: t, ticks: 0, form: 'iso8601-seconds' }],
        ['deviceCustomDate1', { epochMs: t, ticks: 0, form: 'epoch-ms' }],
      ),
    );
    expect(extensionOf(line)).toBe('rt=Dec 05 2022 05:26:45 start=2022-12-05T05:26:45.0071234Z end=2022-12-05T05:26:45Z deviceCustomDate1=1670218005007');
  });

  it("writes every time in the destination's form when it overrides the vendor's", () => {
    const { encoder } = makeEncoder('epoch-ms');
    const time = (epochMs: number) => ({ epochMs, ticks: 0, form: 'cef-date-seconds' as const });
    const line = encoder.encode(withExtensions(['start', time(1000)], ['end', time(2000)], ['deviceCustomDate1', time(3000)], ['cn1', 4000]));
    expect(extensionOf(line)).toBe('start=1000 end=2000 deviceCustomDate1=3000 cn1=4000');
  });

  it('writes a number on a timestamp key as the number (epoch ms is a CEF time form)', () => {
    expect(format(['rt', 1_670_218_005_000])).toBe('rt=1670218005000');
  });

  it('passes a string on a timestamp key through, escaped', () => {
    expect(format(['rt', '2024-09-23T17:18:42Z'], ['end', 'a=b'])).toBe(String.raw`rt=2024-09-23T17:18:42Z end=a\=b`);
  });

  it('cuts msg to 1023 characters without splitting a surrogate pair, and counts it', () => {
    const { encoder, metrics } = makeEncoder();
    const line = encoder.encode(withExtensions(['msg', 'a'.repeat(1022) + '😀' + 'tail'], ['cat', 'x']));
    expect(extensionOf(line)).toBe(`msg=${'a'.repeat(1022)}😀 cat=x`);
    expect(metrics.snapshot()).toEqual([{ name: 'format_truncations', labels: { key: 'msg' }, value: 1 }]);
  });

  it('counts the limit before escaping, so escapes do not shorten a value', () => {
    const { encoder, metrics } = makeEncoder();
    const value = '='.repeat(40);
    expect(extensionOf(encoder.encode(withExtensions(['externalId', value])))).toBe(`externalId=${'\\='.repeat(40)}`);
    expect(metrics.snapshot()).toEqual([]);
  });

  it.each([
    ['externalId', 40],
    ['act', 63],
    ['app', 31],
    ['dvchost', 100],
    ['cs1', 4000],
    ['cs6Label', 1023],
    ['flexString1Label', 128],
  ] as const)('cuts %s to %d characters', (key, limit) => {
    const { encoder, metrics } = makeEncoder();
    const line = encoder.encode(withExtensions([key, 'v'.repeat(limit + 1)], [key, 'v'.repeat(limit + 1)]));
    expect(extensionOf(line)).toBe(`${key}=${'v'.repeat(limit)} ${key}=${'v'.repeat(limit)}`);
    expect(metrics.snapshot()).toEqual([{ name: 'format_truncations', labels: { key }, value: 2 }]);
  });

  it('does not cut a vendor-custom key', () => {
    const { encoder, metrics } = makeEncoder();
    const value = 'x'.repeat(5000);
    expect(extensionOf(encoder.encode(withExtensions(['TrendMicroV1CompanyID', value])))).toBe(`TrendMicroV1CompanyID=${value}`);
    expect(metrics.snapshot()).toEqual([]);
  });

  it.each(['bad key', 'cs1=', 'clé', '', 'a|b'])('rejects the extension key %j', (key) => {
    const error = formatRejection(() => makeEncoder().encoder.encode(withExtensions([key, 'v'])));
    expect(error.message).toBe(`The CEF extension key ${JSON.stringify(key)} is invalid: keys are ASCII letters, digits and _ only.`);
  });

  it('rejects an invalid key every time, not only the first', () => {
    const { encoder } = makeEncoder();
    const event = withExtensions(['ok', 'v'], ['not ok', 'v']);
    formatRejection(() => encoder.encode(event));
    formatRejection(() => encoder.encode(event));
  });

  it('keeps a newline of an invalid key out of the error message', () => {
    const error = formatRejection(() => makeEncoder().encoder.encode(withExtensions(['a\r\nb', 'v'])));
    expect(error.message).toBe(String.raw`The CEF extension key "a\r\nb" is invalid: keys are ASCII letters, digits and _ only.`);
  });

  it('rejects a time without a 4-digit year', () => {
    const error = formatRejection(() => makeEncoder().encoder.encode(withExtensions(['rt', { epochMs: 1e17, ticks: 0, form: 'cef-date' }])));
    expect(error.message).toBe(
      'The CEF time rt holds 100000000000000000 ms and 0 ticks in the form "cef-date", not integer epoch ms with a 4-digit year, ticks 0–9999 and a known form.',
    );
  });

  it('rejects an object that is not a time', () => {
    const error = formatRejection(() => makeEncoder().encoder.encode(withExtensions(['cs1', { text: 'x' } as never])));
    expect(error.message).toBe('The CEF extension cs1 holds a object, not a string, a number or a time.');
  });

  it('rejects a number that is not finite', () => {
    const error = formatRejection(() => makeEncoder().encoder.encode(withExtensions(['cn1', Number.NaN])));
    expect(error.message).toBe('The CEF extension cn1 holds NaN, not a finite number.');
  });

  it('rejects a value that is neither a string nor a number', () => {
    const error = formatRejection(() =>
      makeEncoder().encoder.encode(withExtensions(['cn1', null as unknown as string])),
    );
    expect(error.message).toBe('The CEF extension cn1 holds a null, not a string, a number or a time.');
  });
});

describe('CefRecordEncoder across events', () => {
  // The encoder remembers headers, key positions and recent values; these check that what it remembers never
  // changes what it writes or counts.
  it('writes each event its own values when the same keys repeat in the same order', () => {
    const { encoder } = makeEncoder();
    const lines = ['a=1', 'b', 'c\\d', 'b', 'a=1', 'é'].map((value) => extensionOf(encoder.encode(withExtensions(['msg', value], ['cs1', value]))));
    expect(lines).toEqual([
      String.raw`msg=a\=1 cs1=a\=1`,
      'msg=b cs1=b',
      String.raw`msg=c\\d cs1=c\\d`,
      'msg=b cs1=b',
      String.raw`msg=a\=1 cs1=a\=1`,
      'msg=é cs1=é',
    ]);
  });

  it('writes a remembered value after the right separator when its key moves to the first position', () => {
    const { encoder } = makeEncoder();
    expect(extensionOf(encoder.encode(withExtensions(['cat', 'x'], ['msg', 'y'])))).toBe('cat=x msg=y');
    expect(extensionOf(encoder.encode(withExtensions(['msg', 'y'], ['cat', 'x'])))).toBe('msg=y cat=x');
  });

  it('counts a cut value each time it is written, also when it is remembered', () => {
    const { encoder, metrics } = makeEncoder();
    for (let round = 0; round < 3; round++) encoder.encode(withExtensions(['externalId', 'x'.repeat(41)]));
    expect(metrics.snapshot()).toEqual([{ name: 'format_truncations', labels: { key: 'externalId' }, value: 3 }]);
  });

  it('counts a cut header field each time the header is written, also when it is remembered', () => {
    const { encoder, metrics } = makeEncoder();
    const record = withRecord({ version: 'v'.repeat(32), extensions: [] });
    for (let round = 0; round < 3; round++) encoder.encode(record);
    expect(metrics.snapshot()).toEqual([{ name: 'format_truncations', labels: { key: 'version' }, value: 3 }]);
  });

  it('writes headers of several event classes in turn', () => {
    const { encoder } = makeEncoder();
    const names = ['A', 'B|', 'C', 'D', 'E', 'A', 'B|'];
    const lines = names.map((name) => encoder.encode(withRecord({ name, signatureId: name, extensions: [] })));
    const head = 'CEF:0|Trend Micro|Trend Vision One|1.0.0|';
    expect(lines).toEqual(names.map((name) => `${head}${name.replace('|', '\\|')}|${name.replace('|', '\\|')}|7|`));
    expect(lines[1]).toBe(String.raw`${head}B\||B\||7|`);
  });

  it('escapes long values it does not remember, each time', () => {
    const { encoder } = makeEncoder();
    const long = (mark: string) => `${mark}=${'x'.repeat(300)}`;
    for (const mark of ['a', 'b', 'a']) {
      expect(extensionOf(encoder.encode(withExtensions(['cs1', long(mark)], ['cs2', long(mark)])))).toBe(
        `cs1=${mark}\\=${'x'.repeat(300)} cs2=${mark}\\=${'x'.repeat(300)}`,
      );
    }
  });
});

describe('CefRecordEncoder utf8Length', () => {
  it.each([
    ['ASCII', withExtensions(['msg', 'plain text'], ['cn1', 5], ['rt', { epochMs: 1_670_218_005_000, ticks: 0, form: 'cef-date' }])],
    ['escapes', withExtensions(['request', String.raw`a=b\c`], ['msg', 'x\r\ny'])],
    ['2-, 3- and 4-byte characters', withExtensions(['msg', 'é中😀'], ['cs1', 'ü'.repeat(200)])],
    ['a lone surrogate', withExtensions(['msg', 'a\ud800b'])],
    ['a non-ASCII header field', withRecord({ name: 'Alerte sécurité 中', extensions: [['msg', 'é']] })],
    ['a value cut to its length', withExtensions(['externalId', 'é'.repeat(50)])],
  ])('is the UTF-8 length of the line just encoded, with %s', (_, record) => {
    const { encoder } = makeEncoder();
    for (let round = 0; round < 2; round++) {
      // Twice: the second time the header fields and short values come from the encoder's caches.
      const line = encoder.encode(record);
      expect(encoder.utf8Length).toBe(Buffer.byteLength(line, 'utf8'));
    }
  });
});
