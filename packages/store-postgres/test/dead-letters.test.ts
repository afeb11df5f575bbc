import { postgresCondition, usePrivatePostgres, rejectionOf, requireMachineCondition, storedSecurityEvent } from '@syslog-connector/testing';
import { describe, expect, it } from 'vitest';
import { PostgresJournal } from '../src/index.js';

// The optional dead-letter listing and re-drive (the console's, issue #17), across two daemons of one store.
describe.skipIf(requireMachineCondition(postgresCondition))('PostgresJournal dead letters', () => {
  const server = usePrivatePostgres();

  it('lists both kinds newest first, and one daemon re-drives a letter while the other cannot take it', async () => {
    let now = 1_000;
    const url = server().url();
    const a = await PostgresJournal.open({ url, schema: 'letters', clock: { now: () => now } });
    const b = await PostgresJournal.open({ url, schema: 'letters' });
    try {
      await a.append('wb', [storedSecurityEvent('wb', 'w1'), storedSecurityEvent('wb', 'w2')], { page: 1 });
      const [first, second] = await a.read('siem', { limit: 2 });
      await a.deadLetter('siem', first as NonNullable<typeof first>, 'too long');
      now = 2_000;
      await a.deadLetterAtSource('wb', [{ key: 'poison', reason: 'too deep', excerpt: '{"id":"poison"', time: 5 }]);
      now = 3_000;
      await a.deadLetter('archive', second as NonNullable<typeof second>, 'unsupported');
      const all = await b.listDeadLetters({ limit: 10 });
      expect(all.map((l) => `${l.kind}:${l.kind === 'destination' ? l.destination : l.source}/${l.key}@${l.kind === 'destination' ? l.time : l.time}`)).toEqual([
        'destination:archive/w2@3000',
        'source:wb/poison@5',
        'destination:siem/w1@1000',
      ]);
      expect(await b.listDeadLetters({ limit: 1 })).toHaveLength(1);
      const siem = await b.listDeadLetters({ limit: 10, destination: 'siem' });
      expect(siem).toMatchObject([{ kind: 'destination', destination: 'siem', seq: 1, key: 'w1', reason: 'too long', event: first?.event }]);
      const id = (siem[0] as { id: number }).id;

      // A failing send keeps it; a re-drive on one daemon claims it against the other.
      expect(await rejectionOf(a.redriveDeadLetter(id, async () => Promise.reject(new Error('SIEM down'))))).toMatchObject({ message: 'SIEM down' });
      let release: () => void = () => undefined;
      const delivering = a.redriveDeadLetter(id, () => new Promise<void>((resolve) => (release = resolve)));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await b.redriveDeadLetter(id, async () => undefined)).toBe(false);
      release();
      expect(await delivering).toBe(true);
      expect(await b.listDeadLetters({ limit: 10, destination: 'siem' })).toEqual([]);
      expect(await b.redriveDeadLetter(id, async () => undefined)).toBe(false);
      // The all-time count does not go down.
      expect((await b.progress('siem')).deadLettered).toBe(1);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
