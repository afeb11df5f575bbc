import { describe, expect, it } from 'vitest';
import { ReconnectBackoff } from './reconnect-backoff.js';

describe('ReconnectBackoff', () => {
  it('doubles from the initial delay up to the maximum, half fixed and half random', () => {
    const lowest = new ReconnectBackoff(500, 30_000, () => 0);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(() => lowest.failed(0))).toEqual([250, 500, 1_000, 2_000, 4_000, 8_000, 15_000, 15_000]);
    const highest = new ReconnectBackoff(500, 30_000, () => 0.999_999);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(() => highest.failed(0))).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
  });

  it('tells how long to wait from the time of the failure, and starts over after a success', () => {
    const backoff = new ReconnectBackoff(1_000, 8_000, () => 0.5);
    expect(backoff.delayAt(0)).toBe(0);
    expect(backoff.failed(10_000)).toBe(750);
    expect(backoff.delayAt(10_000)).toBe(750);
    expect(backoff.delayAt(10_700)).toBe(50);
    expect(backoff.delayAt(11_000)).toBe(0);
    expect(backoff.failed(20_000)).toBe(1_500);
    expect(backoff.failures).toBe(2);
    backoff.succeeded();
    expect(backoff.failures).toBe(0);
    expect(backoff.delayAt(20_000)).toBe(0);
    expect(backoff.failed(30_000)).toBe(750);
  });

  it('stays finite after very many failures', () => {
    const backoff = new ReconnectBackoff(500, 30_000, () => 1);
    for (let i = 0; i < 2_000; i++) backoff.failed(0);
    expect(backoff.failed(0)).toBe(30_000);
  });
});
