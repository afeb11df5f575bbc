import { describe, expect, it } from 'vitest';
import { formatCefTimestamp } from './cef-timestamp.js';

// 2022-12-05T05:26:45.007Z
const T = 1_670_218_005_007;

describe('formatCefTimestamp', () => {
  it('writes cef-date as MMM dd yyyy HH:mm:ss.SSS UTC', () => {
    expect(formatCefTimestamp(T, 'cef-date')).toBe('Dec 05 2022 05:26:45.007 UTC');
  });

  it('zero-pads every cef-date field, including a year below 1000', () => {
    expect(formatCefTimestamp(Date.parse('0999-01-02T03:04:05.060Z'), 'cef-date')).toBe('Jan 02 0999 03:04:05.060 UTC');
  });

  it('writes epoch-ms as the integer milliseconds', () => {
    expect(formatCefTimestamp(T, 'epoch-ms')).toBe('1670218005007');
  });

  it('drops fractions of a millisecond toward zero, as Date does', () => {
    expect(formatCefTimestamp(T + 0.9, 'epoch-ms')).toBe('1670218005007');
    expect(formatCefTimestamp(T + 0.9, 'cef-date')).toBe('Dec 05 2022 05:26:45.007 UTC');
    expect(formatCefTimestamp(-0.5, 'epoch-ms')).toBe('0');
  });

  it('writes iso8601 in UTC with milliseconds', () => {
    expect(formatCefTimestamp(T, 'iso8601')).toBe('2022-12-05T05:26:45.007Z');
  });

  it('writes times before 1970', () => {
    expect(formatCefTimestamp(-1, 'cef-date')).toBe('Dec 31 1969 23:59:59.999 UTC');
    expect(formatCefTimestamp(-1, 'epoch-ms')).toBe('-1');
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, 253_402_300_800_000, -62_167_219_200_001])(
    'gives undefined for %d, which has no 4-digit year',
    (ms) => {
      expect(formatCefTimestamp(ms, 'cef-date')).toBeUndefined();
      expect(formatCefTimestamp(ms, 'epoch-ms')).toBeUndefined();
      expect(formatCefTimestamp(ms, 'iso8601')).toBeUndefined();
    },
  );

  it('accepts the first and last millisecond of years 0000 and 9999', () => {
    expect(formatCefTimestamp(-62_167_219_200_000, 'iso8601')).toBe('0000-01-01T00:00:00.000Z');
    expect(formatCefTimestamp(253_402_300_799_999, 'cef-date')).toBe('Dec 31 9999 23:59:59.999 UTC');
  });

  it('writes each time of a run that crosses minutes and days as Date does, in every form', () => {
    // The calendar keeps the last minute's labels: this walks through them forwards, backwards and across days.
    const start = Date.parse('2022-12-31T23:58:58.998Z');
    const times = [0, 1, 2, 1_001, 61_002, 1_002, 65_000, 86_400_000, 3, 120_000].map((offset) => start + offset);
    for (const time of times) {
      const iso = new Date(time).toISOString();
      expect(formatCefTimestamp(time, 'iso8601')).toBe(iso);
      expect(formatCefTimestamp(time, 'cef-date')?.slice(12)).toBe(`${iso.slice(11, 23)} UTC`);
    }
  });
});
