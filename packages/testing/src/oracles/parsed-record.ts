/**
 * One message as a real syslog daemon parsed it. Header fields that the daemon reports as absent (RFC 5424
 * NILVALUE `-`, or not part of an RFC 3164 message) are `null`; everything else is the daemon's own text.
 */
export interface ParsedRecord {
  /** PRIVAL, facility × 8 + severity. */
  readonly pri: number;
  readonly facility: number;
  readonly severity: number;
  /**
   * The timestamp as the daemon rendered it back as RFC 3339 (rsyslog `date-rfc3339`, syslog-ng `ISODATE` with
   * 6 fraction digits). Both daemons substitute the time of receipt for a NILVALUE timestamp, and give an RFC 3164
   * timestamp a year they guess; the oracles run them with TZ=UTC.
   */
  readonly timestamp: string;
  readonly hostname: string | null;
  readonly appName: string | null;
  readonly procId: string | null;
  readonly msgId: string | null;
  /** SD-ID → PARAM-NAME → decoded PARAM-VALUE. A repeated PARAM-NAME keeps only one value (daemon-specific). */
  readonly structuredData: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** MSG as the daemon stored it (rsyslog keeps an RFC 5424 BOM and the space after an RFC 3164 tag; syslog-ng drops both). */
  readonly msg: string;
  /** Only from `RsyslogOracle` started with `parseCef: true`, and only when the message carries `CEF:<digits>|`. */
  readonly cef?: CefDecodeResult;
  /** The daemon's whole JSON record, for fields this type does not name (rsyslog `syslogtag`, syslog-ng `LEGACY_MSGHDR`, …). */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** A CEF line as liblognorm's `cef` field type decoded it: all escapes removed. */
export interface CefFields {
  /** The digits after `CEF:` (liblognorm 2.0.6 accepts only `0`). */
  readonly version: string;
  readonly vendor: string;
  readonly product: string;
  readonly deviceVersion: string;
  readonly signatureId: string;
  readonly name: string;
  readonly severity: string;
  readonly extensions: Readonly<Record<string, string>>;
}

/** liblognorm rejected the line; `input` is exactly what it was given (after the oracle's extension-space workaround). */
export interface CefDecodeError {
  readonly error: string;
  readonly input: string;
}

export type CefDecodeResult = CefFields | CefDecodeError;

export const isCefFields = (result: CefDecodeResult | undefined): result is CefFields =>
  result !== undefined && !('error' in result);
