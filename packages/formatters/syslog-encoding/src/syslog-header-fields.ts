import { isIP } from 'node:net';
import { FACILITIES, syslogSeverityOf, z, type CefRecord, type FacilityName } from '@syslog-connector/core';
import { formatRejected, quoteForError } from './format-rejected.js';
import { bsdTimestampUtc, hasFourDigitYear, rfc3339MicrosecondUtc, rfc3339Utc } from './utc-calendar.js';

/**
 * The fields of a syslog header (FACTS §E.1 RFC 5424, §E.2 RFC 3164). Header fields are tokens separated by
 * single spaces, so each one is made of PRINTUSASCII (%d33–126) only.
 */

/** RFC 5424 §6.2 NILVALUE: an empty or unknown header field. */
export const NILVALUE = '-';

const PRINTUSASCII_TOKEN = /^[\x21-\x7e]*$/;

/** RFC 5424 §6.2.5 APP-NAME: 1–48 PRINTUSASCII. */
export const APP_NAME_PATTERN = /^[\x21-\x7e]{1,48}$/;

/** RFC 5424 §6.2.6 PROCID: 1–128 PRINTUSASCII. */
export const PROCID_PATTERN = /^[\x21-\x7e]{1,128}$/;

/** The `appName` option shared by the formatters that write an RFC 5424 header; `syslog-connector` by default. */
export const appNameOption = () =>
  z
    .string()
    .regex(APP_NAME_PATTERN, 'APP-NAME is 1–48 printable ASCII characters without spaces (RFC 5424 §6.2.5)')
    .default('syslog-connector')
    .describe('RFC 5424 APP-NAME: 1–48 printable ASCII characters, no spaces.');

/** `<0>` … `<191>`: every PRI (RFC 5424 §6.2.1: facility × 8 + severity, facilities 0–23). */
const PRIORITY_TEXT: readonly string[] = Array.from({ length: 24 * 8 }, (_, pri) => `<${pri}>`);

/**
 * The PRI of an event (RFC 5424 §6.2.1): facility × 8 + severity, where
 * - the facility is the destination's `facility` option when set (an override), else the one the event's vendor
 *   sends (`record.syslog.facility`, MDI's `auth`), else `user`;
 * - the severity is the one the vendor gives the event (`record.syslog.severity`), else core's one table from the
 *   CEF severity (`syslogSeverityOf`).
 * Call it with a record whose CEF severity was checked to be an integer 0–10. A vendor facility or severity that is
 * not one of RFC 5424's is rejected with `FORMAT_REJECTED`, never guessed.
 */
export const syslogPriority = (record: CefRecord, facilityOverride: FacilityName | undefined): string => {
  const profile = record.syslog;
  let facility = 1;
  let severity: number;
  if (profile === undefined) {
    if (facilityOverride !== undefined) facility = FACILITIES[facilityOverride];
    severity = syslogSeverityOf(record.severity);
  } else {
    const name = facilityOverride ?? profile.facility ?? 'user';
    if (!Object.hasOwn(FACILITIES, name)) throw formatRejected(`The syslog facility ${quoteForError(name)} of the event is not one of RFC 5424's.`);
    facility = FACILITIES[name];
    const given: unknown = profile.severity;
    if (given === undefined) severity = syslogSeverityOf(record.severity);
    else if (typeof given === 'number' && Number.isInteger(given) && given >= 0 && given <= 7) severity = given;
    else throw formatRejected(`The syslog severity ${quoteForError(given)} of the event is not an integer from 0 to 7.`);
  }
  return PRIORITY_TEXT[facility * 8 + severity] as string;
};

/**
 * `text` with every code point outside PRINTUSASCII (%d33–126: spaces, controls, non-ASCII) replaced by `_`,
 * cut to `max` characters. RFC 5424 §6 makes HOSTNAME, APP-NAME, PROCID and MSGID PRINTUSASCII; RFC 3164 §4.1.2
 * ends the HOSTNAME at the first space.
 */
export const toPrintUsAscii = (text: string, max: number): string => {
  if (text.length <= max && PRINTUSASCII_TOKEN.test(text)) return text;
  let out = '';
  let length = 0;
  for (const char of text) {
    if (length >= max) break;
    const code = char.charCodeAt(0);
    out += code >= 33 && code <= 126 ? char : '_';
    length += 1;
  }
  return out;
};

/**
 * RFC 3164 §4.1.2: the HOSTNAME is a host name without its domain, or an IP address. An IP address is kept
 * whole (cutting at the first dot would leave one IPv4 octet). Empty (e.g. instance `.x`) → `-`.
 */
export const rfc3164Hostname = (instance: string): string => {
  const dot = instance.indexOf('.');
  const host = dot === -1 || isIP(instance) !== 0 ? instance : instance.slice(0, dot);
  const token = toPrintUsAscii(host, 255);
  return token === '' ? NILVALUE : token;
};

/** RFC 5424 §6.2.4: HOSTNAME is 1–255 PRINTUSASCII, the FQDN preferred (so the domain is kept); empty → `-`. */
export const rfc5424Hostname = (instance: string): string => {
  const token = toPrintUsAscii(instance, 255);
  return token === '' ? NILVALUE : token;
};

let lastSignatureId: string | undefined;
let lastMessageId = NILVALUE;

/**
 * RFC 5424 §6.2.7: MSGID is 1–32 PRINTUSASCII; here the CEF signature id, cut to 32; empty → `-`. The last one is
 * remembered: a source's events share a few signature ids, often many in a row.
 */
export const rfc5424MessageId = (signatureId: string): string => {
  if (signatureId === lastSignatureId) return lastMessageId;
  const token = toPrintUsAscii(signatureId, 32);
  lastMessageId = token === '' ? NILVALUE : token;
  lastSignatureId = signatureId;
  return lastMessageId;
};

/**
 * RFC 3164 §4.1.2 TIMESTAMP `Mmm dd hh:mm:ss`: English month, day padded with a space (`Oct  1`), no year, no
 * zone. Written in UTC rather than the RFC's local time, so the same event formats the same everywhere and the
 * CEF `rt` and the header agree. `undefined` for a time without a 4-digit year or not a number.
 */
export const rfc3164Timestamp = (epochMs: number): string | undefined =>
  hasFourDigitYear(epochMs) ? bsdTimestampUtc(epochMs) : undefined;

/**
 * RFC 5424 §6.2.3 TIMESTAMP: RFC 3339 in UTC with millisecond precision (`2022-12-05T05:26:45.000Z`, upper-case
 * `T` and `Z`); NILVALUE when the time has no 4-digit year or is not a number (§6.2.3: "-" when no time is known).
 */
export const rfc5424Timestamp = (epochMs: number): string =>
  hasFourDigitYear(epochMs) ? rfc3339Utc(epochMs) : NILVALUE;

/**
 * RFC 5424 §6.2.3 TIMESTAMP with 6 fraction digits and a `+00:00` offset, `2018-02-21T14:19:27.540000+00:00`: the
 * form Microsoft Defender for Identity writes (FACTS §C.5). Event times are whole milliseconds, so the last three
 * digits are 0. NILVALUE when the time has no 4-digit year or is not a number.
 */
export const rfc5424MicrosecondTimestamp = (epochMs: number): string =>
  hasFourDigitYear(epochMs) ? rfc3339MicrosecondUtc(epochMs) : NILVALUE;
