import { describe, expect, it } from 'vitest';
import { InMemoryJournal } from '../in-memory-journal.js';
import type { Clock, Logger } from '../services.js';
import type { Source } from '../source.js';
import { SourceRunner } from './source-runner.js';

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => quiet };

/** Records each sleep and returns at once; aborts the run after `polls` polls. */
const recordingClock = () => {
  const sleeps: number[] = [];
  let now = 0;
  const clock: Clock = {
    now: () => now,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      sleeps.push(ms);
      now += ms;
      await Promise.resolve();
    },
  };
  return { clock, sleeps };
};

const countingSource = (pollIntervalMs: number, stopAfter: number, controller: AbortController): Source & { polls: number[] } => {
  const polls: number[] = [];
  return {
    polls,
    pollIntervalMs,
    async *read() {
      polls.push(polls.length);
      if (polls.length >= stopAfter) controller.abort(new Error('enough'));
      yield { events: [], checkpoint: { n: polls.length } };
    },
    close: async () => undefined,
  };
};

describe('SourceRunner schedule (issue #20)', () => {
  it('waits firstPollDelayMs before its first poll, then its interval', async () => {
    const controller = new AbortController();
    const { clock, sleeps } = recordingClock();
    const source = countingSource(30_000, 3, controller);
    await new SourceRunner('wb', source, new InMemoryJournal(), clock, quiet, () => undefined, { firstPollDelayMs: 12_345 }).run(controller.signal);
    expect(sleeps).toEqual([12_345, 30_000, 30_000]);
    expect(source.polls).toHaveLength(3);
  });

  it('varies each wait by at most the jitter share either way', async () => {
    const controller = new AbortController();
    const { clock, sleeps } = recordingClock();
    const values = [0, 0.999_999, 0.5, 0.25];
    let i = 0;
    const random = () => values[i++ % values.length] ?? 0;
    await new SourceRunner('wb', countingSource(10_000, 5, controller), new InMemoryJournal(), clock, quiet, () => undefined, { jitter: 0.05, random }).run(
      controller.signal,
    );
    expect(sleeps.slice(0, 4)).toEqual([9_500, 10_500, 10_000, 9_750]);
  });

  it('wakes up on the tickMs grid of the clock: first poll and every next one', async () => {
    const controller = new AbortController();
    const { clock, sleeps } = recordingClock();
    await new SourceRunner('wb', countingSource(10_100, 3, controller), new InMemoryJournal(), clock, quiet, () => undefined, { firstPollDelayMs: 12_345, tickMs: 500 }).run(
      controller.signal,
    );
    // 12,345 → 12,500; 12,500 + 10,100 → 23,000; 23,000 + 10,100 → 33,500.
    expect(sleeps).toEqual([12_500, 10_500, 10_500]);
  });

  it('polls at once and waits exactly its interval without a schedule (as before)', async () => {
    const controller = new AbortController();
    const { clock, sleeps } = recordingClock();
    await new SourceRunner('wb', countingSource(5_000, 3, controller), new InMemoryJournal(), clock, quiet, () => undefined).run(controller.signal);
    expect(sleeps).toEqual([5_000, 5_000]);
  });
});

describe('first polls of many runners (issue #20)', () => {
  it('spread evenly over the interval when each waits its share (the connector\'s plan), at most one tick late', async () => {
    const count = 1_000;
    const interval = 30_000;
    const step = Math.min(interval / count, 1_000);
    // Each runner on its own clock from 0: its first sleep is when its first poll comes, relative to the start.
    const firsts = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const controller = new AbortController();
        const { clock, sleeps } = recordingClock();
        const schedule = { firstPollDelayMs: Math.round(i * step), jitter: 0.05, tickMs: 500 };
        await new SourceRunner(`t${i}`, countingSource(interval, 1, controller), new InMemoryJournal(), clock, quiet, () => undefined, schedule).run(controller.signal);
        return schedule.firstPollDelayMs === 0 ? 0 : (sleeps[0] ?? Number.NaN);
      }),
    );
    const tenths = Array.from({ length: 11 }, (_, tenth) => firsts.filter((at) => Math.min(10, Math.floor((at / interval) * 10)) === tenth).length);
    // The jitter never moves a first poll; the 500 ms grid moves each up to one tick later than planned, which
    // takes ~17 of the first tenth and puts as many just past the interval: no tenth is crowded.
    firsts.forEach((at, i) => expect(at - Math.round(i * step)).toBeGreaterThanOrEqual(0));
    expect(Math.max(...firsts.map((at, i) => at - Math.round(i * step)))).toBeLessThan(500);
    expect(tenths).toEqual([84, 100, 100, 100, 100, 100, 100, 100, 100, 100, 16]);
  });
});
