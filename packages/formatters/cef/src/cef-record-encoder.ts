import { CEF_TIMESTAMP_KEYS, type CefExtension, type CefRecord, type Metrics } from '@syslog-connector/core';
import { escapeCefExtensionValue, escapeCefHeaderField, isCefExtensionKey } from './cef-escape.js';
import { CEF_EXTENSION_LIMITS, CEF_HEADER_LIMITS } from './cef-field-limits.js';
import { formatCefTimestamp, type CefTimeFormat } from './cef-timestamp.js';
import { formatRejected, quote } from './format-rejected.js';
import { truncateCodePoints } from './truncate-code-points.js';

/** The metric counted once per cut field, labelled `{ key }` (an extension key, or a header field name). */
export const FORMAT_TRUNCATIONS_METRIC = 'format_truncations';

type HeaderField = keyof typeof CEF_HEADER_LIMITS;

/** What the encoder knows about one extension key, worked out once per key. */
interface KeyRule {
  /** Maximum length in code points (CEF dictionary); Infinity when the dictionary gives none. */
  readonly limit: number;
  /** A CEF timestamp key: numbers are epoch ms and are written in the configured time form. */
  readonly timestamp: boolean;
}

/** Distinct keys remembered; sources use a few dozen, the cap only guards against a source inventing keys. */
const MAX_REMEMBERED_KEYS = 1024;

/**
 * Encodes a `CefRecord` as the CEF line `CEF:0|Vendor|Product|Version|SignatureId|Name|Severity|k=v k=v …`
 * ("Implementing ArcSight CEF", FACTS §E.7), without any syslog header: escaping per `cef-escape.ts`, header and
 * dictionary lengths per `cef-field-limits.ts` (each cut counted in `format_truncations`), numbers of CEF
 * timestamp keys in the configured time form, extensions in record order (so `csNLabel` stays next to `csN`).
 *
 * Throws `FORMAT_REJECTED` for what CEF cannot carry: a severity outside the integers 0–10, an extension key
 * outside `[A-Za-z0-9_]`, a number that is not finite, a timestamp without a 4-digit year, a value of another type.
 */
export class CefRecordEncoder {
  readonly #timeFormat: CefTimeFormat;
  readonly #metrics: Metrics;
  readonly #keyRules = new Map<string, KeyRule>();

  constructor(timeFormat: CefTimeFormat, metrics: Metrics) {
    this.#timeFormat = timeFormat;
    this.#metrics = metrics;
  }

  encode(record: CefRecord): string {
    const severity: unknown = record.severity;
    if (typeof severity !== 'number' || !Number.isInteger(severity) || severity < 0 || severity > 10) {
      throw formatRejected(`CEF severity must be an integer from 0 to 10, got ${quote(severity)}.`);
    }
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
      line += (i === 0 ? '' : ' ') + key + '=' + this.#extensionValue(key, extension[1]);
    }
    return line;
  }

  #headerField(value: unknown, field: HeaderField): string {
    if (typeof value !== 'string') throw formatRejected(`The CEF header field ${field} is a ${typeof value}, not a string.`);
    const cut = truncateCodePoints(value, CEF_HEADER_LIMITS[field]);
    if (cut.length !== value.length) this.#metrics.increment(FORMAT_TRUNCATIONS_METRIC, { key: field });
    return escapeCefHeaderField(cut);
  }

  #extensionValue(key: string, value: unknown): string {
    const rule = this.#keyRules.get(key) ?? this.#learnKey(key);
    if (typeof value === 'string') {
      // Lengths count characters of the value itself, so the cut comes before escaping.
      const cut = value.length > rule.limit ? truncateCodePoints(value, rule.limit) : value;
      if (cut.length !== value.length) this.#metrics.increment(FORMAT_TRUNCATIONS_METRIC, { key });
      return escapeCefExtensionValue(cut);
    }
    if (typeof value === 'number') {
      if (rule.timestamp) {
        const text = formatCefTimestamp(value, this.#timeFormat);
        if (text === undefined) {
          throw formatRejected(`The CEF timestamp ${key} holds ${quote(value)}, which is not epoch ms with a 4-digit year.`);
        }
        return text;
      }
      if (!Number.isFinite(value)) throw formatRejected(`The CEF extension ${key} holds ${quote(value)}, not a finite number.`);
      return `${value}`;
    }
    throw formatRejected(`The CEF extension ${key} holds a ${typeof value}, not a string or a number.`);
  }

  #learnKey(key: unknown): KeyRule {
    if (typeof key !== 'string' || !isCefExtensionKey(key)) {
      throw formatRejected(`The CEF extension key ${quote(key)} is invalid: keys are ASCII letters, digits and _ only.`);
    }
    const rule: KeyRule = {
      limit: CEF_EXTENSION_LIMITS.get(key) ?? Number.POSITIVE_INFINITY,
      timestamp: CEF_TIMESTAMP_KEYS.has(key),
    };
    if (this.#keyRules.size < MAX_REMEMBERED_KEYS) this.#keyRules.set(key, rule);
    return rule;
  }
}
