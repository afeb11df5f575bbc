import type { Journal, JournalFullPolicy, Logger, StateStore } from '@syslog-connector/core';
import type { ConnectorConfig, JournalEngine, WorkAssignment } from '@syslog-connector/core/engine';
import { LeaseCoordinator, PostgresJournal } from '@syslog-connector/store-postgres';
import { lockStateDir, openStore } from '@syslog-connector/store-sqlite';

/** The store options of the config's `journal:` section (budget, policy, engine, fsync): what `run` and `status` open the store with. */
export const journalBudget = (
  config: Pick<ConnectorConfig, 'journal'>,
): { maxBytes: number; whenFull: JournalFullPolicy; engine: JournalEngine; fsync: boolean } => ({
  maxBytes: config.journal.maxSize,
  whenFull: config.journal.whenFull,
  engine: config.journal.engine,
  fsync: config.journal.fsync,
});

/** An opened store: the journal, the plugin state, and with a shared store the leases that split the work. */
export interface OpenedStore {
  readonly journal: Journal;
  readonly state: StateStore;
  /** `store: postgres`: which sources and destinations this daemon works (issue #19). */
  readonly assignment?: WorkAssignment;
}

/**
 * Opens the daemon's store. `store: sqlite` (default): the embedded store under `stateDir` with the `journal:` budget
 * and policy, the journal and plugin state in one database. `store: postgres`: the shared store, with this daemon's
 * lease coordinator; the budget applies to the shared journal. Either way the daemon takes its own `stateDir` lock
 * first: a second daemon on the same folder is refused with STORE_LOCKED naming this one's PID (`status` still reads).
 */
export const openJournal = async (config: Pick<ConnectorConfig, 'stateDir' | 'journal' | 'store' | 'instance'>, logger?: Logger): Promise<OpenedStore> => {
  const store = config.store ?? { type: 'sqlite' };
  if (store.type === 'sqlite') {
    const journal = await openStore(config.stateDir, { ...journalBudget(config), daemon: true, ...(logger === undefined ? {} : { logger }) });
    return { journal, state: journal.state };
  }
  const lock = lockStateDir(config.stateDir);
  try {
    const journal = await PostgresJournal.open({
      url: store.url,
      schema: store.schema,
      poolSize: store.poolSize,
      // A daemon paused inside a transaction loses its session (and row locks) well within the lease timeout.
      sessionTimeoutMs: Math.floor(store.leaseTimeout / 4),
      ...journalBudget(config),
      holder: LeaseCoordinator.memberId(),
      heldLock: lock,
      ...(logger === undefined ? {} : { logger }),
    });
    const assignment = new LeaseCoordinator({ journal, instance: config.instance, leaseTimeoutMs: store.leaseTimeout, ...(logger === undefined ? {} : { logger }) });
    return { journal, state: journal.state, assignment };
  } catch (error) {
    lock.release();
    throw error;
  }
};
