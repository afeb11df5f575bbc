// The conformance suites of the three kinds and what they share: the surface of the plugin kit
// (`@syslog-connector/testing/plugin-kit`) and of this kit alike.
export { describeFormatterConformance, type FormatterConformanceOptions } from './describe-formatter-conformance.js';
export {
  conformanceMessage,
  describeTransportConformance,
  type ConformanceServer,
  type ConformanceTarget,
  type TransportConformanceOptions,
} from './transport-conformance.js';
export { describeSourceConformance, type SourceConformanceOptions, type SourceConformanceWorld } from './describe-source-conformance.js';
export { bindSuiteDeps, describeDefinitionChecks, memoryStateStore, type SuiteServices } from './plugin-harness.js';
