import { join } from 'node:path';
import { SyslogConnectorError, type SecurityEvent } from '@syslog-connector/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordingLogger, rejectionOf } from '@syslog-connector/testing';
import { securityEvent, temporaryFolder } from '../test/fixtures/security-events.js';
import { SCHEMA_VERSION } from './schema-migrations.js';
import { LogJournal } from './log/log-journal.js';
import type { EngineOptions, StoreJournal } from './open-store.js';
import { ENGINES, openJournalIn } from '../test/fixtures/engines.js';

let folder: ReturnType<typeof temporaryFolder>;
let journal: StoreJournal | undefined;

beforeEach(() => {
  folder = temporaryFolder();
});
afterEach(async () => {
  await journal?.close();
  journal = undefined;
  folder.remove();
});

/** ~2 kB each, so a few hundred fill a small budget quickly. */
const bulky = (source: string, from: number, count: number): SecurityEvent[] =>
  Array.from({ length: count }, (_, i) => securityEvent(source, `${source}-${from + i}`, { raw: { pad: 'x'.repeat(2_000), n: from + i } }));

const count = async (j: StoreJournal, destination: string, after = 0) => (await j.read(destination, { limit: 1_000_000, after })).length;

describe.each(ENGINES)('%s engine', (engine) => {
const open = async (options: Partial<EngineOptions> = {}) => {
  journal = await openJournalIn(engine, folder.path, options);
  return journal;
};

describe('SqliteJournal compaction', () => {
  it('removes only what every destination wanting the source has passed', async () => {
    const j = await open();
    await j.append('wb', bulky('wb', 0, 5), { n: 5 });
    await j.append('oat', bulky('oat', 0, 3), { n: 3 });
    await j.setConsumers([{ destination: 'all' }, { destination: 'wb-only', sources: ['wb'] }]);
    await j.ack('all', 7, 7); // passed wb 1-5 and oat 6-7
    await j.ack('wb-only', 3, 3); // passed wb 1-3
    expect(await j.compact()).toBe(3 + 2); // wb 1-3 (both passed), oat 6-7 (only `all` wants oat)
    expect((await j.read('wb-only', { limit: 10, sources: ['wb'] })).map((e) => e.seq)).toEqual([4, 5]);
    expect((await j.read('all', { limit: 10 })).map((e) => e.seq)).toEqual([8]);
    expect(await j.head()).toBe(8);
  });

  it('removes nothing before the destinations are known', async () => {
    const j = await open();
    await j.append('wb', bulky('wb', 0, 3), { n: 3 });
    await j.ack('siem', 3, 3);
    expect(await j.compact()).toBe(0);
    expect(await count(j, 'new-destination')).toBe(3);
  });

  it('reads after a given position instead of the cursor', async () => {
    const j = await open();
    await j.append('wb', bulky('wb', 0, 4), { n: 4 });
    expect((await j.read('siem', { limit: 10, after: 2 })).map((e) => e.seq)).toEqual([3, 4]);
    expect((await j.progress('siem')).cursor).toBe(0);
  });
});

describe('SqliteJournal disk budget', () => {
  const budget = 256 * 1024;

  it('block: refuses the batch once the budget is reached, keeps the checkpoint, and accepts again after delivery', async () => {
    const j = await open({ maxBytes: budget });
    await j.setConsumers([{ destination: 'siem' }]);
    let stored = 0;
    let error: unknown;
    for (let page = 0; page < 100 && error === undefined; page += 1) {
      try {
        stored += (await j.append('wb', bulky('wb', page * 10, 10), { page })).appended;
      } catch (caught) {
        error = caught;
      }
    }
    expect(SyslogConnectorError.hasCode(error, 'STORE_UNAVAILABLE')).toBe(true);
    expect((error as SyslogConnectorError).message).toBe(`The journal ${j instanceof LogJournal ? j.dir : j.path} is full (budget ${budget} bytes reached).`);
    expect((error as SyslogConnectorError).path).toBe('journal.maxSize');
    const usage = await j.usage();
    expect(usage).toMatchObject({ maxBytes: budget, policy: 'block', full: true });
    // The refused page's checkpoint was not stored: the source reads that page again.
    expect(await j.checkpoint('wb')).toEqual({ page: stored / 10 - 1 });
    expect(await count(j, 'siem')).toBe(stored);

    await j.ack('siem', await j.head(), stored);
    expect(await j.compact()).toBe(stored);
    expect((await j.usage()).full).toBe(false);
    expect(await j.append('wb', bulky('wb', 10_000, 10), { page: 'next' })).toEqual({ appended: 10, duplicates: 0 });
  });

  it('drop-oldest: stays within the budget, drops the oldest, and counts them per destination that had not delivered them', async () => {
    const logger = new RecordingLogger();
    const j = await open({ maxBytes: budget, whenFull: 'drop-oldest', logger });
    await j.setConsumers([{ destination: 'siem' }, { destination: 'oat-only', sources: ['oat'] }]);
    for (let page = 0; page < 60; page += 1) await j.append('wb', bulky('wb', page * 10, 10), { page });
    const usage = await j.usage();
    expect(usage.bytes).toBeLessThanOrEqual(budget);
    expect(usage.full).toBe(false);
    const left = await count(j, 'siem');
    const progress = await j.progress('siem');
    // Every one of the 600 events is either still in the journal or counted as dropped for `siem`.
    expect(left + progress.dropped).toBe(600);
    expect(progress.dropped).toBeGreaterThan(0);
    // The oldest went: what is left is the newest, in order.
    const seqs = (await j.read('siem', { limit: 1_000 })).map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: left }, (_, i) => 600 - left + 1 + i));
    // `oat-only` never wanted wb events: nothing is counted against it.
    expect((await j.progress('oat-only')).dropped).toBe(0);
    const warnings = logger.records.filter((entry) => entry.message.startsWith('Journal full: oldest undelivered events dropped'));
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.every((entry) => (entry.fields as Record<string, unknown>)['destination'] === 'siem')).toBe(true);
    expect(warnings.reduce((sum, entry) => sum + Number((entry.fields as Record<string, unknown>)['dropped']), 0)).toBe(progress.dropped);
  });

  it('drop-oldest never counts what a destination already delivered', async () => {
    const j = await open({ maxBytes: budget, whenFull: 'drop-oldest' });
    await j.setConsumers([{ destination: 'siem' }]);
    for (let page = 0; page < 60; page += 1) {
      await j.append('wb', bulky('wb', page * 10, 10), { page });
      await j.ack('siem', await j.head(), 10);
    }
    expect((await j.progress('siem')).dropped).toBe(0);
  });

  it('rejects a budget that is not a positive integer', async () => {
    const error = await rejectionOf(open({ maxBytes: 0 }));
    expect(error).toBeInstanceOf(SyslogConnectorError);
  });
});

