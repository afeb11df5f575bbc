import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { temporaryFolder } from '../test/fixtures/security-events.js';
import { SqliteJournal } from './sqlite-journal.js';

const journals: SqliteJournal[] = [];
afterEach(async () => {
  for (const journal of journals.splice(0)) await journal.close();
});

describe('source dead letters (issue #16)', () => {
  it('keeps each item a source set aside once per (source, key), with its reason, across a reopen', async () => {
    const folder = temporaryFolder();
    const file = join(folder.path, 'journal.db');
    const first = await SqliteJournal.open({ path: file, clock: { now: () => 1_750_000_000_000 } });
    const letter = { key: 'poison-12000', reason: 'nested deeper than 64 levels (limits.itemDepth)', excerpt: '{"id":"poison-12000"', time: 1_749_999_999_000 };
    expect(await first.deadLetterAtSource('workbench', [letter, { ...letter, key: 'window:a/b', reason: 'window skipped: …' }])).toBe(2);
    // A page read again after a crash: the same letters are not stored twice.
    expect(await first.deadLetterAtSource('workbench', [letter])).toBe(0);
    await first.close();

    const again = await SqliteJournal.open({ path: file });
    journals.push(again);
    expect(await again.sourceDeadLetterCount('workbench')).toBe(2);
    expect(await again.sourceDeadLetterCount('oat')).toBe(0);
    const inspector = new DatabaseSync(file, { readOnly: true });
    expect(inspector.prepare("SELECT source, key, reason, excerpt, time, at FROM source_dead_letters WHERE key = 'poison-12000'").get()).toEqual({
      source: 'workbench',
      ...letter,
      at: 1_750_000_000_000,
    });
    inspector.close();
    await again.close();
    journals.length = 0;
    folder.remove();
  });
});
