import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { securityEvent, temporaryFolder } from '../../test/fixtures/security-events.js';
import { openJournalIn } from '../../test/fixtures/engines.js';
import { journalOperations, SOURCES, view } from '../../test/fixtures/journal-operations.js';
import type { StoreJournal } from '../open-store.js';

const operation = fc.oneof(...journalOperations, { weight: 1, arbitrary: fc.record({ op: fc.constant('reopen' as const) }) });

describe('the log engine against the sqlite engine', () => {
  // Differential: the same operations on both engines, every answer compared — appends (duplicates across batches,
  // sources and compaction), reads (from the tail, from segment files, after compaction, filtered by source), acks,
  // compaction counts, backlog, checkpoints, and all of it again after closing and reopening both. The log engine
  // has small segments (16 KiB) and a small in-memory tail, so segments roll, get deleted and are read back from disk.
  it('answers every call as the sqlite engine does', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 40 }), async (operations) => {
        const folder = temporaryFolder();
        const consumers = [{ destination: 'siem' }, { destination: 'oat-only', sources: ['oat'] }];
        const padding = 'x'.repeat(3_000);
        const open = async (): Promise<[StoreJournal, StoreJournal]> => {
          const sqlite = await openJournalIn('sqlite', `${folder.path}`, { path: `${folder.path}/sqlite.db`, dir: `${folder.path}/unused` });
          const log = await openJournalIn('log', folder.path, { recentEvents: 5, segmentBytes: 16 * 1024 });
          for (const journal of [sqlite, log]) await journal.setConsumers?.(consumers);
          return [sqlite, log];
        };
        let [sqlite, log] = await open();
        try {
          let page = 0;
          for (const step of operations) {
            if (step.op === 'append') {
              page += 1;
              const events = step.keys.map((k) => securityEvent(step.source, `${step.source}-${k}`, { raw: { k, padding } }));
              const results = await Promise.all([sqlite, log].map((j) => j.append(step.source, events, { page })));
              expect(results[1]).toEqual(results[0]);
            } else if (step.op === 'read') {
              const cursor = (await sqlite.progress(step.destination)).cursor;
              const after = step.back === null ? undefined : Math.max(0, cursor - step.back);
              const options = { limit: step.limit, ...(after === undefined ? {} : { after }), ...(step.destination === 'oat-only' ? { sources: ['oat'] } : {}) };
              expect(view(await log.read(step.destination, options))).toEqual(view(await sqlite.read(step.destination, options)));
            } else if (step.op === 'ack') {
              const head = await sqlite.head();
              const seq = Math.min(head, (await sqlite.progress(step.destination)).cursor + step.ahead);
              for (const journal of [sqlite, log]) await journal.ack(step.destination, seq, 1);
            } else if (step.op === 'compact') {
              const removed = await Promise.all([sqlite, log].map((j) => j.compact()));
              expect(removed[1]).toBe(removed[0]);
            } else {
              await Promise.all([sqlite.close(), log.close()]);
              [sqlite, log] = await open();
            }
            expect(await log.head()).toBe(await sqlite.head());
            for (const consumer of consumers) {
              expect(await log.backlog(consumer)).toEqual(await sqlite.backlog(consumer));
              expect(await log.progress(consumer.destination)).toEqual(await sqlite.progress(consumer.destination));
            }
            for (const source of SOURCES) expect(await log.checkpoint(source)).toEqual(await sqlite.checkpoint(source));
          }
        } finally {
          await Promise.all([sqlite.close(), log.close()]);
          folder.remove();
        }
      }),
      { numRuns: 40 },
    );
  }, 180_000);
});
