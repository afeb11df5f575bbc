import type { Journal, JournalEngine, JournalFullPolicy, Logger, StateStore } from '@syslog-connector/core';
import type { ConnectorConfig } from '@syslog-connector/core/engine';
import { openStore } from '@syslog-connector/store-sqlite';

/**
 * Opens the embedded store under the config's `stateDir` with its `journal:` budget and policy: the journal and
 * the plugin state live in one SQLite database.
 */
/** The store options of the config's `journal:` section (budget, policy, engine, fsync): what `run` and `status` open the store with. */
export const journalBudget = (
  config: Pick<ConnectorConfig, 'journal'>,
): { maxBytes: number; whenFull: JournalFullPolicy; engine: JournalEngine; fsync: boolean } => ({
  maxBytes: config.journal.maxSize,
  whenFull: config.journal.whenFull,
  engine: config.journal.engine,
  fsync: config.journal.fsync,
});

export const openJournal = async (
  config: Pick<ConnectorConfig, 'stateDir' | 'journal'>,
  logger?: Logger,
): Promise<{ journal: Journal; state: StateStore }> => {
  // As the daemon of stateDir: a second one is refused with STORE_LOCKED naming this one's PID (`status` still reads).
  const journal = await openStore(config.stateDir, { ...journalBudget(config), daemon: true, ...(logger === undefined ? {} : { logger }) });
  return { journal, state: journal.state };
};
