// Figures for the README, not targets: `pnpm bench` in this package (vitest 5 `bench` fixture, Tinybench). The
// PostgreSQL journal beside the SQLite one in the same run, so the README gives a ratio, not a machine's speed: a
// private server (initdb, loopback TCP, synchronous_commit on, the default) and a SQLite file in the temp folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Journal, SecurityEvent } from '@syslog-connector/core';
import { SqliteJournal } from '@syslog-connector/store-sqlite';
import { PrivatePostgres, postgresCondition, requireMachineCondition, storedSecurityEvent } from '@syslog-connector/testing';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { FencingTokens, LeaseCoordinator, PostgresJournal } from '../src/index.js';

const BATCH = 1_000;
const READ_BATCH = 500;
const RUN = { time: 2_000, warmupIterations: 3 };
const folder = mkdtempSync(join(tmpdir(), 'store-postgres-bench-'));
let server: PrivatePostgres | undefined;

const batchOf = (source: string, from: number): SecurityEvent[] => Array.from({ length: BATCH }, (_, index) => storedSecurityEvent(source, `${source}-${from + index}`));

describe.skipIf(requireMachineCondition(postgresCondition))('PostgreSQL journal beside SQLite', () => {
  beforeAll(async () => {
    server = await PrivatePostgres.start();
  }, 60_000);
  afterAll(async () => {
    await server?.remove();
    rmSync(folder, { recursive: true, force: true });
  });

  test(`append ${BATCH}-event batches`, async ({ bench }) => {
    const sqlite = await SqliteJournal.open({ path: join(folder, 'append.db') });
    const postgres = await PostgresJournal.open({ url: (server as PrivatePostgres).url(), schema: 'bench_append' });
    // The fenced path, as a daemon of a shared store runs it: every append checks its lease in its transaction.
    const fencing = new FencingTokens();
    const fenced = await PostgresJournal.open({ url: (server as PrivatePostgres).url(), schema: 'bench_fenced', holder: 'bench', fencing });
    const coordinator = new LeaseCoordinator({ journal: fenced, instance: 'bench', leaseTimeoutMs: 60_000 });
    await coordinator.start([{ kind: 'source', id: 'workbench' }], { grant: async () => undefined, revoke: async () => undefined });
    // The first tick only joins; the lease is taken at the next one.
    await new Promise((resolve) => setTimeout(resolve, 10_500));
    const next = new Map<Journal, number>();
    const append = (journal: Journal) => async () => {
      const from = next.get(journal) ?? 0;
      await journal.append('workbench', batchOf('workbench', from), { page: from });
      next.set(journal, from + BATCH);
    };
    try {
      await bench.compare(
        bench(`SQLite: append ${BATCH} new events + checkpoint`, append(sqlite)),
        bench(`PostgreSQL: append ${BATCH} new events + checkpoint`, append(postgres)),
        bench(`PostgreSQL, fenced (lease checked): append ${BATCH} new events + checkpoint`, append(fenced)),
        RUN,
      );
    } finally {
      await coordinator.release();
      await Promise.all([sqlite.close(), postgres.close(), fenced.close()]);
    }
  }, 120_000);

  test(`read ${READ_BATCH} + ack`, async ({ bench }) => {
    // recentEvents 0: both read the database, not SQLite's in-memory tail (a destination that keeps up reads that).
    const sqlite = await SqliteJournal.open({ path: join(folder, 'read.db'), recentEvents: 0 });
    const postgres = await PostgresJournal.open({ url: (server as PrivatePostgres).url(), schema: 'bench_read' });
    for (const journal of [sqlite, postgres]) {
      for (let from = 0; from < 30_000; from += BATCH) await journal.append('workbench', batchOf('workbench', from), { page: from });
    }
    const rounds = new Map<Journal, number>();
    const readAndAck = (journal: Journal) => async () => {
      const destination = `siem-${rounds.get(journal) ?? 0}`;
      const entries = await journal.read(destination, { limit: READ_BATCH });
      const last = entries.at(-1);
      if (last === undefined) {
        rounds.set(journal, (rounds.get(journal) ?? 0) + 1);
        return;
      }
      await journal.ack(destination, last.seq, entries.length);
    };
    try {
      await bench.compare(bench(`SQLite: read ${READ_BATCH} + ack`, readAndAck(sqlite)), bench(`PostgreSQL: read ${READ_BATCH} + ack`, readAndAck(postgres)), RUN);
    } finally {
      await Promise.all([sqlite.close(), postgres.close()]);
    }
  }, 120_000);
});
