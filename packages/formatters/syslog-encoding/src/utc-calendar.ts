/**
 * Calendar pieces shared by the CEF timestamp forms and the syslog header timestamps. Everything is UTC and
 * English, independent of the machine's time zone and locale.
 *
 * Hot path: events arrive in time order, many per day, so the labels of the last UTC day asked for are kept and
 * only the time of day is worked out per event, with integer arithmetic instead of a `Date` and its getters.
 */

/** 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the times every form here writes with a 4-digit year. */
const FIRST_TIME = -62_167_219_200_000;
const LAST_TIME = 253_402_300_799_999;
const DAY_MS = 86_400_000;

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

/** The date part of one UTC day in each form written here. */
interface DayLabels {
  /** RFC 3339 full-date, `2022-12-05`. */
  readonly iso: string;
  /** CEF `MMM dd yyyy`, `Dec 05 2022`. */
  readonly cef: string;
  /** RFC 3164 `Mmm dd` with the day padded by a space, `Dec  5`. */
  readonly bsd: string;
}

let lastDay = Number.NaN;
let lastLabels: DayLabels = { iso: '', cef: '', bsd: '' };

/** The labels of the UTC day of `t` (integer epoch ms with a 4-digit year), from the one-day cache. */
const dayLabels = (t: number): DayLabels => {
  const day = Math.floor(t / DAY_MS);
  if (day !== lastDay) {
    const date = new Date(day * DAY_MS);
    const year = pad4(date.getUTCFullYear());
    const month = date.getUTCMonth();
    const dayOfMonth = date.getUTCDate();
    const abbreviation = MONTH_ABBREVIATIONS[month] ?? 'Jan';
    lastLabels = {
      iso: `${year}-${pad2(month + 1)}-${pad2(dayOfMonth)}`,
      cef: `${abbreviation} ${pad2(dayOfMonth)} ${year}`,
      bsd: `${abbreviation} ${dayOfMonth < 10 ? ` ${dayOfMonth}` : `${dayOfMonth}`}`,
    };
    lastDay = day;
  }
  return lastLabels;
};

/** `hh:mm:ss.` + milliseconds is what the forms share; `ofDay` is ms since midnight, 0 to 86,399,999. */
const clock = (ofDay: number): string =>
  `${pad2(Math.floor(ofDay / 3_600_000))}:${pad2(Math.floor(ofDay / 60_000) % 60)}:${pad2(Math.floor(ofDay / 1000) % 60)}`;

/** Integer ms toward zero, as `Date` takes them (ECMA-262 TimeClip); -0 becomes 0. */
const whole = (epochMs: number): number => Math.trunc(epochMs) + 0;

const ofDay = (t: number): number => t - Math.floor(t / DAY_MS) * DAY_MS;

/**
 * RFC 3339 §5.6 in UTC with milliseconds, `2022-12-05T05:26:45.000Z`: what `Date.prototype.toISOString` writes
 * for a 4-digit year. Only for times where `hasFourDigitYear` holds.
 */
export const rfc3339Utc = (epochMs: number): string => {
  const t = whole(epochMs);
  const ms = ofDay(t);
  return `${dayLabels(t).iso}T${clock(ms)}.${pad3(ms % 1000)}Z`;
};

/** CEF `MMM dd yyyy HH:mm:ss.SSS` + ` UTC`, `Dec 05 2022 05:26:45.000 UTC`. Only where `hasFourDigitYear` holds. */
export const cefDateUtc = (epochMs: number): string => {
  const t = whole(epochMs);
  const ms = ofDay(t);
  return `${dayLabels(t).cef} ${clock(ms)}.${pad3(ms % 1000)} UTC`;
};

/** RFC 3164 §4.1.2 `Mmm dd hh:mm:ss` in UTC, `Dec  5 05:26:45`. Only where `hasFourDigitYear` holds. */
export const bsdTimestampUtc = (epochMs: number): string => {
  const t = whole(epochMs);
  return `${dayLabels(t).bsd} ${clock(ofDay(t))}`;
};
