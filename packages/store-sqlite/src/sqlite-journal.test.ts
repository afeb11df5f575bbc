import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SyslogConnectorError, type SecurityEvent } from '@syslog-connector/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordingLogger, rejectionOf } from '@syslog-connector/testing';
import { securityEvent, temporaryFolder } from '../test/fixtures/security-events.js';
import { SCHEMA_VERSION, STORE_APPLICATION_ID } from './schema-migrations.js';
import { SqliteJournal } from './sqlite-journal.js';
import type { StoreJournal } from './open-store.js';
import { ENGINES, openJournalIn } from '../test/fixtures/engines.js';

// The journal contract, on both engines (the log engine keeps its cursors, dead letters and state in the same
// database file; its events in segment files beside it).
describe.each(ENGINES)('%s engine', (engine) => {
let folder: ReturnType<typeof temporaryFolder>;
let file: string;
let journal: StoreJournal;
const open = () => openJournalIn(engine, folder.path, { clock: { now: () => 1_750_000_000_000 } });

beforeEach(async () => {
  folder = temporaryFolder();
  file = join(folder.path, 'journal.db');
  journal = await open();
});

afterEach(async () => {
  await journal.close();
  folder.remove();
});

const keysOf = (entries: readonly { readonly seq: number; readonly event: SecurityEvent }[]) =>
  entries.map((entry) => `${entry.seq}:${entry.event.source}/${entry.event.key}`);

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

describe('SqliteJournal.append and read', () => {
  it('returns events exactly as appended, including unicode, CR, LF, NUL, pipes, backslashes and equals signs', async () => {
    const tricky: SecurityEvent = securityEvent('workbench', 'WB-1|v2', {
      type: 'workbench-alert',
      time: 1_700_000_000_123,
      raw: {
        description: 'line one\r\nline two\nline three\r',
        path: 'C:\\Windows\\System32\\cmd.exe',
        cef: 'a|b=c\\d',
        emoji: '🛡️ 攻撃 détecté — Ünïcödé',
        nul: 'before\u0000after',
        nested: [1, -2.5, 1e21, null, true, { deep: ['x'] }],
        empty: {},
      },
      record: {
        vendor: 'Trend|Micro',
        product: 'Vision\nOne',
        version: '3.0',
        signatureId: 'sig=1',
        name: 'Name with | pipe and \\ backslash and \r\n newline',
        severity: 10,
        extensions: [
          ['cs1Label', 'Ünïcödé 🔥'],
          ['cs1', 'value=with\nnewline|pipe'],
          ['rt', 1_700_000_000_123],
          ['TrendMicroV1CompanyID', '1f0a'],
        ],
      },
    });
    const plain = securityEvent('workbench', 'WB-2');

    expect(await journal.append('workbench', [tricky, plain], { page: 'next-2', at: 5 })).toEqual({ appended: 2, duplicates: 0 });
    // Read from the file, not from the in-memory tail: the JSON round trip is what is under test.
    await journal.close();
    journal = await open();

    const entries = await journal.read('siem', { limit: 10 });
    expect(entries).toStrictEqual([
      { seq: 1, event: tricky },
      { seq: 2, event: plain },
    ]);
    expect(await journal.head()).toBe(2);
    expect(await journal.checkpoint('workbench')).toStrictEqual({ page: 'next-2', at: 5 });
  });

  it('returns raw keys with escapes as they were, even after V8 parsed a backslash key (nodejs/node#63785)', async () => {
    // Node 24's JSON.parse reads `{"h":1,"\r":2}` back as `{"h":1,"\\":2}` once it has parsed `{"h":[],"\\":0}`.
    JSON.parse(String.raw`{"h":[],"\\":0}`);
    const events = ['"', '\r', '\n', '\f', '\u0000'].map((key, n) => securityEvent('workbench', `WB-key-${n}`, { raw: { h: 1, [key]: 2 } }));
    await journal.append('workbench', events, { page: 1 });
    await journal.close();
    journal = await open();
    const entries = await journal.read('siem', { limit: 10 });
    expect(entries.map((entry) => Object.keys(entry.event.raw as object))).toEqual(events.map((event) => Object.keys(event.raw as object)));
    expect(entries.map((entry) => entry.event)).toStrictEqual(events);
  });

  it('ignores a key already stored by an earlier batch, keeping the first version', async () => {
    await journal.append('workbench', [securityEvent('workbench', 'a'), securityEvent('workbench', 'b')], { page: 1 });
    const result = await journal.append(
      'workbench',
      [securityEvent('workbench', 'b', { type: 'changed' }), securityEvent('workbench', 'c')],
      { page: 2 },
    );

    expect(result).toEqual({ appended: 1, duplicates: 1 });
    const entries = await journal.read('siem', { limit: 10 });
    expect(keysOf(entries)).toEqual(['1:workbench/a', '2:workbench/b', '3:workbench/c']);
    expect(entries[1]?.event.type).toBe('workbench-alert');
    expect(await journal.checkpoint('workbench')).toEqual({ page: 2 });
  });

  it('numbers a large batch with duplicates among it consecutively, each event under its own seq', async () => {
    await journal.append('wb', [securityEvent('wb', 'k-0'), securityEvent('wb', 'k-5')], { page: 1 });
    // 300 events, several INSERT statements' worth; every seventh repeats an earlier key of this batch or the last.
    const keys = Array.from({ length: 300 }, (_, n) => (n % 7 === 6 ? `k-${n - 6}` : `k-${n}`));
    const events = keys.map((key, n) => securityEvent('wb', key, { raw: { n } }));
    const firsts = new Map<string, SecurityEvent>();
    for (const event of events) if (event.key !== 'k-0' && event.key !== 'k-5' && !firsts.has(event.key)) firsts.set(event.key, event);
    expect(await journal.append('wb', events, { page: 2 })).toEqual({ appended: firsts.size, duplicates: 300 - firsts.size });
    const expected = [...firsts.values()].map((event, n) => ({ seq: n + 3, event }));
    // From the in-memory tail (the seqs the append worked out), then from the file (the seqs SQLite gave).
    expect(await journal.read('siem', { limit: 1_000, after: 2 })).toEqual(expected);
    await journal.close();
    journal = await open();
    expect(await journal.read('siem', { limit: 1_000, after: 2 })).toEqual(expected);
    expect(await journal.head()).toBe(2 + firsts.size);
  });

  it('counts a key repeated within one batch as a duplicate', async () => {
    const result = await journal.append(
      'oat',
      [securityEvent('oat', 'x'), securityEvent('oat', 'x', { type: 'second-copy' }), securityEvent('oat', 'y')],
      { page: 1 },
    );

    expect(result).toEqual({ appended: 2, duplicates: 1 });
    const entries = await journal.read('siem', { limit: 10 });
    expect(keysOf(entries)).toEqual(['1:oat/x', '2:oat/y']);
    expect(entries[0]?.event.type).toBe('workbench-alert');
    // A duplicate draws no seq: the head is the newest stored event.
    expect(await journal.head()).toBe(2);
  });

  it('keeps the same key from two sources as two events', async () => {
    await journal.append('workbench', [securityEvent('workbench', 'same')], {});
    expect(await journal.append('oat', [securityEvent('oat', 'same')], {})).toEqual({ appended: 1, duplicates: 0 });
    expect(keysOf(await journal.read('siem', { limit: 10 }))).toEqual(['1:workbench/same', '2:oat/same']);
  });

  it('stores the checkpoint of an empty batch, and none for a source never appended', async () => {
    await journal.append('audit', [], { since: '2025-01-01T00:00:00Z' });

    expect(await journal.checkpoint('audit')).toEqual({ since: '2025-01-01T00:00:00Z' });
    expect(await journal.checkpoint('never')).toBeUndefined();
    expect(await journal.head()).toBe(0);
  });

  it('stores neither events nor checkpoint when an event in the middle of the batch cannot be serialised', async () => {
    await journal.append('workbench', [securityEvent('workbench', 'kept')], { page: 1 });
    // A BigInt makes JSON.stringify throw after the first two events of the batch were inserted.
    const unserialisable = securityEvent('workbench', 'bad', { raw: { size: 10n } as unknown as SecurityEvent['raw'] });

    const error = await rejectionOf(
      journal.append(
        'workbench',
        [securityEvent('workbench', 'n1'), securityEvent('workbench', 'n2'), unserialisable, securityEvent('workbench', 'n3')],
        { page: 2 },
      ),
    );

    expect(SyslogConnectorError.hasCode(error, 'PLUGIN_INVALID')).toBe(true);
    expect((error as SyslogConnectorError).path).toBe('sources.workbench');
    expect((error as SyslogConnectorError).message).toContain('event bad is not JSON');
    expect(keysOf(await journal.read('siem', { limit: 10 }))).toEqual(['1:workbench/kept']);
    expect(await journal.checkpoint('workbench')).toEqual({ page: 1 });
    expect(await journal.head()).toBe(1);
    // The connection is usable again: the failed transaction was rolled back (seqs included), not left open.
    expect(await journal.append('workbench', [securityEvent('workbench', 'n1')], { page: 2 })).toEqual({ appended: 1, duplicates: 0 });
    expect(keysOf(await journal.read('siem', { limit: 10 }))).toEqual(['1:workbench/kept', '2:workbench/n1']);
  });

  it('stores none of the events when the checkpoint, written last, cannot be serialised', async () => {
    const error = await rejectionOf(
      journal.append('workbench', [securityEvent('workbench', 'a'), securityEvent('workbench', 'b')], {
        page: 2n,
      } as unknown as Record<string, string>),
    );

    expect(SyslogConnectorError.hasCode(error, 'PLUGIN_INVALID')).toBe(true);
    expect((error as SyslogConnectorError).message).toContain('checkpoint');
    expect(await journal.read('siem', { limit: 10 })).toEqual([]);
    expect(await journal.checkpoint('workbench')).toBeUndefined();
  });

  it('rejects an event without a finite time and stores nothing of its batch', async () => {
    const error = await rejectionOf(
      journal.append('workbench', [securityEvent('workbench', 'a'), securityEvent('workbench', 'b', { time: Number.NaN })], { page: 1 }),
    );

    expect(SyslogConnectorError.hasCode(error, 'PLUGIN_INVALID')).toBe(true);
    expect((error as SyslogConnectorError).message).toBe(
      'Source "workbench" produced an event that cannot be stored: event b: `time` must be a finite number.',
    );
    expect(await journal.head()).toBe(0);
  });

  it('stores an event labelled with another source under the append source, warning once per source', async () => {
    await journal.close();
    const logger = new RecordingLogger();
    journal = await openJournalIn(engine, folder.path, { logger });
    const mislabelled = securityEvent('vision-one-workbench', 'a');

    await journal.append('workbench', [mislabelled, securityEvent('vision-one-workbench', 'b')], {});
    await journal.append('workbench', [securityEvent('vision-one-workbench', 'c')], {});

    expect(keysOf(await journal.read('siem', { limit: 10, sources: ['workbench'] }))).toEqual([
      '1:vision-one-workbench/a',
      '2:vision-one-workbench/b',
      '3:vision-one-workbench/c',
    ]);
    expect((await journal.read('siem', { limit: 1 }))[0]?.event).toStrictEqual(mislabelled);
    expect(logger.records.filter((record) => record.message !== 'Journal opened.')).toEqual([
      { level: 'info', fields: { path: file, schemaVersion: SCHEMA_VERSION, head: 0 }, message: 'Store opened.' },
      {
        level: 'warn',
        fields: { source: 'workbench', eventSource: 'vision-one-workbench', key: 'a' },
        message: 'Source produced events labelled with another source id.',
      },
    ]);
  });

  it('returns at most `limit` entries, oldest first, and nothing for limit 0', async () => {
    await journal.append('workbench', ['a', 'b', 'c', 'd'].map((key) => securityEvent('workbench', key)), {});

    expect(keysOf(await journal.read('siem', { limit: 2 }))).toEqual(['1:workbench/a', '2:workbench/b']);
    expect(await journal.read('siem', { limit: 0 })).toEqual([]);
    await expect(journal.read('siem', { limit: -1 })).rejects.toThrow(RangeError);
  });
});

describe('SqliteJournal cursors', () => {
  beforeEach(async () => {
    await journal.append('workbench', ['w1', 'w2', 'w3'].map((key) => securityEvent('workbench', key)), {});
    await journal.append('oat', ['o1', 'o2'].map((key) => securityEvent('oat', key)), {});
    await journal.append('audit', ['a1'].map((key) => securityEvent('audit', key)), {});
    await journal.append('workbench', ['w4'].map((key) => securityEvent('workbench', key)), {});
  });

  it('keeps one independent cursor per destination, starting at 0', async () => {
    await journal.ack('siem', 2, 2);

    expect(keysOf(await journal.read('siem', { limit: 2 }))).toEqual(['3:workbench/w3', '4:oat/o1']);
    expect(keysOf(await journal.read('archive', { limit: 2 }))).toEqual(['1:workbench/w1', '2:workbench/w2']);
    expect(await journal.progress('siem')).toEqual({ destination: 'siem', cursor: 2, delivered: 2, deadLettered: 0, dropped: 0 });
    expect(await journal.progress('archive')).toEqual({ destination: 'archive', cursor: 0, delivered: 0, deadLettered: 0, dropped: 0 });
  });

  it('reads only the given sources, in seq order, after the cursor', async () => {
    expect(keysOf(await journal.read('siem', { limit: 10, sources: ['oat', 'audit'] }))).toEqual([
      '4:oat/o1',
      '5:oat/o2',
      '6:audit/a1',
    ]);
    expect(keysOf(await journal.read('siem', { limit: 3, sources: ['workbench', 'audit', 'workbench'] }))).toEqual([
      '1:workbench/w1',
      '2:workbench/w2',
      '3:workbench/w3',
    ]);
    await journal.ack('siem', 5, 2);
    expect(keysOf(await journal.read('siem', { limit: 10, sources: ['workbench', 'audit'] }))).toEqual([
      '6:audit/a1',
      '7:workbench/w4',
    ]);
    expect(keysOf(await journal.read('siem', { limit: 10, sources: ['workbench'] }))).toEqual(['7:workbench/w4']);
    expect(await journal.read('siem', { limit: 10, sources: [] })).toEqual([]);
    expect(await journal.read('siem', { limit: 10, sources: ['unknown'] })).toEqual([]);
  });

  it('never moves a cursor backwards, while still counting what was delivered', async () => {
    await journal.ack('siem', 5, 5);
    await journal.ack('siem', 3, 1);

    expect(await journal.progress('siem')).toEqual({ destination: 'siem', cursor: 5, delivered: 6, deadLettered: 0, dropped: 0 });
    expect(keysOf(await journal.read('siem', { limit: 10 }))).toEqual(['6:audit/a1', '7:workbench/w4']);
  });

  it('refuses a cursor past the head or a negative count', async () => {
    await expect(journal.ack('siem', 8, 1)).rejects.toThrow('ack(): seq 8 is past the journal head 7');
    await expect(journal.ack('siem', 1, -1)).rejects.toThrow(RangeError);
    expect(await journal.progress('siem')).toEqual({ destination: 'siem', cursor: 0, delivered: 0, deadLettered: 0, dropped: 0 });
  });

  it('keeps dead letters with their reason and counts each entry once per destination', async () => {
    const [first, second] = await journal.read('siem', { limit: 2 });
    if (first === undefined || second === undefined) throw new Error('fixture has events');

    await journal.deadLetter('siem', first, 'CEF extension value too long');
    await journal.deadLetter('siem', first, 'CEF extension value too long'); // retried batch: same entry again
    await journal.deadLetter('siem', second, 'unsupported type');
    await journal.deadLetter('archive', first, 'other formatter');

    expect(await journal.progress('siem')).toEqual({ destination: 'siem', cursor: 0, delivered: 0, deadLettered: 2, dropped: 0 });
    expect(await journal.progress('archive')).toEqual({ destination: 'archive', cursor: 0, delivered: 0, deadLettered: 1, dropped: 0 });
    expect(await journal.deadLetters('siem')).toStrictEqual([
      { id: 1, destination: 'siem', seq: 1, source: 'workbench', key: 'w1', reason: 'CEF extension value too long', event: first.event, at: 1_750_000_000_000 },
      { id: 3, destination: 'siem', seq: 2, source: 'workbench', key: 'w2', reason: 'unsupported type', event: second.event, at: 1_750_000_000_000 },
    ]);
    // Dead-lettering does not move the cursor; the destination acknowledges past it.
    await journal.ack('siem', 2, 0);
    expect(await journal.progress('siem')).toEqual({ destination: 'siem', cursor: 2, delivered: 0, deadLettered: 2, dropped: 0 });
  });
});

describe('SqliteJournal lifetime', () => {
  it('keeps events, checkpoints, cursors, dead letters and state across close and reopen', async () => {
    const events = [securityEvent('workbench', 'a'), securityEvent('workbench', 'b'), securityEvent('oat', 'c')];
    await journal.append('workbench', events.slice(0, 2), { page: 'p2' });
    await journal.append('oat', events.slice(2), { until: 99 });
    await journal.ack('siem', 1, 1);
    await journal.deadLetter('siem', { seq: 2, event: events[1] as SecurityEvent }, 'rejected');
    await journal.state.set('workbench', 'token-expiry', '2030-01-01');
    await journal.close();

    journal = await open();

    expect(await journal.head()).toBe(3);
    expect(await journal.checkpoint('workbench')).toEqual({ page: 'p2' });
    expect(await journal.checkpoint('oat')).toEqual({ until: 99 });
    expect(await journal.progress('siem')).toEqual({ destination: 'siem', cursor: 1, delivered: 1, deadLettered: 1, dropped: 0 });
    expect(await journal.read('siem', { limit: 10 })).toStrictEqual([
      { seq: 2, event: events[1] },
      { seq: 3, event: events[2] },
    ]);
    expect((await journal.deadLetters('siem')).map((letter) => letter.reason)).toEqual(['rejected']);
    expect(await journal.state.get('workbench', 'token-expiry')).toBe('2030-01-01');
    // Keys stay unique across restarts.
    expect(await journal.append('workbench', [securityEvent('workbench', 'a')], { page: 'p3' })).toEqual({ appended: 0, duplicates: 1 });
  });

  it('refuses calls after close with STORE_UNAVAILABLE, and closing twice is harmless', async () => {
    await journal.close();
    await journal.close();

    const error = await rejectionOf(journal.head());
    expect(SyslogConnectorError.hasCode(error, 'STORE_UNAVAILABLE')).toBe(true);
    expect((error as SyslogConnectorError).message).toBe(`The store ${file} is closed.`);
  });

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
});
