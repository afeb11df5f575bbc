import { Buffer } from 'node:buffer';
import { FORMAT_TRUNCATIONS_METRIC, isCefTimestamp, type CefExtension, type CefRecord, type CefTimeForm, type Metrics, type Severity } from '@syslog-connector/core';
import { EXTENSION_REPLACEMENTS, escapeCefHeaderField, isCefExtensionKey } from './cef-escape.js';
import { replaceCharacters } from './character-replacements.js';
import { CEF_EXTENSION_LIMITS, CEF_HEADER_LIMITS } from './cef-field-limits.js';
import { formatCefTimestamp } from './cef-timestamp.js';
import { formatRejected, quoteForError } from './format-rejected.js';
import { truncateCodePoints } from './truncate-code-points.js';

/** The metric counted once per cut field, labelled `{ key }` (an extension key, or a header field name): core's. */
export { FORMAT_TRUNCATIONS_METRIC };

type HeaderField = keyof typeof CEF_HEADER_LIMITS;

/** The header fields between `CEF:0|` and the severity, in line order. */
const HEADER_FIELDS: readonly HeaderField[] = ['vendor', 'product', 'version', 'signatureId', 'name'];

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

/** The values a key held last, with their escaped text: a ring of a few slots, reused in place. */
const RECENT_VALUES_PER_KEY = 4;
/** Longer values are not remembered: they rarely repeat, and a ring slot must not keep a large string alive. */
const MAX_REMEMBERED_VALUE_LENGTH = 256;
/** Distinct keys remembered; sources use a few dozen, the cap only guards against a source inventing keys. */
const MAX_REMEMBERED_KEYS = 1024;
/** Positions in an extension list whose key is remembered (see `CefRecordEncoder.#ruleAt`). */
const MAX_REMEMBERED_POSITIONS = 64;
/** Headers (`CEF:0|…|Name|`) remembered whole. */
const RECENT_HEADERS = 4;
/** Distinct values remembered per header field: vendors, products and event classes repeat across events. */
const MAX_REMEMBERED_HEADER_VALUES = 256;

/** `7|`: the severity header field with its separator, for the severities 0–10. */
const SEVERITY_FIELDS: readonly string[] = Array.from({ length: 11 }, (_, severity) => `${severity}|`);

/**
 * Anything but printable ASCII without `=` and `\`: text without any needs no escaping and is as many UTF-8 bytes
 * as UTF-16 units. Most values are such text.
 */
const NOT_PLAIN_ASCII = /[^\x20-\x3c\x3e-\x5b\x5d-\x7e]/;
const NOT_ASCII = /[^\x00-\x7f]/;

/** UTF-8 bytes of well-formed `text` beyond one per UTF-16 unit (U+0080–U+07FF: +1, the rest of the BMP: +2, pairs: +2). */
const extraUtf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8') - text.length;

/** One remembered value of a key, as written. The slots are overwritten in place, so a miss allocates nothing. */
class RecentValue {
  value: string | undefined = undefined;
  /** `value.length`, compared first: a slot whose length differs is passed without reading its string. */
  length = -1;
  /** The value cut to the key's length and escaped. */
  text = '';
  /** ` key=text`: the whole pair, when it is not the first of the line. */
  pair = '';
  /** UTF-8 bytes of `text` beyond one per UTF-16 unit. */
  extraBytes = 0;
  /** Writing the value cut it: counted again each time it is written. */
  cut = false;
}

/** What the encoder knows about one extension key, worked out once per key. */
class KeyRule {
  readonly key: string;
  /** `key=`: what precedes the value of the first pair. */
  readonly firstSeparator: string;
  /** ` key=`: what precedes the value of every pair but the first. */
  readonly separator: string;
  /** Maximum length in code points (CEF dictionary); Infinity when the dictionary gives none. */
  readonly limit: number;
  /** The last string values of this key; a labels' value (`cs1Label`) or a host name repeats from event to event. */
  readonly recent: readonly RecentValue[] = Array.from({ length: RECENT_VALUES_PER_KEY }, () => new RecentValue());
  /** The slot the next value not found in `recent` goes to. */
  next = 0;

  constructor(key: string) {
    this.key = key;
    this.firstSeparator = `${key}=`;
    this.separator = ` ${key}=`;
    this.limit = CEF_EXTENSION_LIMITS.get(key) ?? Number.POSITIVE_INFINITY;
  }

  /** The slot remembering `value`, or undefined. */
  find(value: string): RecentValue | undefined {
    const recent = this.recent;
    for (let i = 0; i < RECENT_VALUES_PER_KEY; i++) {
      const slot = recent[i] as RecentValue;
      if (slot.length === value.length && slot.value === value) return slot;
    }
    return undefined;
  }
}

