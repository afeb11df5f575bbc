import { describeJournalContract, postgresCondition, usePrivatePostgres, requireMachineCondition } from '@syslog-connector/testing';
import { describe } from 'vitest';
import { PostgresJournal } from '../src/index.js';

// One private server for the file; each test gets a schema of its own, so tests never see each other's rows.
describe.skipIf(requireMachineCondition(postgresCondition))('PostgresJournal', () => {
  const server = usePrivatePostgres();
  let schema = '';
  let n = 0;

  describeJournalContract('PostgresJournal', {
    create: async () => {
      n += 1;
      schema = `contract_${n}`;
    },
    open: (options = {}) => PostgresJournal.open({ url: server().url(), schema, ...options }),
    destroy: async () => undefined,
  });
});
