import { cefTimestampFromIso, type CefTimeForm, type CefTimestamp } from '@syslog-connector/core';
import { describe, expect, it } from 'vitest';
import { formatCefTimestamp } from './cef-timestamp.js';

// 2022-12-05T05:26:45.007Z
const T = 1_670_218_005_007;
const at = (epochMs: number, ticks = 0): CefTimestamp => ({ epochMs, ticks, form: 'cef-date' });

describe('formatCefTimestamp', () => {
  it("writes cef-date-seconds as Trend's table shows rt for 900001 / 900002: Dec 05 2022 05:26:45", () => {
    expect(formatCefTimestamp(at(T), 'cef-date-seconds')).toBe('Dec 05 2022 05:26:45');
  });

  it('writes cef-date as MMM dd yyyy HH:mm:ss.SSS UTC', () => {
    expect(formatCefTimestamp(at(T), 'cef-date')).toBe('Dec 05 2022 05:26:45.007 UTC');
  });

  it("writes iso8601-seconds as Trend's table shows rt for 900003 / 900004: 2024-09-23T17:18:42Z", () => {
    expect(formatCefTimestamp(at(Date.parse('2024-09-23T17:18:42.999Z')), 'iso8601-seconds')).toBe('2024-09-23T17:18:42Z');
  });

  it('writes iso8601 in UTC with milliseconds', () => {
    expect(formatCefTimestamp(at(T), 'iso8601')).toBe('2022-12-05T05:26:45.007Z');
  });

  it("writes iso8601-ticks as MDI's start, .NET's round-trip form with 7 fraction digits", () => {
    expect(formatCefTimestamp(at(Date.parse('2018-02-21T14:19:41.742Z'), 2810), 'iso8601-ticks')).toBe('2018-02-21T14:19:41.7422810Z');
    expect(formatCefTimestamp(at(Date.parse('2018-02-21T14:19:41Z')), 'iso8601-ticks')).toBe('2018-02-21T14:19:41.0000000Z');
  });

  it('writes epoch-ms as the integer milliseconds', () => {
    expect(formatCefTimestamp(at(T), 'epoch-ms')).toBe('1670218005007');
  });

  it('zero-pads every field, including a year below 1000', () => {
    const time = at(Date.parse('0999-01-02T03:04:05.060Z'), 7);
    expect(formatCefTimestamp(time, 'cef-date')).toBe('Jan 02 0999 03:04:05.060 UTC');
    expect(formatCefTimestamp(time, 'cef-date-seconds')).toBe('Jan 02 0999 03:04:05');
    expect(formatCefTimestamp(time, 'iso8601-ticks')).toBe('0999-01-02T03:04:05.0600007Z');
  });

  it('writes times before 1970', () => {
    expect(formatCefTimestamp(at(-1), 'cef-date')).toBe('Dec 31 1969 23:59:59.999 UTC');
    expect(formatCefTimestamp(at(-1, 9999), 'iso8601-ticks')).toBe('1969-12-31T23:59:59.9999999Z');
    expect(formatCefTimestamp(at(-1), 'epoch-ms')).toBe('-1');
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, 253_402_300_800_000, -62_167_219_200_001, 0.5])(
    'gives undefined for %d, which is not integer ms with a 4-digit year',
    (ms) => {
      for (const form of ['cef-date', 'epoch-ms', 'iso8601', 'iso8601-ticks'] as const) expect(formatCefTimestamp(at(ms), form)).toBeUndefined();
    },
  );

  it.each([-1, 10_000, 0.5, Number.NaN])('gives undefined for %d ticks, outside the integers 0–9999', (ticks) => {
    expect(formatCefTimestamp(at(T, ticks), 'iso8601-ticks')).toBeUndefined();
  });

  it('gives undefined for a form it does not know', () => {
    expect(formatCefTimestamp(at(T), 'yyyy' as CefTimeForm)).toBeUndefined();
  });

  it('accepts the first and last millisecond of years 0000 and 9999', () => {
    expect(formatCefTimestamp(at(-62_167_219_200_000), 'iso8601')).toBe('0000-01-01T00:00:00.000Z');
    expect(formatCefTimestamp(at(253_402_300_799_999), 'cef-date')).toBe('Dec 31 9999 23:59:59.999 UTC');
  });

  it('writes each time of a run that crosses minutes and days as Date does, in every form', () => {
    // The calendar keeps the last minute's labels: this walks through them forwards, backwards and across days.
    const start = Date.parse('2022-12-31T23:58:58.998Z');
    const times = [0, 1, 2, 1_001, 61_002, 1_002, 65_000, 86_400_000, 3, 120_000].map((offset) => start + offset);
    for (const time of times) {
      const iso = new Date(time).toISOString();
      expect(formatCefTimestamp(at(time), 'iso8601')).toBe(iso);
      expect(formatCefTimestamp(at(time), 'iso8601-seconds')).toBe(`${iso.slice(0, 19)}Z`);
      expect(formatCefTimestamp(at(time, 42), 'iso8601-ticks')).toBe(`${iso.slice(0, 23)}0042Z`);
      expect(formatCefTimestamp(at(time), 'cef-date')?.slice(12)).toBe(`${iso.slice(11, 23)} UTC`);
      expect(formatCefTimestamp(at(time), 'cef-date-seconds')?.slice(12)).toBe(iso.slice(11, 19));
    }
  });
});

describe('cefTimestampFromIso (core) read back by formatCefTimestamp', () => {
  it.each([
    ['2018-02-21T14:19:41.7422810Z', '2018-02-21T14:19:41.7422810Z'],
    ['2024-01-05T10:00:00.24Z', '2024-01-05T10:00:00.2400000Z'],
    ['2024-01-05T10:00:00.64Z', '2024-01-05T10:00:00.6400000Z'],
    ['2024-01-05T10:00:00.1404016Z', '2024-01-05T10:00:00.1404016Z'],
    ['2024-01-05T10:00:00Z', '2024-01-05T10:00:00.0000000Z'],
    ['2024-01-05T10:00:00.123456789Z', '2024-01-05T10:00:00.1234567Z'],
    ['2024-01-05T12:00:00.5+02:00', '2024-01-05T10:00:00.5000000Z'],
    ['2024-01-05T12:00:00.5+0200', '2024-01-05T10:00:00.5000000Z'],
    ['2022-07-16 04:30:04', '2022-07-16T04:30:04.0000000Z'],
  ])('keeps every digit Graph or Vision One gives: %s → %s', (text, expected) => {
    const time = cefTimestampFromIso(text, 'iso8601-ticks');
    expect(time).toBeDefined();
    expect(formatCefTimestamp(time as CefTimestamp, 'iso8601-ticks')).toBe(expected);
  });

  it.each(['', 'yesterday', '2024-13-01T00:00:00Z', '2024-01-05T10:00:00.Z', '1670218005000'])('gives undefined for %j', (text) => {
    expect(cefTimestampFromIso(text, 'iso8601')).toBeUndefined();
  });
});
