import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, parseRetryAfter, RetryAfterBackoff } from './retry-after-backoff.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('parseRetryAfter', () => {
  it.each([
    ['7', 7_000],
    [' 0 ', 0],
    ['Sun, 01 Mar 2026 12:00:30 GMT', 30_000],
    ['Sunday, 01-Mar-26 12:00:30 GMT', 30_000],
    ['Sun, 01 Mar 2026 11:00:00 GMT', 0],
  ])('reads %j as %i ms', (header, ms) => {
    expect(parseRetryAfter(header, NOW)).toBe(ms);
  });

  it.each(['1.5', '-3', 'soon', '', 'Sun, not a date'])('ignores %j', (header) => {
    expect(parseRetryAfter(header, NOW)).toBeUndefined();
  });
});

describe('RetryAfterBackoff', () => {
  it('doubles from 1 s with equal jitter, capped at 60 s', () => {
    const low = new RetryAfterBackoff(DEFAULT_RETRY_POLICY, () => 0);
    const high = new RetryAfterBackoff(DEFAULT_RETRY_POLICY, () => 0.999_999);
    expect([0, 1, 2, 3, 6, 7].map((retry) => low.delayMs(retry, null, NOW))).toEqual([500, 1_000, 2_000, 4_000, 30_000, 30_000]);
    expect([0, 1, 2, 3, 6, 7].map((retry) => high.delayMs(retry, null, NOW))).toEqual([1_000, 2_000, 4_000, 8_000, 60_000, 60_000]);
  });

  it('prefers Retry-After, capped at 5 minutes, and falls back to back-off for a bad header', () => {
    const backoff = new RetryAfterBackoff(DEFAULT_RETRY_POLICY, () => 0);
    expect(backoff.delayMs(4, '7', NOW)).toBe(7_000);
    expect(backoff.delayMs(0, '3600', NOW)).toBe(300_000);
    expect(backoff.delayMs(2, 'later', NOW)).toBe(2_000);
  });
});
