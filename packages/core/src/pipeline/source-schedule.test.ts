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
