/**
 * `@syslog-connector/core/engine`: the host's half of core — config loading and schema composition, the plugin
 * registry, the source and destination runners, the in-memory journal. The host app and the test kit import it;
 * a plugin never does (the root eslint config forbids it): a plugin's contract is the main entry alone, so the
 * engine can change without breaking a plugin built against an older core.
 */
export * from './config/plugin-registry.js';
export * from './config/config-schema.js';
export * from './config/config-json-schema.js';
export * from './config/destination-shared-keys.js';
export * from './config/admin-config.js';
export * from './config/config-issues.js';
export * from './config/config-advice.js';
export * from './config/load-config.js';
export * from './pipeline/source-runner.js';
export * from './pipeline/destination-runner.js';
export * from './in-memory-journal.js';
export * from './pipeline/place-error.js';
export * from './config/store-config.js';
export * from './work-assignment.js';
export * from './journal-serialization.js';
