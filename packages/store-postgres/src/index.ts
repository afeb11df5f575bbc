export { PostgresJournal, PostgresStateStore, type ListedPostgresDeadLetter, type PostgresDeadLetter, type PostgresJournalOptions, type PostgresStoreInfo } from './postgres-journal.js';
export { FencingTokens, LeaseLostError, leaseName, type HeldToken } from './fencing.js';
export { DEFAULT_SCHEMA, SCHEMA_VERSION } from './schema-migrations.js';
export { describeTarget, redactUrl, STORE_URL_CONFIG_PATH } from './store-error.js';
export { DEFAULT_LEASE_TIMEOUT_MS, LeaseCoordinator, readLeases, type LeaseCoordinatorOptions } from './lease-coordinator.js';
