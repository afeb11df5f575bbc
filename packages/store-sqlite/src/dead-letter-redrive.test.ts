import { join } from 'node:path';
import { type Journal } from '@syslog-connector/core';
import { InMemoryJournal } from '@syslog-connector/core/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { securityEvent, temporaryFolder } from '../test/fixtures/security-events.js';
import { SqliteJournal } from './sqlite-journal.js';

/**
 * The journal contract's dead letters for the console (issue #17): `listDeadLetters` (both kinds, newest first)
 * and `redriveDeadLetter` (removed only once `deliver` resolved), the same for the durable store and the in-memory
 * journal.
 */
const closing: Journal[] = [];
afterEach(async () => {
  for (const journal of closing.splice(0)) await journal.close();
});

let now = 1_750_000_000_000;
const implementations: ReadonlyArray<[string, () => Promise<Journal>]> = [
  ['SqliteJournal', () => SqliteJournal.open({ path: join(temporaryFolder().path, 'journal.db'), clock: { now: () => now } })],
  ['InMemoryJournal', async () => new InMemoryJournal()],
];

describe.each(implementations)('%s dead letters', (_name, open) => {
  it('lists destination and source dead letters, newest first, limited, by destination', async () => {
    const journal = await open();
    closing.push(journal);
    await journal.append('workbench', [securityEvent('workbench', 'w1'), securityEvent('workbench', 'w2')], { page: 1 });
    const [first, second] = await journal.read('siem', { limit: 2 });
    if (first === undefined || second === undefined) throw new Error('fixture has events');
    await journal.deadLetter('siem', first, 'extension key "bad key" is not valid');
    now += 1_000;
    await new Promise((resolve) => setTimeout(resolve, 5)); // the in-memory journal stamps with Date.now()
    await journal.deadLetterAtSource('oat', [{ key: 'poison', reason: 'nested too deep', excerpt: '{"id":"poison"', time: now }]);
    now += 1_000;
    await new Promise((resolve) => setTimeout(resolve, 5)); // the in-memory journal stamps with Date.now()
    await journal.deadLetter('archive', second, 'too long');

    const all = await journal.listDeadLetters?.({ limit: 10 });
    expect(all?.map((l) => [l.kind, l.source, l.key])).toEqual([
      ['destination', 'workbench', 'w2'],
      ['source', 'oat', 'poison'],
      ['destination', 'workbench', 'w1'],
    ]);
    expect(all?.[2]).toMatchObject({ kind: 'destination', destination: 'siem', seq: first.seq, reason: 'extension key "bad key" is not valid', event: first.event });
    expect(await journal.listDeadLetters?.({ limit: 1 })).toHaveLength(1);
    expect((await journal.listDeadLetters?.({ limit: 10, destination: 'siem' }))?.map((l) => l.key)).toEqual(['w1']);
  });

  it('re-drives a letter: kept while delivery fails, removed once delivered, the count stays all-time', async () => {
    const journal = await open();
    closing.push(journal);
    await journal.append('workbench', [securityEvent('workbench', 'w1')], { page: 1 });
    const [entry] = await journal.read('siem', { limit: 1 });
    if (entry === undefined) throw new Error('fixture has an event');
    await journal.deadLetter('siem', entry, 'rejected');
    const [letter] = (await journal.listDeadLetters?.({ limit: 10 })) ?? [];
    if (letter?.kind !== 'destination') throw new Error('a destination letter');

    await expect(journal.redriveDeadLetter?.(letter.id, async () => Promise.reject(new Error('still refused')))).rejects.toThrow('still refused');
    expect(await journal.listDeadLetters?.({ limit: 10 })).toHaveLength(1);

    const delivered: string[] = [];
    expect(await journal.redriveDeadLetter?.(letter.id, async (l) => void delivered.push(l.event.key))).toBe(true);
    expect(delivered).toEqual(['w1']);
    expect(await journal.listDeadLetters?.({ limit: 10 })).toEqual([]);
    expect(await journal.redriveDeadLetter?.(letter.id, async () => undefined)).toBe(false);
    expect((await journal.progress('siem')).deadLettered).toBe(1);
  });
});
