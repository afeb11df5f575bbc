import {
  SyslogConnectorError,
  type Journal,
  type JournalFullPolicy,
  type JournalUsage,
  type Logger,
  type SecurityEvent,
  type StateStore,
  type Backlog,
  type JournalConsumer,
} from '@syslog-connector/core';
import { type StoredDeadLetter } from '@syslog-connector/core/engine';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejectionOf } from '../assertions/index.js';
import { RecordingLogger } from '../conformance/recording-logger.js';

/** A Vision One-shaped workbench alert as sources store it; `overrides` replaces top-level fields. */
export const storedSecurityEvent = (source: string, key: string, overrides: Partial<SecurityEvent> = {}): SecurityEvent => ({
  key,
  source,
  type: 'workbench-alert',
  time: 1_700_000_000_000,
  raw: { id: key, score: 64, impactScope: { desktopCount: 1 } },
  record: {
    vendor: 'Trend Micro',
    product: 'Vision One',
    version: '3.0',
    signatureId: '100101',
    name: `Alert ${key}`,
    severity: 7,
    extensions: [
      ['externalId', key],
      ['rt', 1_700_000_000_000],
    ],
  },
  ...overrides,
});

/** What the contract opens a store with; every store takes these options. */
export interface JournalContractOptions {
  readonly clock?: { now(): number };
  readonly logger?: Logger;
  readonly maxBytes?: number;
  readonly whenFull?: JournalFullPolicy;
  readonly keyRetentionMs?: number;
}


/** The journal with every optional member, the state store on the same database and dead-letter listing. */
export interface ContractJournal extends Journal {
  readonly state: StateStore;
  backlog(consumer: JournalConsumer): Promise<Backlog>;
  setConsumers(consumers: readonly JournalConsumer[]): Promise<void>;
  compact(): Promise<number>;
  usage(): Promise<JournalUsage>;
  deadLetters(destination: string, options?: { readonly limit?: number }): Promise<readonly StoredDeadLetter[]>;
}

/** A store under test: `create` makes a new empty one before each test, `open` opens it (again: the same data). */
export interface JournalContractSubject {
  create(): Promise<void>;
  open(options?: JournalContractOptions): Promise<ContractJournal>;
  /** After each test, once its journals are closed. */
  destroy(): Promise<void>;
}

const NOW = 1_750_000_000_000;

const keysOf = (entries: readonly { readonly seq: number; readonly event: SecurityEvent }[]) => entries.map((entry) => `${entry.seq}:${entry.event.source}/${entry.event.key}`);

/** ~2 kB each, so a few hundred fill a small budget quickly. */
const bulky = (source: string, from: number, count: number): SecurityEvent[] =>
  Array.from({ length: count }, (_, i) => storedSecurityEvent(source, `${source}-${from + i}`, { raw: { pad: 'x'.repeat(2_000), n: from + i } }));

/**
 * The journal contract (core's `Journal`, DESIGN §2) as tests every store passes: the SQLite store and the
 * PostgreSQL store run the same suite, so a behaviour one of them has and the other lacks is a failing test.
 */