/**
 * The header up to and including the Name field, `CEF:0|Vendor|Product|Version|SignatureId|Name|`, as written for
 * the five field values it was made from.
 */
interface HeaderText {
  readonly vendor: string;
  readonly product: string;
  readonly version: string;
  readonly signatureId: string;
  readonly name: string;
  readonly text: string;
  /** The fields writing it cut, each counted again each time the header is used. */
  readonly cutFields: readonly HeaderField[];
  /** UTF-8 bytes beyond one per UTF-16 unit. */
  readonly extraBytes: number;
}

/** A header field value as written, and whether writing it cut it. */
interface HeaderFieldText {
  readonly text: string;
  readonly cut: boolean;
  readonly extraBytes: number;
}

/**
 * Encodes a `CefRecord` as the CEF line `CEF:0|Vendor|Product|Version|SignatureId|Name|Severity|k=v k=v …`
 * ("Implementing ArcSight CEF", FACTS §E.7), without any syslog header: escaping per `cef-escape.ts`, header and
 * dictionary lengths per `cef-field-limits.ts` (each cut counted in `format_truncations`), times
 * (`CefTimestamp`) in their vendor's form or the destination's override, numbers as written, extensions in record
 * order (so `csNLabel` stays next to `csN`).
 *
 * Hot path, measured by the formatters' benchmarks: events of one source repeat their header, their keys in the
 * same order, and many values from one event to the next (labels, categories, host names), so the encoder
 * remembers the last few headers, the key rule at each position, and the last few values of each key with their
 * escaped text. What it remembers is compared by value (`===`), bounded, and never depends on an event being seen
 * twice (at most 4 values of up to 256 characters per key). A value not remembered costs one regex search; the
 * line stays a rope (V8 cons string) for the transport to flatten once.
 *
 * Throws `FORMAT_REJECTED` for what CEF cannot carry: a severity outside the integers 0–10, an extension key
 * outside `[A-Za-z0-9_]`, a number that is not finite, a time without a 4-digit year, a value of another type.
 */
