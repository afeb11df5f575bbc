import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SyslogConnectorError, systemClock, type Logger, type SecurityEvent, type Source } from '@syslog-connector/core';
import { SourceRunner } from '@syslog-connector/core/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES, openJournalIn } from '../../test/fixtures/engines.js';
import { securityEvent, temporaryFolder } from '../../test/fixtures/security-events.js';
import type { StoreJournal } from '../open-store.js';
import { keyHash } from './key-hash-set.js';
import { JSON_EVENTS, PACKED_EVENTS, RecordWriter, readBatchHeader, RECORD_HEADER_BYTES } from './segment-record.js';

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => quiet };

const folders: Array<{ remove(): void }> = [];
const journals: StoreJournal[] = [];
afterEach(async () => {
  await Promise.all(journals.splice(0).map((j) => j.close()));
  for (const folder of folders.splice(0)) folder.remove();
});

const fresh = (): string => {
  const folder = temporaryFolder();
  folders.push(folder);
  return folder.path;
};

const open = async (engine: 'sqlite' | 'log', folder: string): Promise<StoreJournal> => {
  // No in-memory tail: every read below decodes what is on disk.
  const journal = await openJournalIn(engine, folder, { recentEvents: 0 });
  journals.push(journal);
  await journal.setConsumers?.([{ destination: 'siem' }]);
  return journal;
};

const reopen = async (journal: StoreJournal, engine: 'sqlite' | 'log', folder: string): Promise<StoreJournal> => {
  await journal.close();
  journals.splice(journals.indexOf(journal), 1);
  return open(engine, folder);
};

/** What a JSON round trip gives: the value every encoding must read back as. */
const viaJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Events of many shapes in one batch: more object shapes than msgpackr has record slots (64), odd numbers and text. */
const variedEvents = (): SecurityEvent[] =>
  Array.from({ length: 150 }, (_, n) =>
    securityEvent('workbench', `varied-${n}`, {
      raw: {
        [`field${n}`]: n,
        [`nested${n % 70}`]: { depth: { list: [n, -0, 0.1, 2 ** 53 - 1, -(2 ** 31), 1e300, null, true, 'ünïcødé ☃ 😀'] } },
        empty: {},
        emptyList: [],
        text: 'x'.repeat(n * 7),
      },
      record: { ...securityEvent('workbench', 'x').record, syslog: { facility: 'auth', severity: undefined } } as unknown as SecurityEvent['record'],
    }),
  );

describe('the log engine encodes events as MessagePack', () => {
  it('writes new records as MessagePack and reads back what a JSON round trip gives, after reopening too', async () => {
    const folder = fresh();
    let log = await open('log', folder);
    const events = variedEvents();
    expect(await log.append('workbench', events, { page: 1 })).toEqual({ appended: 150, duplicates: 0 });
    const expected = events.map((event, n) => ({ seq: n + 1, event: viaJson(event) }));
    expect(await log.read('siem', { limit: 200 })).toEqual(expected);
    log = await reopen(log, 'log', folder);
    const read = await log.read('siem', { limit: 200 });
    expect(read).toEqual(expected);
    // Plain objects, numbers as numbers: what a formatter gets from JSON.parse.
    const raw = read[1]?.event.raw as Record<string, unknown>;
    expect(Object.getPrototypeOf(raw)).toBe(Object.prototype);
    expect(typeof (raw['nested1'] as { depth: { list: unknown[] } }).depth.list[3]).toBe('number');
  });

  it('reads segments written as JSON (format 1) beside new MessagePack records', async () => {
    const folder = fresh();
    // A segment as the engine wrote it before issue #18: one JSON record of two events.
    const old = [securityEvent('workbench', 'old-1'), securityEvent('workbench', 'old-2')];
    const hashes = new Uint32Array(old.flatMap((event) => keyHash('workbench', event.key)));
    const record = new RecordWriter().encode('workbench', 1, JSON.stringify({ page: 1 }), hashes, old, (event) => JSON.stringify(event), []);
    expect(readBatchHeader(record.subarray(RECORD_HEADER_BYTES))?.format).toBe(JSON_EVENTS);
    mkdirSync(join(folder, 'journal'), { recursive: true });
    writeFileSync(join(folder, 'journal', `${'1'.padStart(20, '0')}.log`), record);

    let log = await open('log', folder);
    expect(await log.head()).toBe(2);
    expect(await log.checkpoint('workbench')).toEqual({ page: 1 });
    // De-dup covers the old record's keys.
    expect(await log.append('workbench', [old[1] as SecurityEvent, securityEvent('workbench', 'new-3')], { page: 2 })).toEqual({ appended: 1, duplicates: 1 });
    log = await reopen(log, 'log', folder);
    expect((await log.read('siem', { limit: 10 })).map((e) => [e.seq, e.event.key])).toEqual([
      [1, 'old-1'],
      [2, 'old-2'],
      [3, 'new-3'],
    ]);
    expect((await log.read('siem', { limit: 10 }))[0]?.event).toEqual(viaJson(old[0]));
  });

  it('frames a MessagePack record with its format byte and a CRC over it', () => {
    const events = [securityEvent('workbench', 'a')];
    const hashes = new Uint32Array(keyHash('workbench', 'a'));
    const sizes: number[] = [];
    const record = new RecordWriter().encodePacked('workbench', 1, '{}', hashes, events, sizes);
    const header = readBatchHeader(record.subarray(RECORD_HEADER_BYTES));
    expect(header).toMatchObject({ format: PACKED_EVENTS, source: 'workbench', count: 1, first: 1, checkpoint: '{}' });
    expect(sizes[0]).toBeGreaterThan(0);
    // The JSON of the same event is larger.
    expect(record.length).toBeLessThan(new RecordWriter().encode('workbench', 1, '{}', hashes, events, (e) => JSON.stringify(e), []).length);
  });
});

