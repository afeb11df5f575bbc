/**
 * The event model (DESIGN §3): what a source produces and every formatter consumes. Sources own the mapping of
 * their vendor data to `record`, and with it the vendor's profile: how each time is written (`CefTimestamp.form`)
 * and which syslog PRI and envelope the vendor gives the event (`CefRecord.syslog`). Formatters never know about
 * vendors: they honour what the record declares, and a destination's options may override it.
 */
import type { FacilityName } from './syslog-priority.js';

/** A CEF severity, 0 (lowest) to 10 (highest). */
export type Severity = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

/** A syslog severity (RFC 5424 §6.2.1 table 2): 0 Emergency … 3 Error, 4 Warning, 5 Notice, 6 Informational, 7 Debug. */
export type SyslogSeverity = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

/**
 * How a vendor writes a time, always in UTC. Each form is one a vendor publishes or the CEF standard lists
 * ("Implementing ArcSight CEF", Appendix A; FACTS §A.4, §C.2, §E.7):
 *
 * | form | example | who |
 * |---|---|---|
 * | `cef-date-seconds` | `Dec 05 2022 05:26:45` | Trend 900001 / 900002 `rt` (`MMM dd yyyy HH:mm:ss`) |
 * | `cef-date` | `Dec 05 2022 05:26:45.000 UTC` | CEF Appendix A's most precise form with its zone |
 * | `iso8601-seconds` | `2024-09-23T17:18:42Z` | Trend 900003 / 900004 `rt` |
 * | `iso8601` | `2022-12-05T05:26:45.000Z` | RFC 3339 with milliseconds |
 * | `iso8601-ticks` | `2018-02-21T14:19:41.7422810Z` | MDI `start`: .NET's round-trip form, 7 fraction digits |
 * | `epoch-ms` | `1670218005000` | CEF Appendix A: milliseconds since the epoch |
 */
export const CEF_TIME_FORMS = ['cef-date-seconds', 'cef-date', 'iso8601-seconds', 'iso8601', 'iso8601-ticks', 'epoch-ms'] as const;
export type CefTimeForm = (typeof CEF_TIME_FORMS)[number];

/**
 * A time in a CEF extension (`rt`, `start`, `end`, …): the instant, to the 100 ns a vendor may give (Graph and
 * .NET keep 7 fraction digits), and the form its vendor writes it in. A destination's `timeFormat` option
 * overrides the form; nothing else changes it.
 */
export interface CefTimestamp {
  /** Milliseconds since the epoch, an integer (the instant rounded down to the millisecond). */
  readonly epochMs: number;
  /** 100-ns ticks past `epochMs`, an integer 0–9999; 0 when the vendor gives no finer time. */
  readonly ticks: number;
  readonly form: CefTimeForm;
}

/** A value of a CEF extension: text, a number (written as given), or a time. */
export type CefExtensionValue = string | number | CefTimestamp;

/**
 * One CEF extension field: a CEF dictionary key (`rt`, `externalId`, `cs1Label`, …) or a vendor-custom key
 * (`TrendMicroV1CompanyID`), and its value. A time is a `CefTimestamp` (a number stays a number, e.g. `cn1`).
 */
export type CefExtension = readonly [key: string, value: CefExtensionValue];

/**
 * What the vendor's own syslog says about the envelope of an event, where it documents it. Every field is
 * optional: what is absent is the destination's choice (its options, else the formatter's default); what is
 * present, a destination option still overrides.
 */
export interface SyslogProfile {
  /** The PRI's facility the vendor sends (MDI: `auth`). */
  readonly facility?: FacilityName;
  /** The PRI's severity the vendor gives this event (MDI: 4 Warning for CEF 5, 3 Error for CEF 10). */
  readonly severity?: SyslogSeverity;
  /**
   * The vendor's RFC 5424 form, for `format: rfc5424`: `mdi` is Microsoft Defender for Identity's (APP-NAME
   * `CEF`, PROCID, MSGID = signature id cut to 32, no STRUCTURED-DATA, a BOM, the CEF line without `CEF:`).
   */
  readonly rfc5424?: 'mdi';
}

/** The SIEM-neutral mapping of one event: the CEF header fields and the ordered extension fields. */
export interface CefRecord {
  readonly vendor: string;
  readonly product: string;
  readonly version: string;
  readonly signatureId: string;
  readonly name: string;
  readonly severity: Severity;
  readonly extensions: readonly CefExtension[];
  /** The vendor's syslog envelope for this event, where the vendor documents one. */
  readonly syslog?: SyslogProfile;
}

/** A JSON value, as the journal stores it. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export interface SecurityEvent {
  /** Stable and unique per source (vendor id + version): a second event with the same key is a duplicate. */
  readonly key: string;
  /** The source id from the config (`sources.<id>`). */
  readonly source: string;
  /** The data type, e.g. `workbench-alert`, `oat-detection`, `audit-log`. */
  readonly type: string;
  /** When the event happened, epoch milliseconds (the syslog header's TIMESTAMP). */
  readonly time: number;
  /** The vendor's JSON, untouched. */
  readonly raw: JsonValue;
  readonly record: CefRecord;
}

/** True for a `CefTimestamp` (the only object an extension value can be). */
export const isCefTimestamp = (value: unknown): value is CefTimestamp =>
  typeof value === 'object' && value !== null && typeof (value as CefTimestamp).epochMs === 'number';

// An ISO 8601 / RFC 3339 date-time: date, time, an optional fraction of any length, and Z or an offset.
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?([Zz]|[+-]\d{2}:?\d{2})?$/;

/**
 * A vendor's ISO 8601 time (`2018-02-21T14:19:41.7422810Z`, `…24Z`, `….64+01:00`) as a `CefTimestamp` in
 * `form`, keeping up to 7 fraction digits (beyond the 7th, rounded down); a time without a zone is UTC. Undefined
 * for text that is not such a time. Sources use it so that no digit the vendor gave is lost before the formatter.
 */
export const cefTimestampFromIso = (text: string, form: CefTimeForm): CefTimestamp | undefined => {
  const match = ISO_DATE_TIME.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '', zone = 'Z'] = match;
  // Date.parse takes `Z` or `±hh:mm`; `±hhmm` gets its colon.
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const wholeSeconds = Date.parse(`${year}-${month}-${day}T${hour}:${minute}:${second}${offset}`);
  if (Number.isNaN(wholeSeconds)) return undefined;
  const digits = `${fraction}0000000`.slice(0, 7);
  return { epochMs: wholeSeconds + Number(digits.slice(0, 3)), ticks: Number(digits.slice(3)), form };
};

/** Epoch milliseconds as a `CefTimestamp` in `form` (ticks 0), for times a vendor gives as numbers. */
export const cefTimestampFromEpochMs = (epochMs: number, form: CefTimeForm): CefTimestamp => ({
  epochMs: Math.floor(epochMs),
  ticks: 0,
  form,
});

/** CEF dictionary keys whose values are timestamps (CEF "Implementing ArcSight CEF", extension dictionary). */
export const CEF_TIMESTAMP_KEYS: ReadonlySet<string> = new Set([
  'rt',
  'start',
  'end',
  'art',
  'deviceCustomDate1',
  'deviceCustomDate2',
  'fileCreateTime',
  'fileModificationTime',
  'oldFileCreateTime',
  'oldFileModificationTime',
]);