export const describeJournalContract = (name: string, subject: JournalContractSubject): void => {
  describe(`${name}: the journal contract`, () => {
    const opened: ContractJournal[] = [];
    let journal: ContractJournal;
    const open = async (options: JournalContractOptions = {}): Promise<ContractJournal> => {
      const j = await subject.open({ clock: { now: () => NOW }, ...options });
      opened.push(j);
      return j;
    };
    const reopen = async (options: JournalContractOptions = {}): Promise<ContractJournal> => {
      await journal.close();
      journal = await open(options);
      return journal;
    };
    const count = async (j: ContractJournal, destination: string, after = 0) => (await j.read(destination, { limit: 1_000_000, after })).length;

    beforeEach(async () => {
      await subject.create();
      journal = await open();
    });
    afterEach(async () => {
      for (const j of opened.splice(0)) await j.close();
      await subject.destroy();
    });

    describe('append and read', () => {
      it('returns events exactly as appended, including unicode, CR, LF, NUL, pipes, backslashes and equals signs', async () => {
        const tricky = storedSecurityEvent('workbench', 'WB-1|v2', {
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
        });
        const plain = storedSecurityEvent('workbench', 'WB-2');
        expect(await journal.append('workbench', [tricky, plain], { page: 'next-2', at: 5 })).toEqual({ appended: 2, duplicates: 0 });
        // Read from the database, not from anything the journal kept in memory: the round trip is under test.
        await reopen();
        expect(await journal.read('siem', { limit: 10 })).toStrictEqual([
          { seq: 1, event: tricky },
          { seq: 2, event: plain },
        ]);
        expect(await journal.head()).toBe(2);
        expect(await journal.checkpoint('workbench')).toStrictEqual({ page: 'next-2', at: 5 });
      });

      it('returns raw keys with escapes as they were, even after V8 parsed a backslash key (nodejs/node#63785)', async () => {
        JSON.parse(String.raw`{"h":[],"\\":0}`);
        const events = ['"', '\r', '\n', '\f', '\u0000'].map((key, n) => storedSecurityEvent('workbench', `WB-key-${n}`, { raw: { h: 1, [key]: 2 } }));
        await journal.append('workbench', events, { page: 1 });
        await reopen();
        expect((await journal.read('siem', { limit: 10 })).map((entry) => entry.event)).toStrictEqual(events);
      });

      it('ignores a key already stored by an earlier batch, keeping the first version', async () => {
        await journal.append('workbench', [storedSecurityEvent('workbench', 'a'), storedSecurityEvent('workbench', 'b')], { page: 1 });
        const result = await journal.append('workbench', [storedSecurityEvent('workbench', 'b', { type: 'changed' }), storedSecurityEvent('workbench', 'c')], { page: 2 });
        expect(result).toEqual({ appended: 1, duplicates: 1 });
        const entries = await journal.read('siem', { limit: 10 });
        expect(keysOf(entries)).toEqual(['1:workbench/a', '2:workbench/b', '3:workbench/c']);
        expect(entries[1]?.event.type).toBe('workbench-alert');
        expect(await journal.checkpoint('workbench')).toEqual({ page: 2 });
      });

      it('numbers a large batch with duplicates among it consecutively; a duplicate draws no seq', async () => {
        await journal.append('wb', [storedSecurityEvent('wb', 'k-0'), storedSecurityEvent('wb', 'k-5')], { page: 1 });
        const keys = Array.from({ length: 300 }, (_, n) => (n % 7 === 6 ? `k-${n - 6}` : `k-${n}`));
        const events = keys.map((key, n) => storedSecurityEvent('wb', key, { raw: { n } }));
        const firsts = new Map<string, SecurityEvent>();
        for (const event of events) if (event.key !== 'k-0' && event.key !== 'k-5' && !firsts.has(event.key)) firsts.set(event.key, event);
        expect(await journal.append('wb', events, { page: 2 })).toEqual({ appended: firsts.size, duplicates: 300 - firsts.size });
        const expected = [...firsts.values()].map((event, n) => ({ seq: n + 3, event }));
        expect(await journal.read('siem', { limit: 1_000, after: 2 })).toEqual(expected);
        await reopen();
        expect(await journal.read('siem', { limit: 1_000, after: 2 })).toEqual(expected);
        expect(await journal.head()).toBe(2 + firsts.size);
      });

      it('keeps the same key from two sources as two events', async () => {
        await journal.append('workbench', [storedSecurityEvent('workbench', 'same')], {});
        expect(await journal.append('oat', [storedSecurityEvent('oat', 'same')], {})).toEqual({ appended: 1, duplicates: 0 });
        expect(keysOf(await journal.read('siem', { limit: 10 }))).toEqual(['1:workbench/same', '2:oat/same']);
      });

      it('stores the checkpoint of an empty batch, and none for a source never appended', async () => {
        await journal.append('audit', [], { since: '2025-01-01T00:00:00Z' });
        expect(await journal.checkpoint('audit')).toEqual({ since: '2025-01-01T00:00:00Z' });
        expect(await journal.checkpoint('never')).toBeUndefined();
        expect(await journal.head()).toBe(0);
      });

      it('stores neither events nor checkpoint when an event of the batch cannot be serialised, and goes on afterwards', async () => {
        await journal.append('workbench', [storedSecurityEvent('workbench', 'kept')], { page: 1 });
        const unserialisable = storedSecurityEvent('workbench', 'bad', { raw: { size: 10n } as unknown as SecurityEvent['raw'] });
        const error = await rejectionOf(
          journal.append('workbench', [storedSecurityEvent('workbench', 'n1'), unserialisable, storedSecurityEvent('workbench', 'n3')], { page: 2 }),
        );
        expect(SyslogConnectorError.hasCode(error, 'PLUGIN_INVALID')).toBe(true);
        expect((error as SyslogConnectorError).path).toBe('sources.workbench');
        expect((error as SyslogConnectorError).message).toContain('event bad is not JSON');
        expect(keysOf(await journal.read('siem', { limit: 10 }))).toEqual(['1:workbench/kept']);
        expect(await journal.checkpoint('workbench')).toEqual({ page: 1 });
        expect(await journal.append('workbench', [storedSecurityEvent('workbench', 'n1')], { page: 2 })).toEqual({ appended: 1, duplicates: 0 });
        expect(keysOf(await journal.read('siem', { limit: 10 }))).toEqual(['1:workbench/kept', '2:workbench/n1']);
      });

      it('stores none of the events when the checkpoint cannot be serialised', async () => {
        const error = await rejectionOf(
          journal.append('workbench', [storedSecurityEvent('workbench', 'a')], { page: 2n } as unknown as Record<string, string>),
        );
        expect(SyslogConnectorError.hasCode(error, 'PLUGIN_INVALID')).toBe(true);
        expect((error as SyslogConnectorError).message).toContain('checkpoint');
        expect(await journal.read('siem', { limit: 10 })).toEqual([]);
        expect(await journal.checkpoint('workbench')).toBeUndefined();
      });

      it('rejects an event without a finite time and stores nothing of its batch', async () => {
        const error = await rejectionOf(
          journal.append('workbench', [storedSecurityEvent('workbench', 'a'), storedSecurityEvent('workbench', 'b', { time: Number.NaN })], { page: 1 }),
        );
        expect((error as SyslogConnectorError).message).toBe('Source "workbench" produced an event that cannot be stored: event b: `time` must be a finite number.');
        expect(await journal.head()).toBe(0);
      });

      it('stores an event labelled with another source under the append source, warning once per source', async () => {
        const logger = new RecordingLogger();
        await reopen({ logger });
        await journal.append('workbench', [storedSecurityEvent('vision-one-workbench', 'a'), storedSecurityEvent('vision-one-workbench', 'b')], {});
        await journal.append('workbench', [storedSecurityEvent('vision-one-workbench', 'c')], {});
        expect(keysOf(await journal.read('siem', { limit: 10, sources: ['workbench'] }))).toEqual([
          '1:vision-one-workbench/a',
          '2:vision-one-workbench/b',
          '3:vision-one-workbench/c',
        ]);
        expect(logger.records.filter((record) => record.level === 'warn')).toEqual([
          {
            level: 'warn',
            fields: { source: 'workbench', eventSource: 'vision-one-workbench', key: 'a' },
            message: 'Source produced events labelled with another source id.',
          },
        ]);
      });

      it('returns at most `limit` entries, oldest first, and nothing for limit 0', async () => {
        await journal.append('workbench', ['a', 'b', 'c', 'd'].map((key) => storedSecurityEvent('workbench', key)), {});
        expect(keysOf(await journal.read('siem', { limit: 2 }))).toEqual(['1:workbench/a', '2:workbench/b']);
        expect(await journal.read('siem', { limit: 0 })).toEqual([]);
        await expect(journal.read('siem', { limit: -1 })).rejects.toThrow(RangeError);
      });
    });

    describe('cursors and dead letters', () => {
      beforeEach(async () => {
        await journal.append('workbench', ['w1', 'w2', 'w3'].map((key) => storedSecurityEvent('workbench', key)), {});
        await journal.append('oat', ['o1', 'o2'].map((key) => storedSecurityEvent('oat', key)), {});
        await journal.append('audit', ['a1'].map((key) => storedSecurityEvent('audit', key)), {});
        await journal.append('workbench', ['w4'].map((key) => storedSecurityEvent('workbench', key)), {});
      });

      it('keeps one independent cursor per destination, starting at 0', async () => {
        await journal.ack('siem', 2, 2);
        expect(keysOf(await journal.read('siem', { limit: 2 }))).toEqual(['3:workbench/w3', '4:oat/o1']);
        expect(keysOf(await journal.read('archive', { limit: 2 }))).toEqual(['1:workbench/w1', '2:workbench/w2']);
        expect(await journal.progress('siem')).toEqual({ destination: 'siem', cursor: 2, delivered: 2, deadLettered: 0, dropped: 0 });
        expect(await journal.progress('archive')).toEqual({ destination: 'archive', cursor: 0, delivered: 0, deadLettered: 0, dropped: 0 });
      });

      it('reads only the given sources, in seq order, after the cursor or after `after`', async () => {
        expect(keysOf(await journal.read('siem', { limit: 10, sources: ['oat', 'audit'] }))).toEqual(['4:oat/o1', '5:oat/o2', '6:audit/a1']);
        expect(keysOf(await journal.read('siem', { limit: 3, sources: ['workbench', 'audit', 'workbench'] }))).toEqual([
          '1:workbench/w1',
          '2:workbench/w2',
          '3:workbench/w3',
        ]);
        await journal.ack('siem', 5, 2);
        expect(keysOf(await journal.read('siem', { limit: 10, sources: ['workbench', 'audit'] }))).toEqual(['6:audit/a1', '7:workbench/w4']);
        expect(await journal.read('siem', { limit: 10, sources: [] })).toEqual([]);
        expect(await journal.read('siem', { limit: 10, sources: ['unknown'] })).toEqual([]);
        expect(keysOf(await journal.read('siem', { limit: 10, after: 6 }))).toEqual(['7:workbench/w4']);
        expect((await journal.progress('siem')).cursor).toBe(5);
      });

      it('never moves a cursor backwards, while still counting what was delivered', async () => {
        await journal.ack('siem', 5, 5);
        await journal.ack('siem', 3, 1);
        expect(await journal.progress('siem')).toEqual({ destination: 'siem', cursor: 5, delivered: 6, deadLettered: 0, dropped: 0 });
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
        await journal.deadLetter('siem', first, 'CEF extension value too long');
        await journal.deadLetter('siem', second, 'unsupported type');
        await journal.deadLetter('archive', first, 'other formatter');
        expect(await journal.progress('siem')).toEqual({ destination: 'siem', cursor: 0, delivered: 0, deadLettered: 2, dropped: 0 });
        expect(await journal.progress('archive')).toEqual({ destination: 'archive', cursor: 0, delivered: 0, deadLettered: 1, dropped: 0 });
        const letters = await journal.deadLetters('siem');
        expect(letters.map(({ id: _id, ...letter }) => letter)).toStrictEqual([
          { destination: 'siem', seq: 1, source: 'workbench', key: 'w1', reason: 'CEF extension value too long', event: first.event, at: NOW },
          { destination: 'siem', seq: 2, source: 'workbench', key: 'w2', reason: 'unsupported type', event: second.event, at: NOW },
        ]);
        expect((letters[0]?.id ?? 0) < (letters[1]?.id ?? 0)).toBe(true);
        expect(await journal.deadLetters('siem', { limit: 1 })).toHaveLength(1);
        await journal.ack('siem', 2, 0);
        expect(await journal.progress('siem')).toEqual({ destination: 'siem', cursor: 2, delivered: 0, deadLettered: 2, dropped: 0 });
      });

      it('keeps each item a source set aside once per (source, key), across a reopen', async () => {
        const letter = { key: 'poison-12000', reason: 'nested deeper than 64 levels (limits.itemDepth)', excerpt: '{"id":"poison-12000"', time: 1_749_999_999_000 };
        expect(await journal.deadLetterAtSource('workbench', [letter, { ...letter, key: 'window:a/b', reason: 'window skipped' }])).toBe(2);
        expect(await journal.deadLetterAtSource('workbench', [letter])).toBe(0);
        await reopen();
        expect(await journal.sourceDeadLetterCount('workbench')).toBe(2);
        expect(await journal.sourceDeadLetterCount('oat')).toBe(0);
      });

      it('counts the backlog of a destination among its sources, with the oldest event time', async () => {
        await journal.ack('siem', 1, 1);
        expect(await journal.backlog({ destination: 'siem' })).toEqual({ events: 6, oldestTime: 1_700_000_000_000 });
        expect(await journal.backlog({ destination: 'oat-only', sources: ['oat'] })).toEqual({ events: 2, oldestTime: 1_700_000_000_000 });
        await journal.ack('siem', 7, 6);
        expect(await journal.backlog({ destination: 'siem' })).toEqual({ events: 0, oldestTime: undefined });
      });
    });

    describe('lifetime and state', () => {
      it('keeps events, checkpoints, cursors, dead letters and state across close and reopen', async () => {
        const events = [storedSecurityEvent('workbench', 'a'), storedSecurityEvent('workbench', 'b'), storedSecurityEvent('oat', 'c')];
        await journal.append('workbench', events.slice(0, 2), { page: 'p2' });
        await journal.append('oat', events.slice(2), { until: 99 });
        await journal.ack('siem', 1, 1);
        await journal.deadLetter('siem', { seq: 2, event: events[1] as SecurityEvent }, 'rejected');
        await journal.state.set('workbench', 'token-expiry', '2030-01-01');
        await reopen();
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
        expect(await journal.append('workbench', [storedSecurityEvent('workbench', 'a')], { page: 'p3' })).toEqual({ appended: 0, duplicates: 1 });
      });

      it('keeps state namespaces apart and returns the last value set', async () => {
        expect(await journal.state.get('source.workbench', 'token')).toBeUndefined();
        await journal.state.set('source.workbench', 'token', 'first');
        await journal.state.set('source.workbench', 'token', 'second\r\n|🔑');
        await journal.state.set('source.oat', 'token', 'o');
        expect(await journal.state.get('source.workbench', 'token')).toBe('second\r\n|🔑');
        expect(await journal.state.get('source.oat', 'token')).toBe('o');
      });

      it('refuses calls after close with STORE_UNAVAILABLE, never naming a secret value; closing twice is harmless', async () => {
        const state = journal.state;
        await journal.close();
        await journal.close();
        const error = await rejectionOf(journal.head());
        expect(SyslogConnectorError.hasCode(error, 'STORE_UNAVAILABLE')).toBe(true);
        expect((error as SyslogConnectorError).message).toMatch(/ is closed\.$/);
        const write = await rejectionOf(state.set('source.workbench', 'token', 'secret-value'));
        expect(SyslogConnectorError.hasCode(write, 'STORE_UNAVAILABLE')).toBe(true);
        expect((write as SyslogConnectorError).describe()).not.toContain('secret-value');
      });
    });

    describe('compaction', () => {
      it('removes only what every destination wanting the source has passed, and nothing before the destinations are known', async () => {
        await journal.append('wb', bulky('wb', 0, 5), { n: 5 });
        await journal.append('oat', bulky('oat', 0, 3), { n: 3 });
        await journal.ack('all', 7, 7);
        expect(await journal.compact()).toBe(0);
        await journal.setConsumers([{ destination: 'all' }, { destination: 'wb-only', sources: ['wb'] }]);
        await journal.ack('wb-only', 3, 3);
        expect(await journal.compact()).toBe(3 + 2);
        expect((await journal.read('wb-only', { limit: 10, sources: ['wb'] })).map((e) => e.seq)).toEqual([4, 5]);
        expect((await journal.read('all', { limit: 10 })).map((e) => e.seq)).toEqual([8]);
        expect(await journal.head()).toBe(8);
      });

      it('still recognises the key of a compacted event when an overlapping poll returns it again, until the retention ends', async () => {
        let now = 1_000_000;
        const j = await reopen({ clock: { now: () => now }, keyRetentionMs: 10_000 });
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

    describe('budget', () => {
      const budget = 256 * 1024;

      it('block: refuses the batch once the budget is reached, keeps the checkpoint, and accepts again after delivery', async () => {
        const j = await reopen({ maxBytes: budget });
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
        expect((error as SyslogConnectorError).message).toMatch(new RegExp(`is full \\(budget ${budget} bytes reached\\)\\.$`));
        expect((error as SyslogConnectorError).path).toBe('journal.maxSize');
        expect(await j.usage()).toMatchObject({ maxBytes: budget, policy: 'block', full: true });
        expect(await j.checkpoint('wb')).toEqual({ page: stored / 10 - 1 });
        expect(await count(j, 'siem')).toBe(stored);
        await j.ack('siem', await j.head(), stored);
        expect(await j.compact()).toBe(stored);
        expect((await j.usage()).full).toBe(false);
        expect(await j.append('wb', bulky('wb', 10_000, 10), { page: 'next' })).toEqual({ appended: 10, duplicates: 0 });
      });

      it('drop-oldest: stays within the budget, drops the oldest, and counts them per destination that had not delivered them', async () => {
        const logger = new RecordingLogger();
        const j = await reopen({ maxBytes: budget, whenFull: 'drop-oldest', logger });
        await j.setConsumers([{ destination: 'siem' }, { destination: 'oat-only', sources: ['oat'] }]);
        for (let page = 0; page < 60; page += 1) await j.append('wb', bulky('wb', page * 10, 10), { page });
        const usage = await j.usage();
        expect(usage.bytes).toBeLessThanOrEqual(budget);
        expect(usage.full).toBe(false);
        const left = await count(j, 'siem');
        const progress = await j.progress('siem');
        expect(left + progress.dropped).toBe(600);
        expect(progress.dropped).toBeGreaterThan(0);
        expect((await j.read('siem', { limit: 1_000 })).map((e) => e.seq)).toEqual(Array.from({ length: left }, (_, i) => 600 - left + 1 + i));
        expect((await j.progress('oat-only')).dropped).toBe(0);
        const warnings = logger.records.filter((entry) => entry.message.startsWith('Journal full: oldest undelivered events dropped'));
        expect(warnings.reduce((sum, entry) => sum + Number((entry.fields as Record<string, unknown>)['dropped']), 0)).toBe(progress.dropped);
      });

      it('drop-oldest never counts what a destination already delivered', async () => {
        const j = await reopen({ maxBytes: budget, whenFull: 'drop-oldest' });
        await j.setConsumers([{ destination: 'siem' }]);
        for (let page = 0; page < 60; page += 1) {
          await j.append('wb', bulky('wb', page * 10, 10), { page });
          await j.ack('siem', await j.head(), 10);
        }
        expect((await j.progress('siem')).dropped).toBe(0);
      });
    });
  });
};
