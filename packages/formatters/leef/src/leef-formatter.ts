import {
  FORMAT_TRUNCATIONS_METRIC,
  MESSAGE_TRUNCATION_KEY,
  defineFormatter,
  isCefTimestamp,
  services,
  type CefExtensionValue,
  type CefRecord,
  type Formatter,
  type HostIdentity,
  type Metrics,
  type SecurityEvent,
} from '@syslog-connector/core';
import {
  SyslogEnvelope,
  cefDateUtc,
  checkedCefSeverity,
  controlsToSpaceAnd,
  formatCefTimestamp,
  formatRejected,
  hasFourDigitYear,
  isCefExtensionKey,
  quoteForError,
  replaceCharacters,
  truncateUtf8,
  type CharacterReplacements,
} from '@syslog-connector/syslog-encoding';
import { CEF_TO_LEEF_KEYS, DEV_TIME_FORMAT, DEV_TIME_SOURCE_KEYS, NAME_KEY } from './leef-mapping.js';
import { leefOptions, type LeefOptions } from './options.js';

/** The services a `LeefFormatter` uses: who we are (syslog HOSTNAME) and where truncations are counted. */
export interface LeefFormatterDeps {
  readonly host: HostIdentity;
  readonly metrics: Metrics;
}

/**
 * LEEF header fields: every control character becomes a space, and `|` (the header's separator, which LEEF gives
 * no escape) becomes U+00A6 BROKEN BAR, so a field can neither end early nor add a field.
 */
const HEADER_REPLACEMENTS = controlsToSpaceAnd({ '|': '\u00a6' });

/** The DelimiterCharacter field of the LEEF 2.0 header: a printable ASCII character as itself, else `x` and its hex. */
const delimiterField = (delimiter: string): string => {
  const code = delimiter.charCodeAt(0);
  return code > 0x20 && code < 0x7f ? delimiter : `x${code.toString(16).toUpperCase().padStart(2, '0')}`;
};

/** `Dec 05 2022 05:26:45.000 GMT`: devTime in `DEV_TIME_FORMAT`, the zone named as in IBM's example. */
const devTimeText = (epochMs: number): string => `${cefDateUtc(epochMs).slice(0, -3)}GMT`;

/**
 * Formats a `SecurityEvent` as one IBM QRadar LEEF 2.0 line (IBM, "LEEF event components") behind an RFC 3164 or
 * RFC 5424 syslog header, or none:
 *
 * `<PRI>Mmm dd hh:mm:ss HOST LEEF:2.0|Vendor|Product|Version|EventID|x09|sev=7<TAB>devTime=…<TAB>devTimeFormat=…<TAB>cat=…`
 *
 * The header is the CEF record's vendor, product, version and signature id. Then, in order: `sev` (the CEF severity,
 * 0 raised to LEEF's lowest, 1), `devTime` and `devTimeFormat` (the record's `rt`/`start`, else the event time),
 * `name` (the CEF Name), and every CEF extension in record order, renamed to its predefined LEEF key where one means
 * the same (`CEF_TO_LEEF_KEYS`), else under its CEF name as a custom key. LEEF defines no escapes: a value never
 * holds the delimiter or a control character (each becomes a space), and `=` and `|` in a value are left as they
 * are (a reader splits pairs on the delimiter and each pair at its first `=`; the header ends at its sixth `|`).
 * An event it cannot represent faithfully is rejected with `FORMAT_REJECTED` (dead-lettered by the destination).
 */
export class LeefFormatter implements Formatter {
  readonly #envelope: SyslogEnvelope;
  readonly #delimiter: string;
  readonly #values: CharacterReplacements;
  /** A delimiter at or above U+00A0 (`¦`), which the replacement table does not reach; else undefined. */
  readonly #wideDelimiter: string | undefined;
  readonly #headerTail: string;
  readonly #metrics: Metrics;

