import { isIP } from 'node:net';
import { MONTH_ABBREVIATIONS, hasFourDigitYear, pad2, rfc3339Utc } from './utc-calendar.js';

/**
 * The fields of the syslog header written before `CEF:0|` (FACTS §E.1 RFC 5424, §E.2 RFC 3164). Header fields
 * are tokens separated by single spaces, so each one is made of PRINTUSASCII (%d33–126) only.
 */

/** RFC 5424 §6.2 NILVALUE: an empty or unknown header field. */
export const NILVALUE = '-';

/**
 * `text` with every code point outside PRINTUSASCII (%d33–126: spaces, controls, non-ASCII) replaced by `_`,
 * cut to `max` characters. RFC 5424 §6 makes HOSTNAME, APP-NAME, PROCID and MSGID PRINTUSASCII; RFC 3164 §4.1.2
 * ends the HOSTNAME at the first space.
 */
export const toPrintUsAscii = (text: string, max: number): string => {
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

/** RFC 5424 §6.2.7: MSGID is 1–32 PRINTUSASCII; here the CEF signature id, cut to 32; empty → `-`. */
export const rfc5424MessageId = (signatureId: string): string => {
  const token = toPrintUsAscii(signatureId, 32);
  return token === '' ? NILVALUE : token;
};

/**
 * RFC 3164 §4.1.2 TIMESTAMP `Mmm dd hh:mm:ss`: English month, day padded with a space (`Oct  1`), no year, no
 * zone. Written in UTC rather than the RFC's local time, so the same event formats the same everywhere and the
 * CEF `rt` and the header agree. `undefined` for a time without a 4-digit year or not a number.
 */
export const rfc3164Timestamp = (epochMs: number): string | undefined => {
  if (!hasFourDigitYear(epochMs)) return undefined;
  const date = new Date(epochMs);
  const day = date.getUTCDate();
  return (
    `${MONTH_ABBREVIATIONS[date.getUTCMonth()] ?? 'Jan'} ${day < 10 ? ` ${day}` : `${day}`} ` +
    `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}`
  );
};

/**
 * RFC 5424 §6.2.3 TIMESTAMP: RFC 3339 in UTC with millisecond precision (`2022-12-05T05:26:45.000Z`, upper-case
 * `T` and `Z`); NILVALUE when the time has no 4-digit year or is not a number (§6.2.3: "-" when no time is known).
 */
export const rfc5424Timestamp = (epochMs: number): string =>
  hasFourDigitYear(epochMs) ? rfc3339Utc(new Date(epochMs)) : NILVALUE;
