// Figures for the README, not targets: `pnpm bench` in this package (vitest 5 `bench` fixture, Tinybench).
// Real files in a temporary folder, as in production: both engines (sqlite: WAL + synchronous=NORMAL; log: segments).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecurityEvent } from '@syslog-connector/core';
import { afterAll, test } from 'vitest';
import { ENGINES, openJournalIn } from '../test/fixtures/engines.js';
import { securityEvent } from '../test/fixtures/security-events.js';

const BATCH = 1_000;
const READ_BATCH = 500;
const RUN = { time: 2_000, warmupIterations: 3 };
const folder = mkdtempSync(join(tmpdir(), 'store-sqlite-bench-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const batchOf = (source: string, from: number): SecurityEvent[] =>
  Array.from({ length: BATCH }, (_, index) => securityEvent(source, `${source}-${from + index}`));

for (const engine of ENGINES) {
  test(`${engine}: append ${BATCH}-event batches`, async ({ bench }) => {
    const journal = await openJournalIn(engine, join(folder, `${engine}-append`));
    let next = 0;
    const duplicates = batchOf('oat', 0);
    await journal.append('oat', duplicates, { page: 0 });
    try {
      await bench.compare(
        bench(`${engine}: append ${BATCH} new events + checkpoint (one transaction)`, async () => {
          await journal.append('workbench', batchOf('workbench', next), { page: next });
          next += BATCH;
        }),
        bench(`${engine}: append ${BATCH} duplicate events + checkpoint`, async () => {
          await journal.append('oat', duplicates, { page: 0 });
        }),
        RUN,
      );
    } finally {
      await journal.close();
    }
  });

  test(`${engine}: read ${READ_BATCH} + ack`, async ({ bench }) => {
    const journal = await openJournalIn(engine, join(folder, `${engine}-read`));
    for (let from = 0; from < 50_000; from += BATCH) {
      const source = from % (2 * BATCH) === 0 ? 'workbench' : 'oat';
      await journal.append(source, batchOf(source, from), { page: from });
    }
    // Each destination walks the journal once; a fresh one starts at 0 when the previous reached the head.
    let round = 0;
    const readAndAck = async (label: string, sources?: readonly string[]) => {
      const destination = `${label}-${round}`;
      const entries = await journal.read(destination, { limit: READ_BATCH, ...(sources === undefined ? {} : { sources }) });
      const last = entries.at(-1);
      if (last === undefined) {
        round += 1;
        return;
      }
      await journal.ack(destination, last.seq, entries.length);
    };
    try {
      await bench.compare(
        bench(`${engine}: read ${READ_BATCH} + ack (all sources)`, () => readAndAck('all')),
        bench(`${engine}: read ${READ_BATCH} + ack (one of two sources)`, () => readAndAck('oat', ['oat'])),
        RUN,
      );
    } finally {
      await journal.close();
    }
  });
}