  constructor(options: LeefOptions, deps: LeefFormatterDeps) {
    this.#envelope = new SyslogEnvelope(options, deps.host.instance);
    this.#delimiter = options.delimiter;
    this.#values = controlsToSpaceAnd({ [options.delimiter]: ' ' });
    this.#wideDelimiter = options.delimiter.charCodeAt(0) >= 0xa0 ? options.delimiter : undefined;
    this.#headerTail = `|${delimiterField(options.delimiter)}|`;
    this.#metrics = deps.metrics;
  }

  format(event: SecurityEvent, maxBytes?: number): string {
    const record = event.record;
    const severity = checkedCefSeverity(record.severity);
    const line = this.#envelope.of(event) + this.#header(record) + this.#attributes(event, severity);
    if (maxBytes === undefined) return line;
    const cut = truncateUtf8(line, maxBytes);
    if (cut.length !== line.length) this.#metrics.increment(FORMAT_TRUNCATIONS_METRIC, { key: MESSAGE_TRUNCATION_KEY });
    return cut;
  }

  /** `LEEF:2.0|Vendor|Product|Version|EventID|<delimiter>|`. */
  #header(record: CefRecord): string {
    const field = (text: string) => replaceCharacters(text, HEADER_REPLACEMENTS);
    return `LEEF:2.0|${field(record.vendor)}|${field(record.product)}|${field(record.version)}|${field(record.signatureId)}${this.#headerTail}`;
  }

  #attributes(event: SecurityEvent, severity: number): string {
    const extensions = event.record.extensions;
    const present = new Set(extensions.map(([key]) => key));
    const written = new Set<string>();
    const pairs: string[] = [];
    const add = (key: string, text: string) => {
      if (written.has(key)) throw formatRejected(`The event would carry the LEEF attribute ${quoteForError(key)} twice.`);
      written.add(key);
      const safe = replaceCharacters(text, this.#values);
      pairs.push(`${key}=${this.#wideDelimiter === undefined ? safe : safe.replaceAll(this.#wideDelimiter, ' ')}`);
    };

    add('sev', String(Math.max(1, severity)));
    const devTimeIndex = extensions.findIndex(([key, value]) => DEV_TIME_SOURCE_KEYS.includes(key) && isCefTimestamp(value));
    const devTime = devTimeIndex === -1 ? event.time : (extensions[devTimeIndex]?.[1] as { epochMs: number }).epochMs;
    if (!Number.isInteger(devTime) || !hasFourDigitYear(devTime)) {
      throw formatRejected(`The event time ${quoteForError(devTime)} has no LEEF devTime (it needs a 4-digit year).`);
    }
    add('devTime', devTimeText(devTime));
    add('devTimeFormat', DEV_TIME_FORMAT);
    if (!present.has(NAME_KEY)) add(NAME_KEY, event.record.name);

    extensions.forEach(([key, value], index) => {
      if (index === devTimeIndex) return;
      if (!isCefExtensionKey(key)) throw formatRejected(`The extension key ${quoteForError(key)} is not a LEEF key (letters, digits, _).`);
      const mapped = CEF_TO_LEEF_KEYS.get(key);
      add(mapped !== undefined && (mapped === key || !present.has(mapped)) ? mapped : key, valueText(key, value));
    });
    return pairs.join(this.#delimiter);
  }
}

/** A CEF extension value as LEEF text: a time in its vendor's form (UTC), a finite number as written. */
const valueText = (key: string, value: CefExtensionValue): string => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw formatRejected(`The value of ${quoteForError(key)} is not a finite number.`);
    return String(value);
  }
  const text = formatCefTimestamp(value, value.form);
  if (text === undefined) throw formatRejected(`The time in ${quoteForError(key)} has no 4-digit year or is not whole milliseconds.`);
  return text;
};

/** The `leef` formatter plugin: `format: leef` on a destination, options under `leef:`. */
export const leefFormatter = defineFormatter({
  type: 'leef',
  meta: { summary: 'IBM QRadar LEEF 2.0 with an RFC 3164 or RFC 5424 syslog prefix', stability: 'beta' },
  options: leefOptions,
  deps: { host: services.host, metrics: services.metrics },
  create: ({ options, deps }) => new LeefFormatter(options, deps),
});
