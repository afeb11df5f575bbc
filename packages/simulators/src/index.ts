// Stand-ins for the systems around the connector, with no test runner: the Vision One API, Microsoft Graph and a
// SIEM's syslog receiver, all on loopback. `syslog-connector demo` runs on them; the test kit re-exports them.
export * from './syslog-receiver/index.js';
export * from './vision-one-simulator/index.js';
export * from './graph-simulator/index.js';
export { SteppedClock } from './stepped-clock.js';
export { deepItemJson, misbehaviourApplies, type Misbehaviour } from './misbehaviour.js';
