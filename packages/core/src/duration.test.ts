import { describe, expect, it } from 'vitest';
import { duration, parseDuration, since } from './duration.js';

describe('parseDuration', () => {
  it('reads each unit', () => {
    expect([parseDuration('500ms'), parseDuration('60s'), parseDuration('5m'), parseDuration('24h'), parseDuration('7d')]).toEqual([
      500, 60_000, 300_000, 86_400_000, 604_800_000,
    ]);
  });
  it('rejects a number without a unit', () => {
    expect(parseDuration('60')).toBeUndefined();
  });
});

describe('duration()', () => {
  it('names the accepted form in its error', () => {
    const result = duration().safeParse('soon');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('"soon" is not a duration; write a number and a unit, e.g. 60s, 5m, 24h');
  });
});

describe('since()', () => {
  it('takes a duration back from the time of the first poll', () => {
    expect(since().parse('24h').at(100_000_000)).toBe(100_000_000 - 86_400_000);
  });
  it('takes an ISO time as it is', () => {
    expect(since().parse('2026-01-31T00:00:00Z').at(0)).toBe(Date.UTC(2026, 0, 31));
  });
  it('rejects anything else', () => {
    expect(since().safeParse('yesterday').success).toBe(false);
  });
});
