import type { ConnectorConfig, Journal, Logger, StateStore } from '@syslog-connector/core';
import { openThreadedStore } from '@syslog-connector/store-sqlite';

/**
 * Opens the embedded store under the config's `stateDir` with its `journal:` budget and policy: the journal and
 * the plugin state live in one SQLite database, whose connection runs on a worker thread (`ThreadedJournal`) so
 * that storing never holds the event loop that polls, formats and sends.
 */
export const openJournal = async (
  config: Pick<ConnectorConfig, 'stateDir' | 'journal'>,
  logger?: Logger,
): Promise<{ journal: Journal; state: StateStore }> => {
  const journal = await openThreadedStore(config.stateDir, {
    maxBytes: config.journal.maxSize,
    whenFull: config.journal.whenFull,
    ...(logger === undefined ? {} : { logger }),
  });
  return { journal, state: journal.state };
};
