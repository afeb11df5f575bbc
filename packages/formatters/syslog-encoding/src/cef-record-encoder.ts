import { Buffer } from 'node:buffer';
import { CEF_TIMESTAMP_KEYS, type CefExtension, type CefRecord, type Metrics, type Severity } from '@syslog-connector/core';
import { escapeCefExtensionValue, escapeCefHeaderField, isCefExtensionKey } from './cef-escape.js';
import { CEF_EXTENSION_LIMITS, CEF_HEADER_LIMITS } from './cef-field-limits.js';
import { formatCefTimestamp, type CefTimeFormat } from './cef-timestamp.js';
import { formatRejected, quoteForError } from './format-rejected.js';
import { truncateCodePoints } from './truncate-code-points.js';

/** The metric counted once per cut field, labelled `{ key }` (an extension key, or a header field name). */
export const FORMAT_TRUNCATIONS_METRIC = 'format_truncations';

type HeaderField = keyof typeof CEF_HEADER_LIMITS;

/**
 * `value` as a CEF severity — an integer from 0 to 10 ("Implementing ArcSight CEF", header) — or a
 * `FORMAT_REJECTED` error. Formatters check it before writing a PRI from it (`syslogPriorities`).
 */
export const checkedCefSeverity = (value: unknown): Severity => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 10) {
    throw formatRejected(`CEF severity must be an integer from 0 to 10, got ${quoteForError(value)}.`);
  }
  return value as Severity;
};

/** What the encoder knows about one extension key, worked out once per key. */
interface KeyRule {
  /** ` key=`: what precedes the value of every pair but the first. */
  readonly separator: string;
  /** Maximum length in code points (CEF dictionary); Infinity when the dictionary gives none. */
  readonly limit: number;
  /** A CEF timestamp key: numbers are epoch ms and are written in the configured time form. */
  readonly timestamp: boolean;
}

/** A header field value as written, and whether writing it cut it (counted again each time it is used). */
interface HeaderText {
  readonly text: string;
  readonly cut: boolean;
  /** UTF-8 bytes beyond one per UTF-16 unit. */
  readonly extraBytes: number;
}

/** An extension value as written. */
interface ValueText {
  readonly text: string;
  /** UTF-8 bytes beyond one per UTF-16 unit. */
  readonly extraBytes: number;
}

/**
 * Anything but printable ASCII without `=` and `\`: text without any needs no escaping and is as many UTF-8 bytes
 * as UTF-16 units. Most values are such text.
 */
const NOT_PLAIN_ASCII = /[^\x20-\x3c\x3e-\x5b\x5d-\x7e]/;

/** UTF-8 bytes of well-formed `text` beyond one per UTF-16 unit (U+0080–U+07FF: +1, the rest of the BMP: +2, pairs: +2). */
const extraUtf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8') - text.length;

/** Distinct keys remembered; sources use a few dozen, the cap only guards against a source inventing keys. */
const MAX_REMEMBERED_KEYS = 1024;
/** Distinct values remembered per header field: vendors, products and event classes repeat across events. */
const MAX_REMEMBERED_HEADER_VALUES = 256;
/**
 * Escaped extension values remembered. Events of one source repeat most short values (categories, labels,
 * products, host names, addresses), and a map lookup costs a third of the regex test that escaping starts with.
 * When full the cache starts over, so it follows what the stream repeats now; long values are never kept.
 */
const MAX_REMEMBERED_VALUES = 2048;
const MAX_REMEMBERED_VALUE_LENGTH = 96;

/**
 * Encodes a `CefRecord` as the CEF line `CEF:0|Vendor|Product|Version|SignatureId|Name|Severity|k=v k=v …`
 * ("Implementing ArcSight CEF", FACTS §E.7), without any syslog header: escaping per `cef-escape.ts`, header and
 * dictionary lengths per `cef-field-limits.ts` (each cut counted in `format_truncations`), numbers of CEF
 * timestamp keys in the configured time form, extensions in record order (so `csNLabel` stays next to `csN`).
 *
 * Hot path: header field texts and short escaped values are remembered in bounded maps (events repeat them).
 *
 * Throws `FORMAT_REJECTED` for what CEF cannot carry: a severity outside the integers 0–10, an extension key
 * outside `[A-Za-z0-9_]`, a number that is not finite, a timestamp without a 4-digit year, a value of another type.
 */
