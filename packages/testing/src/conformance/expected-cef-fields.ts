import { type CefRecord, type CefTimeForm, type CefTimestamp } from '@syslog-connector/core';
import type { CefFields } from '../oracles/parsed-record.js';

/**
 * CEF dictionary lengths in characters, restated from "Implementing ArcSight CEF" (FACTS §E.7) rather than taken
 * from a formatter, so a wrong entry there shows up as a difference here.
 */
const HEADER_LIMITS = { vendor: 63, product: 63, version: 31, signatureId: 1023, name: 512 } as const;
const EXTENSION_LIMITS: ReadonlyMap<string, number> = new Map([
  ...['app', 'proto'].map((key) => [key, 31] as const),
  ['externalId', 40],
  ...['act', 'outcome'].map((key) => [key, 63] as const),
  ['dvchost', 100],
  ...['flexString1Label', 'flexString2Label'].map((key) => [key, 128] as const),
  ...['deviceExternalId', 'fileHash'].map((key) => [key, 255] as const),
  ...[
    'cat', 'msg', 'reason', 'request', 'requestMethod', 'dhost', 'shost', 'duser', 'suser', 'duid', 'suid',
    'deviceFacility', 'deviceProcessName', 'fname', 'filePath', 'sourceServiceName', 'flexString1', 'flexString2',
    'cs1Label', 'cs2Label', 'cs3Label', 'cs4Label', 'cs5Label', 'cs6Label', 'cn1Label', 'cn2Label', 'cn3Label',
    'deviceCustomDate1Label', 'deviceCustomDate2Label',
  ].map((key) => [key, 1023] as const),
  ...['cs1', 'cs2', 'cs3', 'cs4', 'cs5', 'cs6'].map((key) => [key, 4000] as const),
]);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const cut = (value: string, limit: number): string => Array.from(value.toWellFormed()).slice(0, limit).join('');
const headerText = (value: string, limit: number): string => cut(value, limit).replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
const valueText = (value: string, limit: number): string =>
  cut(value, limit).replace(/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, ' ');

/** A time in `form`, restated from the vendors' published examples with `Date` rather than taken from a formatter. */
const timestampText = (time: CefTimestamp, form: CefTimeForm): string => {
  const iso = new Date(time.epochMs).toISOString();
  const seconds = iso.slice(0, 19);
  const cefDate = `${MONTHS[Number(iso.slice(5, 7)) - 1]} ${iso.slice(8, 10)} ${iso.slice(0, 4)} ${iso.slice(11, 19)}`;
  switch (form) {
    case 'cef-date-seconds':
      return cefDate;
    case 'cef-date':
      return `${cefDate}${iso.slice(19, 23)} UTC`;
    case 'iso8601-seconds':
      return `${seconds}Z`;
    case 'iso8601':
      return iso;
    case 'iso8601-ticks':
      return `${iso.slice(0, 23)}${String(time.ticks).padStart(4, '0')}Z`;
    case 'epoch-ms':
      return `${time.epochMs}`;
  }
};

/**
 * The fields a CEF decoder should read back from the line a connector formatter writes for `record`: the
 * documented replacements applied to what the source mapped — each text cut to its CEF length in code points,
 * lone surrogates as U+FFFD, control characters as spaces (CR and LF kept in extension values, where CEF escapes
 * them as `\r` `\n`), numbers as written, each time in its vendor's form or in `timeFormat` when a destination
 * overrides it. The shape is the oracles' `CefFields`, so a decoded line compares with `toEqual`.
 */
export const expectedCefFields = (record: CefRecord, timeFormat?: CefTimeForm): CefFields => ({
  version: '0',
  vendor: headerText(record.vendor, HEADER_LIMITS.vendor),
  product: headerText(record.product, HEADER_LIMITS.product),
  deviceVersion: headerText(record.version, HEADER_LIMITS.version),
  signatureId: headerText(record.signatureId, HEADER_LIMITS.signatureId),
  name: headerText(record.name, HEADER_LIMITS.name),
  severity: `${record.severity}`,
  extensions: Object.fromEntries(
    record.extensions.map(([key, value]) => [
      key,
      typeof value === 'number'
        ? `${value}`
        : typeof value === 'string'
          ? valueText(value, EXTENSION_LIMITS.get(key) ?? Number.POSITIVE_INFINITY)
          : timestampText(value, timeFormat ?? value.form),
    ]),
  ),
});
