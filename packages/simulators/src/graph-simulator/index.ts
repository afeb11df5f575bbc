export { GraphSimulator, type GraphInjectedStatus, type GraphRecordedRequest, type GraphSimulatorOptions, type GraphTenant, type GraphTenantOptions } from './graph-simulator.js';
export { graphTime } from './graph-item-generator.js';
export type {
  GraphAlertSeverity,
  GraphAlertStatus,
  GraphDeviceEvidence,
  GraphHealthIssue,
  GraphSecurityAlert,
  GraphUserEvidence,
  HealthIssueSeverity,
  HealthIssueStatus,
} from './graph-items.js';
export { parseODataFilter, matchesODataFilter, ODataFilterSyntaxError, type ODataComparison, type ODataOperator } from './odata-filter.js';