export class CefRecordEncoder {
  readonly #timeFormat: CefTimeFormat;
  readonly #metrics: Metrics;
  readonly #keyRules = new Map<string, KeyRule>();
  readonly #headerTexts: Record<HeaderField, Map<string, HeaderText>> = {
    vendor: new Map(),
    product: new Map(),
    version: new Map(),
    signatureId: new Map(),
    name: new Map(),
  };
  readonly #escapedValues = new Map<string, ValueText>();
  /** UTF-8 bytes beyond one per UTF-16 unit in the line being encoded. */
  #extraBytes = 0;
  #utf8Length = 0;

  constructor(timeFormat: CefTimeFormat, metrics: Metrics) {
    this.#timeFormat = timeFormat;
    this.#metrics = metrics;
  }

  /**
   * The UTF-8 length in bytes of the line the last `encode` returned, counted while encoding, so a caller that
   * must keep a byte limit (RFC 3164 §4.1) need not make V8 flatten and scan the string it built.
   */
  get utf8Length(): number {
    return this.#utf8Length;
  }

  encode(record: CefRecord): string {
    const severity = checkedCefSeverity(record.severity);
    this.#extraBytes = 0;
    let line =
      'CEF:0|' +
      this.#headerField(record.vendor, 'vendor') +
      '|' +
      this.#headerField(record.product, 'product') +
      '|' +
      this.#headerField(record.version, 'version') +
      '|' +
      this.#headerField(record.signatureId, 'signatureId') +
      '|' +
      this.#headerField(record.name, 'name') +
      '|' +
      severity +
      '|';
    const extensions = record.extensions;
    for (let i = 0; i < extensions.length; i++) {
      const extension = extensions[i] as CefExtension;
      const key = extension[0];
      const rule = this.#keyRules.get(key) ?? this.#learnKey(key);
      line += (i === 0 ? rule.separator.slice(1) : rule.separator) + this.#extensionValue(key, rule, extension[1]);
    }
    this.#utf8Length = line.length + this.#extraBytes;
    return line;
  }

  #headerField(value: unknown, field: HeaderField): string {
    if (typeof value !== 'string') throw formatRejected(`The CEF header field ${field} is a ${typeof value}, not a string.`);
    const known = this.#headerTexts[field];
    let header = known.get(value);
    if (header === undefined) {
      const cut = truncateCodePoints(value, CEF_HEADER_LIMITS[field]);
      const text = escapeCefHeaderField(cut);
      header = { text, cut: cut.length !== value.length, extraBytes: NOT_PLAIN_ASCII.test(text) ? extraUtf8Bytes(text) : 0 };
      if (known.size < MAX_REMEMBERED_HEADER_VALUES) known.set(value, header);
    }
    if (header.cut) this.#metrics.increment(FORMAT_TRUNCATIONS_METRIC, { key: field });
    this.#extraBytes += header.extraBytes;
    return header.text;
  }

  #extensionValue(key: string, rule: KeyRule, value: unknown): string {
    if (typeof value === 'string') {
      // Lengths count characters of the value itself, so the cut comes before escaping.
      const cut = value.length > rule.limit ? truncateCodePoints(value, rule.limit) : value;
      if (cut.length !== value.length) this.#metrics.increment(FORMAT_TRUNCATIONS_METRIC, { key });
      return this.#escaped(cut);
    }
    if (typeof value === 'number') {
      if (rule.timestamp) {
        const text = formatCefTimestamp(value, this.#timeFormat);
        if (text === undefined) {
          throw formatRejected(`The CEF timestamp ${key} holds ${quoteForError(value)}, which is not epoch ms with a 4-digit year.`);
        }
        return text;
      }
      if (!Number.isFinite(value)) throw formatRejected(`The CEF extension ${key} holds ${quoteForError(value)}, not a finite number.`);
      return `${value}`;
    }
    throw formatRejected(`The CEF extension ${key} holds a ${typeof value}, not a string or a number.`);
  }

  /** `text` escaped, its extra UTF-8 bytes added to the line's. */
  #escaped(text: string): string {
    if (text.length > MAX_REMEMBERED_VALUE_LENGTH) {
      if (!NOT_PLAIN_ASCII.test(text)) return text;
      const value = this.#written(text);
      this.#extraBytes += value.extraBytes;
      return value.text;
    }
    let value = this.#escapedValues.get(text);
    if (value === undefined) {
      value = NOT_PLAIN_ASCII.test(text) ? this.#written(text) : { text, extraBytes: 0 };
      if (this.#escapedValues.size >= MAX_REMEMBERED_VALUES) this.#escapedValues.clear();
      this.#escapedValues.set(text, value);
    }
    this.#extraBytes += value.extraBytes;
    return value.text;
  }

  #written(text: string): ValueText {
    const escaped = escapeCefExtensionValue(text);
    return { text: escaped, extraBytes: extraUtf8Bytes(escaped) };
  }

  #learnKey(key: unknown): KeyRule {
    if (typeof key !== 'string' || !isCefExtensionKey(key)) {
      throw formatRejected(`The CEF extension key ${quoteForError(key)} is invalid: keys are ASCII letters, digits and _ only.`);
    }
    const rule: KeyRule = {
      separator: ` ${key}=`,
      limit: CEF_EXTENSION_LIMITS.get(key) ?? Number.POSITIVE_INFINITY,
      timestamp: CEF_TIMESTAMP_KEYS.has(key),
    };
    if (this.#keyRules.size < MAX_REMEMBERED_KEYS) this.#keyRules.set(key, rule);
    return rule;
  }
}
