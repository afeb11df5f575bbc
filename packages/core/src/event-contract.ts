import { CEF_TIME_FORMS, CEF_TIMESTAMP_KEYS, type SecurityEvent } from './security-event.js';
import { jsonValueProblem } from './json-value.js';
import { FACILITIES } from './syslog-priority.js';

/** The latest instant a syslog TIMESTAMP (RFC 5424 §6.2.3, four-digit year) can write: 9999-12-31T23:59:59.999Z. */
export const MAX_EVENT_TIME = 253_402_300_799_999;

/**
 * True for an extension key as CEF writes it: letters, digits and `_` (CEF keys and vendor-custom keys alike), the
 * same as `/^[A-Za-z0-9_]+$/`. A loop over the character codes: checked for every extension of every event, where
 * the regex cost more than the rest of the check of the pair.
 */
const isExtensionKey = (key: string): boolean => {
  if (key.length === 0) return false;
  for (let i = 0; i < key.length; i += 1) {
    const c = key.charCodeAt(i);
    // 0-9, A-Z, _, a-z
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || (c >= 0x61 && c <= 0x7a))) return false;
  }
  return true;
};
const TIME_FORMS: ReadonlySet<string> = new Set(CEF_TIME_FORMS);
const RFC5424_PROFILES: ReadonlySet<string> = new Set(['mdi']);
const HEADER_FIELDS = ['vendor', 'product', 'version', 'signatureId', 'name'] as const;

const isEpochMs = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_EVENT_TIME;

/** True when an extension before `index` has `key` (a few dozen extensions at most: cheaper than a Set). */
const repeatsKey = (extensions: readonly unknown[], index: number, key: string): boolean => {
  for (let j = 0; j < index; j += 1) if ((extensions[j] as readonly unknown[])[0] === key) return true;
  return false;
};

const timestampProblem = (value: unknown): string | undefined => {
  if (typeof value !== 'object' || value === null) return 'is not a CefTimestamp';
  const t = value as Record<string, unknown>;
  if (!isEpochMs(t.epochMs)) return `has epochMs ${String(t.epochMs)}, not an integer from 0 to ${MAX_EVENT_TIME} (epoch ms)`;
  if (!Number.isInteger(t.ticks) || (t.ticks as number) < 0 || (t.ticks as number) > 9_999) return `has ticks ${String(t.ticks)}, not an integer 0–9999`;
  if (typeof t.form !== 'string' || !TIME_FORMS.has(t.form)) return `has form ${JSON.stringify(t.form)}, not one of ${CEF_TIME_FORMS.join(', ')}`;
  return undefined;
};

/**
 * Why `event` is not a `SecurityEvent` as its type says (DESIGN §3), or undefined when it is one. This is the
 * contract every formatter may rely on without checking: `time` and every `CefTimestamp.epochMs` integer epoch
 * milliseconds within four-digit years; `severity` an integer 0–10; the five header fields strings; extension keys
 * of letters, digits and `_`, each once; a CEF time key (`rt`, `start`, …) holding a `CefTimestamp`; numbers finite; `raw` a
 * JSON value, and the rest of the event too (`jsonValueProblem`: no `Date`, `Map`, BigInt, function or NaN anywhere); a vendor syslog profile with a known facility and a severity 0–7. The host checks every event a source
 * yields before it is journaled: one that breaks the contract is dead-lettered at the source with this reason, and
 * no formatter ever sees it.
 */
