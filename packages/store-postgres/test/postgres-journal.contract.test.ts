import { describeJournalContract, PrivatePostgres, postgresCondition, requireMachineCondition } from '@syslog-connector/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import { PostgresJournal } from '../src/index.js';

// One private server for the file; each test gets a schema of its own, so tests never see each other's rows.
describe.skipIf(requireMachineCondition(postgresCondition))('PostgresJournal', () => {
  let server: PrivatePostgres | undefined;
  let schema = '';
  let n = 0;
  beforeAll(async () => {
    server = await PrivatePostgres.start();
  }, 60_000);
  afterAll(async () => {
    await server?.remove();
  });

  describeJournalContract('PostgresJournal', {
    create: async () => {
      n += 1;
      schema = `contract_${n}`;
    },
    open: (options = {}) => PostgresJournal.open({ url: (server as PrivatePostgres).url(), schema, ...options }),
    destroy: async () => undefined,
  });
});
