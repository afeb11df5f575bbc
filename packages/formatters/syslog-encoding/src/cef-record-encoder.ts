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
}

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
  readonly #escapedValues = new Map<string, string>();

  constructor(timeFormat: CefTimeFormat, metrics: Metrics) {
    this.#timeFormat = timeFormat;
    this.#metrics = metrics;
  }

  encode(record: CefRecord): string {
    const severity = checkedCefSeverity(record.severity);
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
    return line;
  }

  #headerField(value: unknown, field: HeaderField): string {
    if (typeof value !== 'string') throw formatRejected(`The CEF header field ${field} is a ${typeof value}, not a string.`);
    const known = this.#headerTexts[field];
    let header = known.get(value);
    if (header === undefined) {
      const cut = truncateCodePoints(value, CEF_HEADER_LIMITS[field]);
      header = { text: escapeCefHeaderField(cut), cut: cut.length !== value.length };
      if (known.size < MAX_REMEMBERED_HEADER_VALUES) known.set(value, header);
    }
    if (header.cut) this.#metrics.increment(FORMAT_TRUNCATIONS_METRIC, { key: field });
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

  #escaped(text: string): string {
    if (text.length > MAX_REMEMBERED_VALUE_LENGTH) return escapeCefExtensionValue(text);
    let escaped = this.#escapedValues.get(text);
    if (escaped === undefined) {
      escaped = escapeCefExtensionValue(text);
      if (this.#escapedValues.size >= MAX_REMEMBERED_VALUES) this.#escapedValues.clear();
      this.#escapedValues.set(text, escaped);
    }
    return escaped;
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
