/**
 * `@syslog-connector/core`: the plugin API — the contracts a source, formatter or transport implements, `define*`,
 * the services a plugin may ask for, errors, the schema helpers and `z`. Nothing here runs a pipeline: the host's
 * engine is `@syslog-connector/core/engine`, which plugins may not import. `index.test.ts` lists every export.
 */
export { z } from 'zod';
export * from './security-event.js';
export * from './event-contract.js';
export * from './service-ref.js';
export * from './services.js';
export * from './errors.js';
export * from './secret-redaction.js';
export * from './source.js';
export * from './formatter.js';
export * from './transport.js';
export * from './journal.js';
export * from './plugin-definition.js';
export * from './duration.js';
export * from './byte-size.js';
export * from './system-clock.js';
export * from './syslog-priority.js';
export * from './parse-json.js';
export * from './source-limits.js';
export * from './narrowing-windows.js';
export * from './request-gate.js';
export * from './request-signal.js';
