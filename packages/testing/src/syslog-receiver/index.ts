// The syslog receiver itself lives in @syslog-connector/simulators (the demo uses it); the test kit adds a listener
// that never reads, for backpressure and timeout tests.
export { UnresponsiveListener } from './unresponsive-listener.js';
