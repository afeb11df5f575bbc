export * from './syslog-receiver/index.js';
export * from './vision-one-simulator/index.js';
export * from './certificates/index.js';
export * from './oracles/index.js';
export * from './graph-simulator/index.js';
export * from './conformance/index.js';
export * from './assertions/index.js';
export * from './machine/index.js';
