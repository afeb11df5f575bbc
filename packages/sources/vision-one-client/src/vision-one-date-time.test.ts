import { describe, expect, it } from 'vitest';
import { toVisionOneDateTime } from './vision-one-date-time.js';

describe('toVisionOneDateTime', () => {
  it('writes whole UTC seconds, cut not rounded, the same whether a second was asked for just before or not', () => {
    const times = [1_772_366_399_999, 1_772_366_400_000, 1_772_366_399_000, 0, -1, 1_772_366_400_500, 1_772_366_399_999, 1_500, 1_999];
    for (const ms of [...times, ...times.toReversed()]) {
      expect(toVisionOneDateTime(ms)).toBe(new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z'));
    }
    expect(toVisionOneDateTime(1_772_366_399_999)).toBe('2026-03-01T11:59:59Z');
    expect(() => toVisionOneDateTime(Number.NaN)).toThrow(RangeError);
  });
});
