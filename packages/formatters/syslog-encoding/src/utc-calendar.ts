/**
 * Calendar pieces shared by the CEF timestamp forms and the syslog header timestamps. Everything is UTC and
 * English, independent of the machine's time zone and locale.
 *
 * Hot path: events arrive in time order, many per minute, so each form's text up to the seconds is kept for the
 * last UTC minute it was asked for; per event only the seconds and milliseconds are looked up in small tables, with
 * integer arithmetic instead of a `Date` and its getters.
 */

/** 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the times every form here writes with a 4-digit year. */
const FIRST_TIME = -62_167_219_200_000;
const LAST_TIME = 253_402_300_799_999;
const MINUTE_MS = 60_000;

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

/** Integer ms toward zero, as `Date` takes them (ECMA-262 TimeClip); -0 becomes 0. */
const whole = (epochMs: number): number => Math.trunc(epochMs) + 0;

/** The calendar fields of one UTC minute that the forms are made of. */
interface MinuteFields {
  /** 4 digits. */
  readonly year: string;
  /** 0–11. */
  readonly month: number;
  readonly dayOfMonth: number;
  /** `HH:mm:`. */
  readonly hhmm: string;
}

/**
 * A text that depends only on the UTC period (`unitMs` long: a minute, a second) a time falls in, kept for the
 * period asked for last. Each form keeps its own: a formatter may write two forms of different times per event (an
 * RFC 3164 header in a configured zone, a CEF `rt` in UTC), and one shared period would be worked out again twice
 * per event.
 */
class PeriodText {
  readonly #unitMs: number;
  readonly #write: (t: number) => string;
  #period = Number.NaN;
  #text = '';

  constructor(unitMs: number, write: (t: number) => string) {
    this.#unitMs = unitMs;
    this.#write = write;
  }

