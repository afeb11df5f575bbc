import type { ConnectorConfig, Journal, Logger, StateStore } from '@syslog-connector/core';
import { openStore } from '@syslog-connector/store-sqlite';

/**
 * Opens the embedded store under the config's `stateDir` with its `journal:` budget and policy: the journal and
 * the plugin state live in one SQLite database.
 */
export const openJournal = async (
  config: Pick<ConnectorConfig, 'stateDir' | 'journal'>,
  logger?: Logger,
): Promise<{ journal: Journal; state: StateStore }> => {
  const journal = await openStore(config.stateDir, {
    maxBytes: config.journal.maxSize,
    whenFull: config.journal.whenFull,
    ...(logger === undefined ? {} : { logger }),
  });
  return { journal, state: journal.state };
};
