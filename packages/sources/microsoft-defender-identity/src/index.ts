export { microsoftDefenderIdentitySource } from './microsoft-defender-identity-source.js';
export { mdiOptions, MDI_NOTIFICATIONS, type MdiNotification, type MdiOptions } from './mdi-options.js';
export { MdiSource, ALERTS_PATH, HEALTH_ISSUES_PATH, MDI_SERVICE_SOURCE, SAFETY_LAG_MS, OVERLAP_MS, type MdiSourceDeps } from './mdi-source.js';
export {
  mdiAlertCefRecord,
  mdiHealthIssueCefRecord,
  mdiSeverity,
  mdiSyslogProfile,
  readMdiAlert,
  readMdiHealthIssue,
  MDI_VENDOR,
  MDI_PRODUCT,
  MDI_DEVICE_VERSION,
  MDI_HEALTH_URL,
  type MdiAlertFields,
  type MdiHealthIssueFields,
  type MdiTrigger,
} from './mdi-cef-record.js';
export { MDI_ALERT_TYPES, mdiAlertType, derivedTypeName, type MdiAlertType, type MdiAlertTypeEntry } from './mdi-alert-types.js';
export { GraphClient, TOKEN_RENEWAL_MS, DEFAULT_MAX_CONCURRENT_REQUESTS, type GraphClientOptions, type GraphClientTuning, type GraphPage } from './graph-client.js';
export { loadGraphCredential, clientAssertion, type GraphCredential } from './graph-credential.js';
export { GraphRequestBudget, graphRequestBudget, parseRetryAfter } from './graph-request-budget.js';
export { microsoftDefenderIdentitySource as default } from './microsoft-defender-identity-source.js';
