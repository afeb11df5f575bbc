import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SyslogConnectorError } from '@syslog-connector/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordingLogger, rejectionOf } from '@syslog-connector/testing';
import { securityEvent, temporaryFolder } from '../test/fixtures/security-events.js';
import { SCHEMA_VERSION, STORE_APPLICATION_ID } from './schema-migrations.js';
import { SqliteJournal } from './sqlite-journal.js';

let folder: ReturnType<typeof temporaryFolder>;
let file: string;
let journal: SqliteJournal;
const open = () => SqliteJournal.open({ path: file, clock: { now: () => 1_750_000_000_000 } });

beforeEach(async () => {
  folder = temporaryFolder();
  file = join(folder.path, 'journal.db');
  journal = await open();
});

afterEach(async () => {
  await journal.close();
  folder.remove();
});

describe('SqliteJournal schema and settings', () => {
  it('uses WAL, synchronous=NORMAL, the current schema version and its application id', async () => {
    const inspector = new DatabaseSync(file, { readOnly: true });
    try {
      expect(inspector.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
      expect(inspector.prepare('PRAGMA user_version').get()).toEqual({ user_version: SCHEMA_VERSION });
      expect(inspector.prepare('PRAGMA application_id').get()).toEqual({ application_id: STORE_APPLICATION_ID });
      const tables = inspector.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all().map((row) => row['name']);
      expect(tables).toEqual(['checkpoints', 'compacted_keys', 'cursors', 'dead_letters', 'events', 'log_marks', 'source_dead_letters', 'sqlite_sequence', 'state']);
    } finally {
      inspector.close();
    }
    // synchronous and busy_timeout are per connection: read them on the journal's own.
    expect(await journal.info()).toEqual({
      path: file,
      schemaVersion: SCHEMA_VERSION,
      journalMode: 'wal',
      synchronous: 'normal',
      busyTimeoutMs: 5000,
    });
  });
});

describe('SqliteJournal in-memory tail', () => {
  it('answers a reader from the tail exactly as the file does, and logs the store it opened', async () => {
    await journal.close();
    const logger = new RecordingLogger();
    journal = await SqliteJournal.open({ path: file, logger });
    const events = ['a', 'b', 'c'].map((key) => securityEvent('workbench', key));
    await journal.append('workbench', events, { page: 1 });
    const fromTail = await journal.read('siem', { limit: 10 });
    await journal.close();
    journal = await open();
    expect(await journal.read('siem', { limit: 10 })).toStrictEqual(fromTail);
    expect(logger.records[0]).toEqual({ level: 'info', fields: { path: file, schemaVersion: SCHEMA_VERSION, head: 0 }, message: 'Store opened.' });
  });
});

describe('SqliteJournal lifetime', () => {
  it('refuses to open a store written by a newer schema, leaving the file as it was', async () => {
    await journal.close();
    const writer = new DatabaseSync(file);
    writer.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    writer.close();

    const error = await rejectionOf(open());

    expect(SyslogConnectorError.hasCode(error, 'STORE_UNAVAILABLE')).toBe(true);
    expect((error as SyslogConnectorError).message).toBe(
      `The store ${file} has schema version ${SCHEMA_VERSION + 1}; this version of syslog-connector knows up to ${SCHEMA_VERSION}.`,
    );
    const reader = new DatabaseSync(file, { readOnly: true });
    expect(reader.prepare('PRAGMA user_version').get()).toEqual({ user_version: SCHEMA_VERSION + 1 });
    reader.close();
    journal = await SqliteJournal.open({ path: join(folder.path, 'other.db') });
  });
});
