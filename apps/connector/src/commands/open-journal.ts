import type { Journal, Logger, StateStore } from '@syslog-connector/core';
import { openStore } from '@syslog-connector/store-sqlite';

/** Opens the embedded store under `stateDir`: the journal and the plugin state live in one SQLite database. */
export const openJournal = async (stateDir: string, logger?: Logger): Promise<{ journal: Journal; state: StateStore }> => {
  const journal = await openStore(stateDir, logger === undefined ? {} : { logger });
  return { journal, state: journal.state };
};
