import { describe, expect, it } from 'vitest';
import { InMemoryJournal } from '../in-memory-journal.js';
import type { SecurityEvent } from '../security-event.js';
import type { Clock, Logger } from '../services.js';
import type { Checkpoint, Source, SourceBatch } from '../source.js';
import { EMPTY_CHECKPOINT_STORE_MS, SourceRunner } from './source-runner.js';

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => quiet };

const record: SecurityEvent['record'] = { vendor: 'V', product: 'P', version: '1', signatureId: '1', name: 'e', severity: 5, extensions: [] };
const event = (n: number): SecurityEvent => ({ key: `wb-${n}`, source: 'wb', type: 'test', time: n, raw: { n }, record });

/** A clock the test moves; `sleep` returns at once. */
const manualClock = () => {
  const clock: Clock & { at: number } = {
    at: 0,
    now: () => clock.at,
    sleep: async (_ms, signal) => {
      signal?.throwIfAborted();
      await Promise.resolve();
    },
  };
  return clock;
};

/**
 * A source reading a window per poll, as the Vision One sources do: its checkpoint is the window's end (the
 * clock's time), with the events queued for that poll. Records where each poll started.
 */
const windowSource = (clock: Clock) => {
  const froms: Array<Checkpoint | undefined> = [];
  const queued: SecurityEvent[][] = [];
  const source: Source = {
    pollIntervalMs: 30_000,
    async *read(from): AsyncIterable<SourceBatch> {
      froms.push(from);
      yield { events: queued.shift() ?? [], checkpoint: { windowEnd: clock.now() } };
    },
    close: async () => undefined,
  };
  return { source, froms, queued };
};

const signal = new AbortController().signal;

/** A runner over a window source whose stored checkpoint ends at 0, after one empty poll at 30 s. */
const afterOneEmptyPoll = async () => {
  const clock = manualClock();
  const journal = new InMemoryJournal();
  await journal.append('wb', [], { windowEnd: 0 });
  const window = windowSource(clock);
  const runner = new SourceRunner('wb', window.source, journal, clock, quiet, () => undefined);
  clock.at = 30_000;
  await runner.pollOnce(signal);
  return { clock, journal, runner, ...window };
};

describe('SourceRunner checkpoints of empty polls (issue #20)', () => {
  it('stores the first checkpoint of a source at once, even of an empty poll (it pins where reading starts)', async () => {
    const clock = manualClock();
    const journal = new InMemoryJournal();
    const { source } = windowSource(clock);
    clock.at = 1_000;
    await new SourceRunner('wb', source, journal, clock, quiet, () => undefined).pollOnce(signal);
    expect(await journal.checkpoint('wb')).toEqual({ windowEnd: 1_000 });
  });

  it('an empty poll stores nothing; the next poll reads on from its checkpoint, which is stored after EMPTY_CHECKPOINT_STORE_MS', async () => {
    const { clock, journal, runner, froms } = await afterOneEmptyPoll();
    expect(await journal.checkpoint('wb')).toEqual({ windowEnd: 0 });
    clock.at = 60_000;
    await runner.pollOnce(signal);
    expect(await journal.checkpoint('wb')).toEqual({ windowEnd: 0 });
    expect(froms).toEqual([{ windowEnd: 0 }, { windowEnd: 30_000 }]);
    // The first empty checkpoint waited since 30 s: stored with the poll that is EMPTY_CHECKPOINT_STORE_MS later.
    clock.at = 30_000 + EMPTY_CHECKPOINT_STORE_MS - 1;
    await runner.pollOnce(signal);
    expect(await journal.checkpoint('wb')).toEqual({ windowEnd: 0 });
    clock.at = 30_000 + EMPTY_CHECKPOINT_STORE_MS;
    await runner.pollOnce(signal);
    expect(await journal.checkpoint('wb')).toEqual({ windowEnd: 30_000 + EMPTY_CHECKPOINT_STORE_MS });
    expect(runner.stats).toMatchObject({ polls: 4, stored: 0 });
  });

  it('a poll with events stores them with its checkpoint at once, in the same append', async () => {
    const { clock, journal, runner, queued } = await afterOneEmptyPoll();
    queued.push([], [event(1), event(2)]);
    clock.at = 60_000;
    await runner.pollOnce(signal);
    expect(await journal.checkpoint('wb')).toEqual({ windowEnd: 0 });
    clock.at = 90_000;
    await runner.pollOnce(signal);
    expect(await journal.checkpoint('wb')).toEqual({ windowEnd: 90_000 });
    expect((await journal.read('siem', { limit: 10 })).map((entry) => entry.event.key)).toEqual(['wb-1', 'wb-2']);
  });

  it('a restart reads from the stored checkpoint, a window that covers the empty polls not stored', async () => {
    const { clock, journal } = await afterOneEmptyPoll();
    const second = windowSource(clock);
    clock.at = 60_000;
    await new SourceRunner('wb', second.source, journal, clock, quiet, () => undefined).pollOnce(signal);
    expect(second.froms).toEqual([{ windowEnd: 0 }]);
  });

  it('stores the waiting checkpoint when it stops', async () => {
    const clock = manualClock();
    const journal = new InMemoryJournal();
    await journal.append('wb', [], { windowEnd: 0 });
    const controller = new AbortController();
    let polls = 0;
    const source: Source = {
      pollIntervalMs: 30_000,
      async *read(): AsyncIterable<SourceBatch> {
        polls += 1;
        if (polls === 2) controller.abort(new Error('stopping'));
        yield { events: [], checkpoint: { windowEnd: polls } };
      },
      close: async () => undefined,
    };
    await new SourceRunner('wb', source, journal, clock, quiet, () => undefined).run(controller.signal);
    expect(polls).toBe(2);
    expect(await journal.checkpoint('wb')).toEqual({ windowEnd: 2 });
  });
});

describe('SourceRunner room check (issue #20)', () => {
  it("shares a journal's 'not full' answer between runners for a second, and asks again after a runner stored events", async () => {
    const clock = manualClock();
    let measured = 0;
    const journal = Object.assign(new InMemoryJournal(), {
      capabilities: { durable: false, compaction: true, budget: true },
      usage: () => {
        measured += 1;
        return Promise.resolve({ bytes: 1, maxBytes: 100, policy: 'block' as const, full: false });
      },
    });
    for (const id of ['a', 'b', 'c']) await journal.append(id, [], { windowEnd: 0 });
    const runners = ['a', 'b', 'c'].map((id) => {
      const { source, queued } = windowSource(clock);
      return { runner: new SourceRunner(id, source, journal, clock, quiet, () => undefined), queued };
    });
    clock.at = 10_000;
    for (const { runner } of runners) await runner.pollOnce(signal);
    expect(measured).toBe(1);
    clock.at = 10_999;
    (runners[0] as (typeof runners)[number]).queued.push([event(1)]);
    for (const { runner } of runners) await runner.pollOnce(signal);
    // a's events were stored: b asked again, c used b's answer.
    expect(measured).toBe(2);
    clock.at = 12_000;
    for (const { runner } of runners) await runner.pollOnce(signal);
    expect(measured).toBe(3);
  });
});