export const securityEventProblem = (event: unknown): string | undefined => {
  if (typeof event !== 'object' || event === null) return 'the event is not an object';
  const e = event as Record<string, unknown>;
  for (const field of ['key', 'source', 'type'] as const) {
    if (typeof e[field] !== 'string' || e[field] === '') return `${field} is not a non-empty string`;
  }
  if (!isEpochMs(e.time)) return `time is ${String(e.time)}, not an integer from 0 to ${MAX_EVENT_TIME} (epoch ms)`;
  const raw = jsonValueProblem(e.raw, 'raw', true);
  if (raw !== undefined) return raw;
  if (typeof e.record !== 'object' || e.record === null) return 'record is not an object';
  const record = e.record as Record<string, unknown>;
  for (const field of HEADER_FIELDS) {
    if (typeof record[field] !== 'string') return `record.${field} is a ${typeof record[field]}, not a string`;
  }
  if (!Number.isInteger(record.severity) || (record.severity as number) < 0 || (record.severity as number) > 10) {
    return `record.severity is ${JSON.stringify(record.severity)}, not an integer 0–10`;
  }
  if (!Array.isArray(record.extensions)) return 'record.extensions is not an array';
  const extensions = record.extensions as unknown[];
  // Checked on every event a source yields: an indexed loop, and a Set for repeated keys only past a few dozen.
  const keys = extensions.length > 32 ? new Set<string>() : undefined;
  for (let i = 0; i < extensions.length; i += 1) {
    const extension = extensions[i];
    if (!Array.isArray(extension) || extension.length !== 2) return `record.extensions[${i}] is not a [key, value] pair`;
    const key: unknown = extension[0];
    const value: unknown = extension[1];
    if (typeof key !== 'string' || !isExtensionKey(key)) return `record.extensions[${i}] has the key ${JSON.stringify(key)}, not letters, digits and _`;
    if (keys === undefined ? repeatsKey(extensions, i, key) : keys.has(key)) return `record.extensions[${i}] repeats the key ${key}`;
    keys?.add(key);
    if (CEF_TIMESTAMP_KEYS.has(key) || (typeof value === 'object' && value !== null)) {
      const problem = timestampProblem(value);
      if (problem !== undefined) return `record.extensions[${i}] (${key}) ${problem}`;
      // Whatever else the time object carries (the record's JSON walk below leaves the checked fields out).
      if (jsonValueProblem(value, 'value') !== undefined) return jsonValueProblem(value, `record.extensions.${i}.1`);
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return `record.extensions[${i}] (${key}) is ${String(value)}, not a finite number`;
    } else if (typeof value !== 'string') {
      return `record.extensions[${i}] (${key}) is a ${value === null ? 'null' : typeof value}, not text, a number or a CefTimestamp`;
    }
  }
  if (record.syslog !== undefined) {
    if (typeof record.syslog !== 'object' || record.syslog === null) return 'record.syslog is not an object';
    const { facility, severity, rfc5424 } = record.syslog as Record<string, unknown>;
    if (facility !== undefined && !(typeof facility === 'string' && Object.hasOwn(FACILITIES, facility))) return `record.syslog.facility ${JSON.stringify(facility)} is not a syslog facility`;
    if (severity !== undefined && !(Number.isInteger(severity) && (severity as number) >= 0 && (severity as number) <= 7)) return `record.syslog.severity ${JSON.stringify(severity)} is not an integer 0–7`;
    if (rfc5424 !== undefined && !(typeof rfc5424 === 'string' && RFC5424_PROFILES.has(rfc5424))) return `record.syslog.rfc5424 ${JSON.stringify(rfc5424)} is not a known profile`;
  }
  // Whatever else the event carries is stored too: it must read back from the journal as it was (any encoding).
  for (const field in e) {
    if (field === 'raw') continue;
    const problem = field === 'record' ? recordRestProblem(record) : jsonValueProblem(e[field], field);
    if (problem !== undefined) return problem;
  }
  return undefined;
};

/** The record's fields whose every value `securityEventProblem` has checked itself (a time's other fields too). */
const CHECKED_RECORD_FIELDS: ReadonlySet<string> = new Set([...HEADER_FIELDS, 'severity', 'extensions']);

/**
 * `jsonValueProblem` of a record whose header fields, severity and extensions were checked already: the same
 * answer as walking the whole record, without walking its extensions a second time.
 */
const recordRestProblem = (record: Record<string, unknown>): string | undefined => {
  const prototype = Object.getPrototypeOf(record) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return jsonValueProblem(record, 'record');
  for (const field in record) {
    if (CHECKED_RECORD_FIELDS.has(field) && Object.hasOwn(record, field)) continue;
    const value = record[field];
    // A field left undefined is left out, as JSON does (the walk is not strict here either).
    if (value === undefined) continue;
    // The path is written only for a problem: a valid record allocates nothing here.
    if (jsonValueProblem(value, 'record') !== undefined) return jsonValueProblem(value, `record.${field}`);
  }
  return undefined;
};

/** True for a value that keeps the whole `SecurityEvent` contract (see `securityEventProblem`). */
export const isSecurityEvent = (value: unknown): value is SecurityEvent => securityEventProblem(value) === undefined;
