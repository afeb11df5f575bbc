// The simulators and the syslog receiver come from @syslog-connector/simulators (no test runner there); tests keep
// importing them from here.
export * from '@syslog-connector/simulators';
export * from './syslog-receiver/index.js';
export * from './relp-sink/index.js';
export * from './certificates/index.js';
export * from './oracles/index.js';
export * from './conformance/index.js';
export * from './assertions/index.js';
export * from './machine/index.js';
export * from './file-sink/index.js';
export * from './postgres/index.js';
export * from './journal-contract/index.js';
export * from './leef/index.js';
