/**
 * The event model (DESIGN §3): what a source produces and every formatter consumes. Sources own the mapping of
 * their vendor data to `record`; formatters never know about vendors.
 */

/** A CEF severity, 0 (lowest) to 10 (highest). */
export type Severity = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

/**
 * One CEF extension field: a CEF dictionary key (`rt`, `externalId`, `cs1Label`, …) or a vendor-custom key
 * (`TrendMicroV1CompanyID`), and its value. Timestamp keys of the CEF dictionary (`rt`, `start`, `end`, …) carry
 * epoch milliseconds as a number, so each formatter renders them in the form it is configured for.
 */
export type CefExtension = readonly [key: string, value: string | number];

/** The SIEM-neutral mapping of one event: the CEF header fields and the ordered extension fields. */
export interface CefRecord {
  readonly vendor: string;
  readonly product: string;
  readonly version: string;
  readonly signatureId: string;
  readonly name: string;
  readonly severity: Severity;
  readonly extensions: readonly CefExtension[];
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
  /** When the event happened, epoch milliseconds. */
  readonly time: number;
  /** The vendor's JSON, untouched. */
  readonly raw: JsonValue;
  readonly record: CefRecord;
}

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
