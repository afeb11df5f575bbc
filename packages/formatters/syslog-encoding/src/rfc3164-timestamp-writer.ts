import { rfc3164Timestamp } from './syslog-header-fields.js';
import { hasFourDigitYear } from './utc-calendar.js';

const QUARTER_HOUR = 900_000;
/** Quarter hours remembered with their offset, per zone; a few days' worth of events, then the cache starts over. */
const MAX_CACHED_QUARTERS = 4096;

/**
 * The UTC offsets of one time zone, looked up through `Intl` once per quarter hour and remembered. A quarter hour
 * whose two ends have different offsets holds a transition (DST, or a historical change at any second) and is
 * never cached: each of its instants asks `Intl` for its own offset. One per zone for the whole process: building
 * an `Intl.DateTimeFormat` costs far more than using it.
 */
class ZoneOffsets {
  readonly #parts: Intl.DateTimeFormat;
  readonly #offsets = new Map<number, number>();
  /** The quarter hour asked for last and its offset: consecutive events mostly fall in the same one. */
  #lastQuarter = Number.NaN;
  #lastOffset = 0;

  constructor(timeZone: string) {
    this.#parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Local wall-clock time minus UTC at `epochMs`, in ms. */
  at(epochMs: number): number {
    const quarter = Math.floor(epochMs / QUARTER_HOUR);
    if (quarter === this.#lastQuarter) return this.#lastOffset;
    const cached = this.#offsets.get(quarter);
    if (cached !== undefined) {
      this.#lastQuarter = quarter;
      this.#lastOffset = cached;
      return cached;
    }
    const start = quarter * QUARTER_HOUR;
    const first = this.#lookUp(start);
    if (first !== this.#lookUp(start + QUARTER_HOUR - 1)) return this.#lookUp(epochMs);
    if (this.#offsets.size >= MAX_CACHED_QUARTERS) this.#offsets.clear();
    this.#offsets.set(quarter, first);
    return first;
  }

  /** The offset at `epochMs` from Intl's calendar fields for that instant. */
  #lookUp(epochMs: number): number {
    const parts = this.#parts.formatToParts(epochMs);
    const field = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((part) => part.type === type)?.value);
    const era = parts.find((part) => part.type === 'era')?.value;
    const year = era === 'BC' ? 1 - field('year') : field('year');
    const wall = new Date(0);
    // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
    wall.setUTCFullYear(year, field('month') - 1, field('day'));
    wall.setUTCHours(field('hour'), field('minute'), field('second'), 0);
    return wall.getTime() - (epochMs - (((epochMs % 1000) + 1000) % 1000));
  }
}

const zones = new Map<string, ZoneOffsets>();

/** True when `timeZone` is a time zone Intl knows (an IANA name such as `Europe/Berlin`, or `UTC`). */
export const isKnownTimeZone = (timeZone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
};

/**
 * Writes RFC 3164 §4.1.2 TIMESTAMPs (`Mmm dd hh:mm:ss`, the day padded with a space) in a configured time zone.
 * RFC 3164 means the sender's local time; which zone that is, is the operator's choice (`UTC` by default, so the
 * header agrees with CEF `rt` everywhere). The header has no zone, so a receiver must be told out of band.
 */
export class Rfc3164TimestampWriter {
  readonly timeZone: string;
  readonly #offsets: ZoneOffsets | undefined;

  /** Throws a RangeError for a time zone Intl does not know; check it first with `isKnownTimeZone`. */
  constructor(timeZone: string) {
    this.timeZone = timeZone;
    if (timeZone === 'UTC') return;
    let offsets = zones.get(timeZone);
    if (offsets === undefined) {
      offsets = new ZoneOffsets(timeZone);
      zones.set(timeZone, offsets);
    }
    this.#offsets = offsets;
  }

  /**
   * The timestamp of `epochMs` in the writer's zone; `undefined` when the local time has no 4-digit year (or the
   * time is not a number).
   */
  format(epochMs: number): string | undefined {
    if (this.#offsets === undefined || !hasFourDigitYear(epochMs)) return rfc3164Timestamp(epochMs);
    return rfc3164Timestamp(epochMs + this.#offsets.at(epochMs));
  }
}