/** An event that keeps the whole SecurityEvent contract (its `rt` a CefTimestamp), as a source yields it. */
const contractEvent = (key: string): SecurityEvent => {
  const event = securityEvent('workbench', key);
  return { ...event, record: { ...event.record, extensions: [['externalId', key], ['rt', { epochMs: event.time, ticks: 0, form: 'iso8601' }]] } };
};

/** Values JSON refuses or changes, each where a source could put it: in `raw`, in the record, beside them. */
const NOT_JSON: ReadonlyArray<readonly [string, (event: SecurityEvent) => SecurityEvent, string]> = [
  ['a BigInt in raw', (e) => ({ ...e, raw: { size: 10n } as unknown as SecurityEvent['raw'] }), 'raw.size is a bigint'],
  ['NaN in raw', (e) => ({ ...e, raw: { score: Number.NaN } }), 'raw.score is NaN'],
  ['a Date in raw', (e) => ({ ...e, raw: { at: new Date(0) } as unknown as SecurityEvent['raw'] }), 'raw.at is a Date'],
  ['a function in the record', (e) => ({ ...e, record: { ...e.record, toJSON: () => 'x' } as unknown as SecurityEvent['record'] }), 'record.toJSON is a function'],
  ['a Map beside the record', (e) => ({ ...e, extra: new Map([['a', 1]]) }) as unknown as SecurityEvent, 'extra is a Map'],
  ['Infinity in the syslog profile', (e) => ({ ...e, record: { ...e.record, syslog: { weight: Number.POSITIVE_INFINITY } } }) as unknown as SecurityEvent, 'record.syslog.weight is Infinity'],
  ['undefined in a list', (e) => ({ ...e, record: { ...e.record, tags: ['a', undefined] } }) as unknown as SecurityEvent, 'record.tags.1 is a undefined'],
];

describe.each(ENGINES)('the %s engine refuses what JSON would not read back', (engine) => {
  it.each(NOT_JSON)('an event with %s: PLUGIN_INVALID, nothing of the batch stored', async (_, spoil, problem) => {
    const journal = await open(engine, fresh());
    const bad = spoil(securityEvent('workbench', 'bad'));
    const error = await journal.append('workbench', [securityEvent('workbench', 'good'), bad], { page: 1 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(SyslogConnectorError.hasCode(error, 'PLUGIN_INVALID')).toBe(true);
    expect((error as Error).message).toContain(`event bad is not JSON (${problem}`);
    expect(await journal.head()).toBe(0);
    expect(await journal.checkpoint('workbench')).toBeUndefined();
  });

  it('keeps an object property whose value is undefined as JSON does (left out)', async () => {
    const folder = fresh();
    let journal = await open(engine, folder);
    const event = { ...securityEvent('workbench', 'a'), note: undefined } as unknown as SecurityEvent;
    await journal.append('workbench', [event], {});
    journal = await reopen(journal, engine, folder);
    const [entry] = await journal.read('siem', { limit: 1 });
    expect((entry?.event as unknown as Record<string, unknown>)['note']).toBeUndefined();
    expect(entry?.event).toEqual(viaJson(event));
  });
});

describe('a source whose events carry values JSON would not read back', () => {
  // The host screens every event (securityEventProblem) before the journal: each bad one is dead-lettered at the
  // source with its reason, the rest of the batch is stored, and both engines end up with the same events.
  it('has them dead-lettered the same way under both engines, and the rest stored alike', async () => {
    const outcomes = [];
    for (const engine of ENGINES) {
      const journal = await open(engine, fresh());
      const good = [contractEvent('good-1'), contractEvent('good-2')];
      const batch = [good[0] as SecurityEvent, ...NOT_JSON.map(([, spoil], n) => spoil(contractEvent(`bad-${n}`))), good[1] as SecurityEvent];
      const source: Source = {
        pollIntervalMs: 60_000,
        async *read() {
          yield { events: batch, checkpoint: { page: 1 } };
        },
        close: async () => undefined,
      };
      await new SourceRunner('workbench', source, journal, systemClock, quiet, () => undefined).pollOnce(new AbortController().signal);
      const letters = await journal.listDeadLetters({ limit: 20 });
      outcomes.push({
        stored: (await journal.read('siem', { limit: 20 })).map((e) => e.event),
        deadLettered: await journal.sourceDeadLetterCount('workbench'),
        reasons: letters.map((l) => l.reason).sort(),
        checkpoint: await journal.checkpoint('workbench'),
      });
    }
    const [sqlite, log] = outcomes;
    expect(sqlite?.deadLettered).toBe(NOT_JSON.length);
    expect(sqlite?.stored.map((e) => e.key)).toEqual(['good-1', 'good-2']);
    for (const [, , problem] of NOT_JSON) expect(sqlite?.reasons.some((r) => r.includes(problem))).toBe(true);
    expect(log).toEqual(sqlite);
  });
});
