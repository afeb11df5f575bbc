export { SqliteJournal, DEFAULT_RECENT_EVENTS, type DeadLetter, type SqliteJournalOptions, type StoreInfo } from './sqlite-journal.js';
export { LogJournal, type LogJournalOptions, type LogRecovery } from './log/log-journal.js';
export { SqliteStateStore, sqliteStateStore } from './sqlite-state-store.js';
export {
  openStore,
  STORE_FILE_NAME,
  JOURNAL_DIR_NAME,
  DEFAULT_JOURNAL_ENGINE,
  type OpenStoreOptions,
  type StoreJournal,
} from './open-store.js';
export { SCHEMA_VERSION, STORE_APPLICATION_ID } from './schema-migrations.js';
export { lockStateDir, STATE_DIR_LOCK_FILE, STATE_DIR_PID_FILE, type StateDirLock } from './state-dir-lock.js';
