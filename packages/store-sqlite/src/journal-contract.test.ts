import type { JournalEngine } from '@syslog-connector/core/engine';
import { describeJournalContract } from '@syslog-connector/testing';
import { ENGINES, openJournalIn } from '../test/fixtures/engines.js';
import { temporaryFolder } from '../test/fixtures/security-events.js';

// The contract every store passes, on both engines of the embedded store (the PostgreSQL store runs the same suite).
const describeEngine = (engine: JournalEngine): void => {
  let folder: ReturnType<typeof temporaryFolder> | undefined;
  describeJournalContract(`${engine} engine`, {
    create: async () => {
      folder = temporaryFolder();
    },
    open: (options = {}) => openJournalIn(engine, (folder as ReturnType<typeof temporaryFolder>).path, options),
    destroy: async () => folder?.remove(),
  });
};
for (const engine of ENGINES) describeEngine(engine);
