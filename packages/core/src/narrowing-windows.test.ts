import { describe, expect, it } from 'vitest';
import type { Logger } from './services.js';
import { readNarrowingWindows, type NarrowingWindowsInput, type WindowPage } from './narrowing-windows.js';
import { DEFAULT_SOURCE_LIMITS, PollBudget, SourceLimitError } from './source-limits.js';
import type { SourceBatch } from './source.js';

const S = 1_000;
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

/** A fake API over [0, 64 s]: a window containing `bad` throws the given limit; others are one page. */
const input = (bad: number | undefined, overrides: Partial<NarrowingWindowsInput> = {}): NarrowingWindowsInput & { reads: Array<[number, number]> } => {
  const reads: Array<[number, number]> = [];
  return {
    reads,
    sourceId: 's',
    start: 0,
    end: 64 * S,
    span: undefined,
    minSpanMs: S,
    align: (ms) => Math.floor(ms / S) * S,
    budget: new PollBudget(DEFAULT_SOURCE_LIMITS),
    logger: silent,
    now: () => 7,
    format: (ms) => String(ms / S),
    checkpoint: (readUpTo, span) => ({ readUpTo: readUpTo ?? null, span: span ?? null }),
    read: async function* (from, to): AsyncIterable<WindowPage> {
      reads.push([from, to]);
      if (bad !== undefined && from <= bad && bad <= to) throw new SourceLimitError('bytesPerResponse', 'too big');
      yield { events: [], deadLetters: [], last: true };
    },
    ...overrides,
  };
};

const collect = async (source: AsyncIterable<SourceBatch>): Promise<{ batches: SourceBatch[]; error: unknown }> => {
  const batches: SourceBatch[] = [];
  try {
    for await (const batch of source) batches.push(batch);
    return { batches, error: undefined };
  } catch (error) {
    return { batches, error };
  }
};

describe('readNarrowingWindows', () => {
  it('reads the whole range in one window when nothing hits a limit', async () => {
    const run = input(undefined);
    const { batches, error } = await collect(readNarrowingWindows(run));
    expect(error).toBeUndefined();
    expect(run.reads).toEqual([[0, 64 * S]]);
    expect(batches.map((b) => b.checkpoint)).toEqual([{ readUpTo: 64 * S, span: null }]);
  });

  it('halves around a window that does not fit, sets the narrowest one aside, reads the rest, and ends with the cause', async () => {
    const run = input(40.5 * S);
    const { batches, error } = await collect(readNarrowingWindows(run));
    const letters = batches.flatMap((b) => b.deadLetters ?? []);
    expect(letters).toEqual([{ key: 'window:40/41', reason: 'window skipped: too big', excerpt: '', time: 7 }]);
    // Every second but the bad one was read whole, and the checkpoint reached the end.
    expect(batches.at(-1)?.checkpoint).toMatchObject({ readUpTo: 64 * S });
    expect(run.reads.filter(([from, to]) => from <= 40.5 * S && 40.5 * S <= to).at(-1)).toEqual([40 * S, 41 * S]);
    expect(SourceLimitError.isLimit(error)).toBe(true);
    expect((error as Error).message).toBe('too big; the poll went on in narrower windows');
  });

  it('stops when the poll budget is spent, keeping the narrowed span for the next poll', async () => {
    const budget = new PollBudget({ ...DEFAULT_SOURCE_LIMITS, pagesPerPoll: 1 });
    budget.read(10);
    const run = input(undefined, { budget });
    const { batches, error } = await collect(readNarrowingWindows(run));
    expect(run.reads).toEqual([]);
    expect(batches).toEqual([]);
    expect((error as SourceLimitError).limit).toBe('pagesPerPoll');
  });

  it('a window stopped by a poll budget that earlier windows spent is neither narrowed nor set aside: the next poll reads it', async () => {
    const budget = new PollBudget({ ...DEFAULT_SOURCE_LIMITS, bytesPerPoll: 100 });
    let call = 0;
    const run = input(undefined, {
      budget,
      span: 16 * S,
      read: async function* (): AsyncIterable<WindowPage> {
        call += 1;
        if (call === 1) {
          budget.read(90);
          yield { events: [], deadLetters: [], last: true };
          return;
        }
        throw new SourceLimitError('bytesPerPoll', 'over the bytes left of this poll');
      },
    });
    const { batches, error } = await collect(readNarrowingWindows(run));
    expect(call).toBe(2);
    expect(batches.flatMap((b) => b.deadLetters ?? [])).toEqual([]);
    expect(batches.map((b) => b.checkpoint)).toEqual([{ readUpTo: 16 * S, span: 16 * S }]);
    expect((error as SourceLimitError).limit).toBe('bytesPerPoll');
    expect((error as Error).message).toContain('read up to 16, the next poll goes on');
  });

  it('starts with the stored span and grows it back after each whole window', async () => {
    const run = input(undefined, { span: 8 * S });
    await collect(readNarrowingWindows(run));
    expect(run.reads).toEqual([
      [0, 8 * S],
      [8 * S, 24 * S],
      [24 * S, 56 * S],
      [56 * S, 64 * S],
    ]);
  });
});