export class CefRecordEncoder {
  /** The destination's override of every time's form; undefined: each time in its vendor's form. */
  readonly #timeFormat: CefTimeForm | undefined;
  readonly #metrics: Metrics;
  readonly #keyRules = new Map<string, KeyRule>();
  /** The rule of the key last seen at each position of an extension list. */
  readonly #rulesByPosition: KeyRule[] = [];
  readonly #headerFields: Record<HeaderField, Map<string, HeaderFieldText>> = {
    vendor: new Map(),
    product: new Map(),
    version: new Map(),
    signatureId: new Map(),
    name: new Map(),
  };
  /** The headers written last: a source has a few event classes (signature id and name), interleaved. */
  readonly #recentHeaders: HeaderText[] = [];
  #nextHeader = 0;
  /** The slot of a value too long to remember: in no key's ring, so `find` never returns it. */
  readonly #longValue = new RecentValue();
  #utf8Length = 0;

  constructor(timeFormat: CefTimeForm | undefined, metrics: Metrics) {
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
    const header = this.#header(record);
    let line = header.text + (SEVERITY_FIELDS[severity] as string);
    let extraBytes = header.extraBytes;
    const extensions = record.extensions;
    const rules = this.#rulesByPosition;
    for (let i = 0; i < extensions.length; i++) {
      const extension = extensions[i] as CefExtension;
      const key = extension[0];
      let rule = rules[i];
      if (rule === undefined || rule.key !== key) rule = this.#ruleAt(i, key);
      const value = extension[1];
      if (typeof value === 'string') {
        const slot = rule.find(value) ?? this.#written(rule, value);
        if (slot.cut) this.#metrics.increment(FORMAT_TRUNCATIONS_METRIC, { key });
        extraBytes += slot.extraBytes;
        line += i === 0 ? rule.firstSeparator + slot.text : slot.pair;
      } else {
        line += (i === 0 ? rule.firstSeparator : rule.separator) + this.#otherValueText(rule, value);
      }
    }
    this.#utf8Length = line.length + extraBytes;
    return line;
  }

  /** `CEF:0|…|Name|` for `record`, from the recent headers when one has the same five fields. */
  #header(record: CefRecord): HeaderText {
    const recent = this.#recentHeaders;
    let header: HeaderText | undefined;
    for (let i = 0; i < recent.length; i++) {
      const known = recent[i] as HeaderText;
      if (
        known.signatureId === record.signatureId &&
        known.name === record.name &&
        known.vendor === record.vendor &&
        known.product === record.product &&
        known.version === record.version
      ) {
        header = known;
        break;
      }
    }
    if (header === undefined) {
      header = this.#newHeader(record);
      recent[this.#nextHeader] = header;
      this.#nextHeader = (this.#nextHeader + 1) % RECENT_HEADERS;
    }
    const cutFields = header.cutFields;
    for (let i = 0; i < cutFields.length; i++) this.#metrics.increment(FORMAT_TRUNCATIONS_METRIC, { key: cutFields[i] as HeaderField });
    return header;
  }

  #newHeader(record: CefRecord): HeaderText {
    const cutFields: HeaderField[] = [];
    let text = 'CEF:0|';
    let extraBytes = 0;
    for (const field of HEADER_FIELDS) {
      const value: unknown = record[field];
      if (typeof value !== 'string') throw formatRejected(`The CEF header field ${field} is a ${typeof value}, not a string.`);
      const known = this.#headerFields[field];
      let written = known.get(value);
      if (written === undefined) {
        const cut = truncateCodePoints(value, CEF_HEADER_LIMITS[field]);
        const escaped = escapeCefHeaderField(cut);
        written = { text: escaped, cut: cut.length !== value.length, extraBytes: NOT_PLAIN_ASCII.test(escaped) ? extraUtf8Bytes(escaped) : 0 };
        if (known.size < MAX_REMEMBERED_HEADER_VALUES) known.set(value, written);
      }
      if (written.cut) cutFields.push(field);
      text += `${written.text}|`;
      extraBytes += written.extraBytes;
    }
    const { vendor, product, version, signatureId, name } = record;
    return { vendor, product, version, signatureId, name, text, cutFields, extraBytes };
  }

  /**
   * A string value not found among the key's recent ones, written into the next slot of its ring (or, when too
   * long to keep, into a slot of its own that the next long value reuses).
   */
  #written(rule: KeyRule, value: string): RecentValue {
    // Lengths count characters of the value itself, so the cut comes before escaping.
    const cut = value.length > rule.limit ? truncateCodePoints(value, rule.limit) : value;
    let text = cut;
    let extraBytes = 0;
    // One regex search finds the first character that is not plain ASCII, if any (most values have none); the
    // escaping loop of `escapeCefExtensionValue` starts there. ASCII stays ASCII, so only other text is measured.
    const first = cut.search(NOT_PLAIN_ASCII);
    if (first !== -1) {
      text = replaceCharacters(cut, EXTENSION_REPLACEMENTS, first);
      if (NOT_ASCII.test(cut)) extraBytes = extraUtf8Bytes(text);
    }
    let slot = this.#longValue;
    if (value.length <= MAX_REMEMBERED_VALUE_LENGTH) {
      slot = rule.recent[rule.next] as RecentValue;
      rule.next = (rule.next + 1) % RECENT_VALUES_PER_KEY;
      slot.value = value;
      slot.length = value.length;
    }
    slot.text = text;
    slot.pair = rule.separator + text;
    slot.extraBytes = extraBytes;
    slot.cut = cut.length !== value.length;
    return slot;
  }

  /** A value that is not a string, as written. */
  #otherValueText(rule: KeyRule, value: unknown): string {
    const key = rule.key;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw formatRejected(`The CEF extension ${key} holds ${quoteForError(value)}, not a finite number.`);
      return `${value}`;
    }
    if (isCefTimestamp(value)) {
      const text = formatCefTimestamp(value, this.#timeFormat ?? value.form);
      if (text === undefined) {
        throw formatRejected(
          `The CEF time ${key} holds ${quoteForError(value.epochMs)} ms and ${quoteForError(value.ticks)} ticks in the form ` +
            `${quoteForError(value.form)}, not integer epoch ms with a 4-digit year, ticks 0–9999 and a known form.`,
        );
      }
      return text;
    }
    throw formatRejected(`The CEF extension ${key} holds a ${value === null ? 'null' : typeof value}, not a string, a number or a time.`);
  }

  /**
   * The rule of `key`, remembered as the rule at `position`: records of one source list the same keys in the same
   * order, so the next record usually finds its key there with one comparison instead of a map lookup.
   */
  #ruleAt(position: number, key: unknown): KeyRule {
    const rule = (typeof key === 'string' ? this.#keyRules.get(key) : undefined) ?? this.#learnKey(key);
    if (position < MAX_REMEMBERED_POSITIONS) this.#rulesByPosition[position] = rule;
    return rule;
  }

  #learnKey(key: unknown): KeyRule {
    if (typeof key !== 'string' || !isCefExtensionKey(key)) {
      throw formatRejected(`The CEF extension key ${quoteForError(key)} is invalid: keys are ASCII letters, digits and _ only.`);
    }
    const rule = new KeyRule(key);
    if (this.#keyRules.size < MAX_REMEMBERED_KEYS) this.#keyRules.set(key, rule);
    return rule;
  }
}
