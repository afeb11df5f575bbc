/**
 * `@syslog-connector/testing/plugin-kit`: what a plugin written outside this repository tests itself with — the
 * conformance suites of the three kinds, the simulators and syslog sinks they run against, the recording logger and
 * metrics, the certificate factory — without the oracles (rsyslog, syslog-ng, liblognorm daemons), the machine
 * checks or this repository's own formatter fixtures. `vitest` is a peer dependency: the suites use the consumer's
 * `describe`, `it` and `expect`.
 */
export * from '@syslog-connector/simulators';
export * from './conformance/suites.js';
export { RecordingLogger, type LogRecord } from './conformance/recording-logger.js';
export { RecordingMetrics } from './conformance/recording-metrics.js';
export { FORMATTER_SAMPLE_EVENTS, MDI_SECURITY_ALERT_SAMPLE, TREND_ACCOUNT_AUDIT_SAMPLE, TREND_WORKBENCH_ALERT_SAMPLE } from './conformance/sample-events.js';
export { hostileSecurityEvents } from './conformance/hostile-security-events.js';
export { visionOneEventCorpus, type VisionOneEventCorpusOptions } from './conformance/vision-one-event-corpus.js';
export { propertyRuns } from './conformance/property-runs.js';
export * from './certificates/index.js';
export * from './assertions/index.js';
export { RelpSink, sendOverRelp, type RelpReceivedMessage, type RelpSinkFrame, type RelpSinkOptions } from './relp-sink/index.js';
export { UnresponsiveListener } from './syslog-receiver/index.js';
export { FileSink } from './file-sink/index.js';
export * from './leef/index.js';
