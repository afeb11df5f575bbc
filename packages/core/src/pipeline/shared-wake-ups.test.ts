import { describe, expect, it } from 'vitest';
import type { Clock } from '../services.js';
import { SharedWakeUps } from './shared-wake-ups.js';

/** A clock whose sleeps wait until `advance` moves the time past their end; counts the sleeps still armed. */
const manualClock = () => {
  let now = 0;
  const sleeps = new Set<{ readonly until: number; readonly resolve: () => void }>();
  const clock: Clock = {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        const sleep = { until: now + ms, resolve };
        sleeps.add(sleep);
        signal?.addEventListener('abort', () => {
          sleeps.delete(sleep);
          reject(signal.reason as Error);
        });
      }),
  };
  const advance = async (to: number): Promise<void> => {
    now = to;
    for (const sleep of [...sleeps]) {
      if (sleep.until > now) continue;
      sleeps.delete(sleep);
      sleep.resolve();
    }
    // Let the woken waiters (and the re-armed timer) run.
    for (let i = 0; i < 5; i += 1) await Promise.resolve();
  };
  return { clock, sleeps, advance };
};

describe('SharedWakeUps (issue #20: one timer for many source runners)', () => {
  it('wakes each waiter at its due time with a single timer armed for the earliest', async () => {
    const { clock, sleeps, advance } = manualClock();
    const wakeUps = new SharedWakeUps(clock);
    const signal = new AbortController().signal;
    const woken: string[] = [];
    const wait = (name: string, due: number) => void wakeUps.until(due, signal).then(() => woken.push(name));
    wait('c', 1_500);
    wait('a', 500);
    wait('b', 500);
    wait('d', 1_000);
    expect(wakeUps.waiting).toBe(4);
    expect([...sleeps].map((s) => s.until)).toEqual([500]);
    await advance(499);
    expect(woken).toEqual([]);
    await advance(500);
    expect(woken).toEqual(['a', 'b']);
    expect([...sleeps].map((s) => s.until)).toEqual([1_000]);
    // Late: everything due by now wakes at once, in order.
    await advance(2_000);
    expect(woken).toEqual(['a', 'b', 'd', 'c']);
    expect(sleeps.size).toBe(0);
    expect(wakeUps.waiting).toBe(0);
  });

  it('re-arms for an earlier waiter, and rejects an aborted one at once without a timer left behind', async () => {
    const { clock, sleeps, advance } = manualClock();
    const wakeUps = new SharedWakeUps(clock);
    const stays = new AbortController();
    const leaves = new AbortController();
    const later = wakeUps.until(30_000, stays.signal);
    const sooner = wakeUps.until(10_000, leaves.signal);
    expect([...sleeps].map((s) => s.until)).toEqual([10_000]);
    leaves.abort(new Error('reloading'));
    await expect(sooner).rejects.toThrow('reloading');
    expect([...sleeps].map((s) => s.until)).toEqual([30_000]);
    stays.abort(new Error('stopping'));
    await expect(later).rejects.toThrow('stopping');
    expect(sleeps.size).toBe(0);
    expect(wakeUps.waiting).toBe(0);
    await advance(40_000);
    await expect(wakeUps.until(40_000, leaves.signal)).rejects.toThrow('reloading');
  });
});
