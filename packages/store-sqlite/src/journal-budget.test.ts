import { SCHEMA_VERSION } from './schema-migrations.js';
import { join } from 'node:path';
import { SyslogConnectorError, type SecurityEvent } from '@syslog-connector/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordingLogger, rejectionOf } from '@syslog-connector/testing';
import { securityEvent, temporaryFolder } from '../test/fixtures/security-events.js';
import { SqliteJournal, type SqliteJournalOptions } from './sqlite-journal.js';

let folder: ReturnType<typeof temporaryFolder>;
let journal: SqliteJournal | undefined;
const open = async (options: Partial<SqliteJournalOptions> = {}) => {
  journal = await SqliteJournal.open({ path: join(folder.path, 'journal.db'), ...options });
  return journal;
};

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

describe('SqliteJournal disk budget', () => {
  it('rejects a budget that is not a positive integer', async () => {
    const error = await rejectionOf(open({ maxBytes: 0 }));
    expect(error).toBeInstanceOf(SyslogConnectorError);
  });
});

describe('schema migration 1 → 4', () => {
  it('opens a version 1 store, keeps its events and cursors, and adds the dropped counter, compacted keys, source dead letters and log marks', async () => {
    const path = join(folder.path, 'journal.db');
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