describe('SqliteJournal backlog', () => {
  it('counts what a destination has not delivered among its sources, with the oldest event time', async () => {
    const j = await open();
    await j.append('wb', [1, 2, 3].map((n) => securityEvent('wb', `w${n}`, { time: 1_000 * n })), {});
    await j.append('oat', [securityEvent('oat', 'o1', { time: 500 })], {});
    await j.ack('siem', 1, 1);
    expect(await j.backlog({ destination: 'siem' })).toEqual({ events: 3, oldestTime: 2_000 });
    expect(await j.backlog({ destination: 'oat-only', sources: ['oat'] })).toEqual({ events: 1, oldestTime: 500 });
    await j.ack('siem', 4, 3);
    expect(await j.backlog({ destination: 'siem' })).toEqual({ events: 0, oldestTime: undefined });
  });
});

describe('SqliteJournal de-duplication across compaction', () => {
  it('still recognises the key of a compacted event when an overlapping poll returns it again', async () => {
    let now = 1_000_000;
    const j = await open({ clock: { now: () => now }, keyRetentionMs: 10_000 });
    await j.setConsumers([{ destination: 'siem' }]);
    await j.append('wb', bulky('wb', 0, 3), { n: 3 });
    await j.ack('siem', 3, 3);
    expect(await j.compact()).toBe(3);
    expect(await j.append('wb', bulky('wb', 2, 2), { n: 4 })).toEqual({ appended: 1, duplicates: 1 });
    expect((await j.read('siem', { limit: 10 })).map((e) => e.event.key)).toEqual(['wb-3']);
    // Once delivered and past the retention, the key is forgotten (pruned at a later compaction; the log engine keeps
    // a segment's keys while the segment is there, then for the retention: two compactions apart).
    await j.ack('siem', await j.head(), 1);
    now += 120_000;
    await j.compact();
    now += 120_000;
    await j.compact();
    expect(await j.append('wb', bulky('wb', 0, 1), { n: 4 })).toEqual({ appended: 1, duplicates: 0 });
  });
});

});

describe('schema migration 1 → 4', () => {
  it('opens a version 1 store, keeps its events and cursors, and adds the dropped counter, compacted keys, source dead letters and log marks', async () => {
    const path = join(folder.path, 'journal.db');
    const open = async (options: Partial<EngineOptions> = {}) => (journal = await openJournalIn('sqlite', folder.path, options));
    const j = await open();
    await j.append('wb', bulky('wb', 0, 2), { n: 2 });
    await j.ack('siem', 1, 1);
    await j.close();
    // Take the file back to version 1 as that release wrote it.
    const { DatabaseSync } = await import('node:sqlite');
    const db = new DatabaseSync(path);
    db.exec('DROP TABLE log_marks; DROP TABLE source_dead_letters; DROP TABLE compacted_keys; ALTER TABLE cursors DROP COLUMN dropped; PRAGMA user_version = 1;');
    db.close();

    const logger = new RecordingLogger();
    const reopened = await open({ logger });
    expect(logger.records.find((line) => line.message === 'Store opened.')?.fields).toMatchObject({ schemaVersion: SCHEMA_VERSION, migratedFrom: 1 });
    expect(await reopened.progress('siem')).toEqual({ destination: 'siem', cursor: 1, delivered: 1, deadLettered: 0, dropped: 0 });
    expect((await reopened.read('siem', { limit: 10 })).map((e) => e.event.key)).toEqual(['wb-1']);
    await reopened.setConsumers([{ destination: 'siem' }]);
    expect(await reopened.compact()).toBe(1);
    expect(await reopened.sourceDeadLetterCount('wb')).toBe(0);
  });
});
