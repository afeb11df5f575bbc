export * from './suites.js';
export { RecordingMetrics } from './recording-metrics.js';
export {
  FORMATTER_SAMPLE_EVENTS,
  MDI_SECURITY_ALERT_SAMPLE,
  TREND_ACCOUNT_AUDIT_SAMPLE,
  TREND_WORKBENCH_ALERT_SAMPLE,
} from './sample-events.js';
export { hostileSecurityEvents } from './hostile-security-events.js';
export { expectedCefFields } from './expected-cef-fields.js';
export { sendOctetCounted } from './octet-counting-sender.js';
export { propertyRuns } from './property-runs.js';
export { visionOneEventCorpus, type VisionOneEventCorpusOptions } from './vision-one-event-corpus.js';
export { RecordingLogger, type LogRecord } from './recording-logger.js';
export {
  FORMATTER_TEST_HOST,
  WORKBENCH_CEF_HEAD,
  bareWorkbenchAlert,
  expectFormatterPlugin,
  expectedPri,
  formatEvery,
  formatRejection,
  formatterCache,
  formatterMaker,
  formatterPluginContext,
  headerToken,
  interopEvents,
  oracleRoundTrip,
  readmeExamples,
  sendToOracle,
  useOracle,
  withExtensions,
  withRecord,
  workbenchCefLine,
  type FormatterClass,
  type FormatterMaker,
  type FormatterOptionsSchema,
  type FormatterTestDeps,
  type MadeFormatter,
  type ReadmeExamples,
} from './formatter-test-kit.js';
