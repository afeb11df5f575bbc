import { join } from 'node:path';
import type { JournalEntry } from '@syslog-connector/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { securityEvent, temporaryFolder } from '../test/fixtures/security-events.js';
import { journalOperations, view } from '../test/fixtures/journal-operations.js';
import { SqliteJournal } from './sqlite-journal.js';

const operation = fc.oneof(...journalOperations);

describe('the in-memory tail of the journal (RecentEvents)', () => {
  // Model-based: the same operations on a journal reading its tail from memory (a small one, so it overflows)
  // and on one reading everything from SQLite; every read must return the same entries. Both drop the oldest
  // events past a small disk budget, which removes events under the tail.
  it('answers every read exactly as the store does, through appends, duplicates, acks, compaction and drops', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 40 }), fc.boolean(), async (operations, budgeted) => {
        const folder = temporaryFolder();
        const budget = budgeted ? { maxBytes: 160_000, whenFull: 'drop-oldest' as const } : {};
        const cached = await SqliteJournal.open({ path: join(folder.path, 'cached.db'), recentEvents: 7, ...budget });
        const stored = await SqliteJournal.open({ path: join(folder.path, 'stored.db'), recentEvents: 0, ...budget });
        const consumers = [{ destination: 'siem' }, { destination: 'oat-only', sources: ['oat'] }];
        const padding = 'x'.repeat(30_000); // a few events fill the budget, so drops reach the in-memory tail
        try {
          for (const journal of [cached, stored]) await journal.setConsumers(consumers);
          let page = 0;
          for (const step of operations) {
            if (step.op === 'append') {
              page += 1;
              const events = step.keys.map((k) => securityEvent(step.source, `${step.source}-${k}`, { raw: { k, padding } }));
              const results = await Promise.all([cached, stored].map((j) => j.append(step.source, events, { page })));
              expect(results[0]).toEqual(results[1]);
            } else if (step.op === 'read') {
              const cursor = (await stored.progress(step.destination)).cursor;
              const after = step.back === null ? undefined : Math.max(0, cursor - step.back);
              const options = {
                limit: step.limit,
                ...(after === undefined ? {} : { after }),
                ...(step.destination === 'oat-only' ? { sources: ['oat'] } : {}),
              };
              expect(view(await cached.read(step.destination, options))).toEqual(view(await stored.read(step.destination, options)));
            } else if (step.op === 'ack') {
              const head = await stored.head();
              const seq = Math.min(head, (await stored.progress(step.destination)).cursor + step.ahead);
              for (const journal of [cached, stored]) await journal.ack(step.destination, seq, 0);
            } else {
              const removed = await Promise.all([cached, stored].map((j) => j.compact()));
              expect(removed[0]).toBe(removed[1]);
            }
          }
        } finally {
          await cached.close();
          await stored.close();
          folder.remove();
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('forgets what compaction removed: a read from before the cursor returns what the store still holds', async () => {
    const folder = temporaryFolder();
    const journal = await SqliteJournal.open({ path: join(folder.path, 'j.db') });
    try {
      await journal.setConsumers([{ destination: 'siem' }]);
      await journal.append('wb', [1, 2, 3, 4, 5].map((n) => securityEvent('wb', `k${n}`)), { page: 1 });
      await journal.ack('siem', 3, 3);
      expect(await journal.compact()).toBe(3);
      expect((await journal.read('siem', { limit: 10, after: 0 })).map((entry) => entry.seq)).toEqual([4, 5]);
    } finally {
      await journal.close();
      folder.remove();
    }
  });

  it('filters by the source an event was appended under, as the store does', async () => {
    const folder = temporaryFolder();
    const journal = await SqliteJournal.open({ path: join(folder.path, 'j.db') });
    try {
      // A plugin bug: events labelled with another source. The append's source is the authority.
      await journal.append('oat', [securityEvent('wb', 'mislabelled')], { page: 1 });
      expect((await journal.read('siem', { limit: 10, sources: ['oat'] })).map((entry) => entry.event.key)).toEqual(['mislabelled']);
      expect(await journal.read('siem', { limit: 10, sources: ['wb'] })).toEqual([]);
    } finally {
      await journal.close();
      folder.remove();
    }
  });
});

describe('RecentEvents byte bound (issue #16)', () => {
  it('holds at most maxBytes of event JSON: the oldest go first, and reads before them go to the store', async () => {
    const { RecentEvents } = await import('./recent-events.js');
    const tail = new RecentEvents(10_000, 0, 1_000);
    const entry = (seq: number): JournalEntry => ({ seq, event: securityEvent('wb', `k${seq}`) });
    tail.add('wb', [entry(1), entry(2), entry(3)], [400, 400, 400]);
    expect(tail.size).toBe(2);
    expect(tail.covers(0)).toBe(false);
    expect(tail.covers(1)).toBe(true);
    expect(tail.read(1, 10, undefined).map((e) => e.seq)).toEqual([2, 3]);
    // One item larger than the whole bound is not held at all.
    tail.add('wb', [entry(4)], [5_000]);
    expect(tail.size).toBe(0);
    expect(tail.covers(3)).toBe(false);
    expect(tail.covers(4)).toBe(true);
  });

  it('a journal reads the same whether its tail holds an event or the bound sent it to the store', async () => {
    const folder = temporaryFolder();
    const journal = await SqliteJournal.open({ path: join(folder.path, 'journal.db'), recentEventsBytes: 2_000 });
    const events = Array.from({ length: 6 }, (_, i) => ({ ...securityEvent('wb', `k${i}`), raw: { pad: 'x'.repeat(900) } }));
    await journal.append('wb', events, { n: 6 });
    expect((await journal.read('siem', { limit: 10 })).map((e) => e.event.key)).toEqual(events.map((e) => e.key));
    await journal.close();
    folder.remove();
  });
});

describe('RecentEvents pacing (issue #18): a source waits for a destination reading from memory', () => {
  const entries = (from: number, count: number): JournalEntry[] =>
    Array.from({ length: count }, (_, i) => ({ seq: from + i, event: securityEvent('wb', `k${from + i}`) }));
  const settled = async (promise: Promise<void>): Promise<boolean> => {
    let done = false;
    void promise.then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    return done;
  };

  it('waits only while a reader the tail answered is more than a quarter of it behind, until it is within an eighth; lets go of what was read', async () => {
    const { RecentEvents } = await import('./recent-events.js');
    const tail = new RecentEvents(32, 0); // waits past 8 behind, until 4
    tail.add('wb', entries(1, 4));
    expect(tail.pace()).toBeUndefined(); // nobody reads
    expect(tail.read(0, 2, undefined, 'siem').map((e) => e.seq)).toEqual([1, 2]);
    expect(tail.covers(1)).toBe(false); // read by every reader: let go, a read of it goes to the store
    expect(tail.covers(2)).toBe(true);
    tail.add('wb', entries(5, 6));
    expect(tail.pace()).toBeUndefined(); // 8 behind: not more than 8
    tail.add('wb', entries(11, 1));
    const waiting = tail.pace() as Promise<void>;
    expect(waiting).toBeInstanceOf(Promise);
    expect(await settled(waiting)).toBe(false);
    expect(tail.read(2, 4, undefined, 'siem').map((e) => e.seq)).toEqual([3, 4, 5, 6]); // 5 behind
    expect(await settled(waiting)).toBe(false);
    tail.read(6, 1, undefined, 'siem'); // 4 behind
    expect(await settled(waiting)).toBe(true);
    expect(tail.size).toBe(4);
  });

  it('does not wait for a reader that stopped reading from memory, and lets every wait go on release', async () => {
    const { RecentEvents, IDLE_APPENDS } = await import('./recent-events.js');
    const tail = new RecentEvents(32, 0);
    tail.add('wb', entries(1, 1));
    tail.read(0, 1, undefined, 'siem');
    tail.add('wb', entries(2, 10));
    const waiting = tail.pace() as Promise<void>;
    expect(waiting).toBeInstanceOf(Promise);
    tail.release();
    expect(await settled(waiting)).toBe(true);
    tail.read(1, 1, undefined, 'siem');
    for (let n = 0; n <= IDLE_APPENDS; n += 1) tail.add('wb', entries(12 + n * 10, 10));
    expect(tail.pace()).toBeUndefined();
  });
});

describe('RecentEvents pacing for a reader just behind the tail', () => {
  it('holds on and waits for a reader reading from the store close behind it, not for one reading an old backlog', async () => {
    const { RecentEvents, IDLE_APPENDS } = await import('./recent-events.js');
    const tail = new RecentEvents(8, 0);
    const entries = (from: number, count: number): JournalEntry[] =>
      Array.from({ length: count }, (_, i) => ({ seq: from + i, event: securityEvent('wb', `k${from + i}`) }));
    for (let n = 0; n <= IDLE_APPENDS; n += 1) tail.add('wb', entries(n * 4 + 1, 4)); // nobody reads: idle
    expect(tail.size).toBe(0);
    tail.readFromStore(0, 2, 'backlog'); // 18 behind 20: farther than twice the capacity
    tail.add('wb', entries(21, 1));
    expect(tail.size).toBe(0);
    expect(tail.pace()).toBeUndefined();
    tail.readFromStore(10, 14, 'siem'); // 11 behind 21: close
    tail.add('wb', entries(22, 1));
    expect(tail.size).toBe(1);
    const waiting = tail.pace() as Promise<void>; // 8 behind: more than a quarter of 8
    expect(waiting).toBeInstanceOf(Promise);
    tail.readFromStore(14, 21, 'siem'); // 1 behind: within an eighth of 8
    let done = false;
    void waiting.then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(true);
  });
});