  /** The text of `t` (integer epoch ms with a 4-digit year). */
  of(t: number): string {
    const period = Math.floor(t / this.#unitMs);
    if (period !== this.#period) {
      this.#text = this.#write(t);
      this.#period = period;
    }
    return this.#text;
  }
}

/** One form's text up to its seconds, for the UTC minute asked for last. */
const minuteLabel = (write: (fields: MinuteFields) => string): PeriodText =>
  new PeriodText(MINUTE_MS, (t) => {
    const date = new Date(Math.floor(t / MINUTE_MS) * MINUTE_MS);
    return write({
      year: pad4(date.getUTCFullYear()),
      month: date.getUTCMonth(),
      dayOfMonth: date.getUTCDate(),
      hhmm: `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:`,
    });
  });

/**
 * One second-resolution form's whole text for the UTC second asked for last: the events of a burst share their
 * second, and the same string then goes out again (already flat once a transport has encoded it).
 */
const secondText = (write: (t: number) => string): PeriodText => new PeriodText(1_000, write);

const monthAbbreviation = (month: number): string => MONTH_ABBREVIATIONS[month] ?? 'Jan';

/** RFC 3339 full-date, `T`, hours and minutes: `2022-12-05T05:26:`. */
const isoMinute = minuteLabel(({ year, month, dayOfMonth, hhmm }) => `${year}-${pad2(month + 1)}-${pad2(dayOfMonth)}T${hhmm}`);
/** CEF `MMM dd yyyy HH:mm:`, `Dec 05 2022 05:26:`. */
const cefMinute = minuteLabel(({ year, month, dayOfMonth, hhmm }) => `${monthAbbreviation(month)} ${pad2(dayOfMonth)} ${year} ${hhmm}`);
/** RFC 3164 `Mmm dd hh:mm:`, the day padded by a space: `Dec  5 05:26:`. */
const bsdMinute = minuteLabel(
  ({ month, dayOfMonth, hhmm }) => `${monthAbbreviation(month)} ${dayOfMonth < 10 ? ` ${dayOfMonth}` : `${dayOfMonth}`} ${hhmm}`,
);

/** `00` … `59`: the seconds field. */
const SECONDS: readonly string[] = Array.from({ length: 60 }, (_, second) => pad2(second));

/**
 * `.SSS` + a suffix for each millisecond 0–999, filled as they are first needed: with the seconds from `SECONDS`,
 * a timestamp is its minute's label and two pieces, with no arithmetic on strings.
 */
const millisecondTable = (suffix: string) => {
  const table: string[] = [];
  return (ms: number): string => (table[ms] ??= `.${pad3(ms)}${suffix}`);
};
const isoFraction = millisecondTable('Z');
const isoMicrosecondFraction = millisecondTable('000+00:00');
const cefFraction = millisecondTable(' UTC');

/** Seconds and milliseconds since the start of the UTC minute of `t`. */
const ofMinute = (t: number): number => t - Math.floor(t / MINUTE_MS) * MINUTE_MS;

/**
 * RFC 3339 §5.6 in UTC with milliseconds, `2022-12-05T05:26:45.000Z`: what `Date.prototype.toISOString` writes
 * for a 4-digit year. Only for times where `hasFourDigitYear` holds.
 */
export const rfc3339Utc = (epochMs: number): string => {
  const t = whole(epochMs);
  const ms = ofMinute(t);
  return isoMinute.of(t) + (SECONDS[Math.floor(ms / 1000)] as string) + isoFraction(ms % 1000);
};

/**
 * RFC 3339 §5.6 in UTC with 6 fraction digits and a numeric offset, `2018-02-21T14:19:27.540000+00:00` (epoch
 * times are whole milliseconds, so the last three digits are 0). Only where `hasFourDigitYear` holds.
 */
export const rfc3339MicrosecondUtc = (epochMs: number): string => {
  const t = whole(epochMs);
  const ms = ofMinute(t);
  return isoMinute.of(t) + (SECONDS[Math.floor(ms / 1000)] as string) + isoMicrosecondFraction(ms % 1000);
};

/** CEF `MMM dd yyyy HH:mm:ss.SSS` + ` UTC`, `Dec 05 2022 05:26:45.000 UTC`. Only where `hasFourDigitYear` holds. */
export const cefDateUtc = (epochMs: number): string => {
  const t = whole(epochMs);
  const ms = ofMinute(t);
  return cefMinute.of(t) + (SECONDS[Math.floor(ms / 1000)] as string) + cefFraction(ms % 1000);
};

/** RFC 3164 §4.1.2 `Mmm dd hh:mm:ss` in UTC, `Dec  5 05:26:45`. Only where `hasFourDigitYear` holds. */
export const bsdTimestampUtc = (epochMs: number): string => bsdSecond.of(whole(epochMs));
const bsdSecond = secondText((t) => bsdMinute.of(t) + (SECONDS[Math.floor(ofMinute(t) / 1000)] as string));

/** CEF `MMM dd yyyy HH:mm:ss` in UTC, `Dec 05 2022 05:26:45` (Trend's form). Only where `hasFourDigitYear` holds. */
export const cefDateSecondsUtc = (epochMs: number): string => cefSecond.of(whole(epochMs));
const cefSecond = secondText((t) => cefMinute.of(t) + (SECONDS[Math.floor(ofMinute(t) / 1000)] as string));

/** RFC 3339 in UTC to the second, `2024-09-23T17:18:42Z` (Trend's audit form). Only where `hasFourDigitYear` holds. */
export const rfc3339SecondsUtc = (epochMs: number): string => isoSecond.of(whole(epochMs));
const isoSecond = secondText((t) => `${isoMinute.of(t)}${SECONDS[Math.floor(ofMinute(t) / 1000)] as string}Z`);

/**
 * RFC 3339 in UTC with 7 fraction digits, `2018-02-21T14:19:41.7422810Z`: .NET's round-trip form ("o"), which MDI
 * writes; `ticks` are the 100-ns units past `epochMs` (0–9999). Only where `hasFourDigitYear` holds.
 */
export const rfc3339TicksUtc = (epochMs: number, ticks: number): string => {
  const t = whole(epochMs);
  const ms = ofMinute(t);
  return `${isoMinute.of(t)}${SECONDS[Math.floor(ms / 1000)] as string}.${pad3(ms % 1000)}${pad4(ticks)}Z`;
};
