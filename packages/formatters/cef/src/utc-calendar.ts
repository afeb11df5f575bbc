/**
 * Calendar pieces shared by the CEF timestamp forms and the syslog header timestamps. Everything is UTC and
 * English, independent of the machine's time zone and locale.
 */

/** 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the times every form here writes with a 4-digit year. */
const FIRST_TIME = -62_167_219_200_000;
const LAST_TIME = 253_402_300_799_999;

/**
 * True for epoch milliseconds with a 4-digit year. RFC 3339 §5.6 (`date-fullyear = 4DIGIT`) and the CEF
 * `yyyy` pattern cannot write other years; NaN and ±Infinity are false too.
 */
export const hasFourDigitYear = (epochMs: number): boolean => epochMs >= FIRST_TIME && epochMs <= LAST_TIME;

/** English month abbreviations (RFC 3164 §4.1.2 `Mmm`; Java SimpleDateFormat `MMM` in an English locale). */
export const MONTH_ABBREVIATIONS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

export const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

export const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

export const pad4 = (n: number): string => (n < 10 ? `000${n}` : n < 100 ? `00${n}` : n < 1000 ? `0${n}` : `${n}`);

/**
 * RFC 3339 §5.6 in UTC with milliseconds, `2022-12-05T05:26:45.000Z`: what `Date.prototype.toISOString` writes
 * for a 4-digit year, built from the UTC getters because that is about twice as fast on the hot path.
 * Only for times where `hasFourDigitYear` holds.
 */
export const rfc3339Utc = (date: Date): string =>
  `${pad4(date.getUTCFullYear())}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}T` +
  `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}.` +
  `${pad3(date.getUTCMilliseconds())}Z`;
