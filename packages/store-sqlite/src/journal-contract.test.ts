import { join } from 'node:path';
import { describeJournalContract } from '@syslog-connector/testing';
import { temporaryFolder } from '../test/fixtures/security-events.js';
import { SqliteJournal } from './sqlite-journal.js';

// The contract every store passes (the PostgreSQL store runs the same suite).
let folder: ReturnType<typeof temporaryFolder> | undefined;
describeJournalContract('SqliteJournal', {
  create: async () => {
    folder = temporaryFolder();
  },
  open: (options = {}) => SqliteJournal.open({ path: join((folder as ReturnType<typeof temporaryFolder>).path, 'journal.db'), ...options }),
  destroy: async () => folder?.remove(),
});
