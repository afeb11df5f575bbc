import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SqliteJournal, type SqliteJournalOptions } from './sqlite-journal.js';
import { lockStateDir } from './state-dir-lock.js';
import { toStoreError } from './store-error.js';

/** The database file inside the config's `stateDir`. */
export const STORE_FILE_NAME = 'syslog-connector.db';

/** The journal's options but its file, which is always `<stateDir>/syslog-connector.db`. */
export interface OpenStoreOptions extends Omit<SqliteJournalOptions, 'path' | 'heldLock'> {
  /**
   * Open as the daemon of this `stateDir`: take its lock (`lockStateDir`) first, or fail with `STORE_LOCKED` naming
   * the PID of the daemon that has it; the lock goes with `close()`. Readers (`status`) leave it false (default).
   */
  readonly daemon?: boolean;
}

/**
 * Opens the store of a connector: creates `stateDir` when missing (mode 0700: it holds security events and
 * plugin secrets) and opens `<stateDir>/syslog-connector.db`. A relative `stateDir` is resolved against the
 * working directory. The state store is `sqliteStateStore(journal)`.
 */
export const openStore = async (stateDir: string, options: OpenStoreOptions = {}): Promise<SqliteJournal> => {
  const { daemon = false, ...journalOptions } = options;
  const path = storeFile(stateDir);
  if (!daemon) return SqliteJournal.open({ path, ...journalOptions });
  const lock = lockStateDir(stateDir);
  try {
    return await SqliteJournal.open({ path, ...journalOptions, heldLock: lock });
  } catch (error) {
    lock.release();
    throw error;
  }
};

/** `<stateDir>/syslog-connector.db`, creating `stateDir` (mode 0700) when missing. */
const storeFile = (stateDir: string): string => {
  const dir = resolve(stateDir);
  const file = join(dir, STORE_FILE_NAME);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw toStoreError(error, file, `creating the folder ${dir}`);
  }
  return file;
};
