export { visionOneAuditSource } from './vision-one-audit-source.js';
export { auditOptions, AUDIT_LOG_TYPES, type AuditOptions, type AuditLogType } from './audit-options.js';
export {
  AuditSource,
  AUDIT_LOGS_PATH,
  AUDIT_MAX_AGE_MS,
  INVALID_ITEMS_METRIC,
  SKIPPED_LOGS_METRIC,
  UNMAPPED_CATEGORY_METRIC,
  type AuditSourceDeps,
} from './audit-source.js';
export { AUDIT_CATEGORY_LOG_TYPES, auditLogTypeOf } from './audit-log-type.js';
export { auditLogSchema, parseAuditTime, readAuditLog, type AuditLog, type AuditLogFields } from './audit-log.js';
export { auditCefRecord, auditDetailsMessage, AUDIT_MSG_MAX_CHARS, AUDIT_SOURCE_CODES } from './audit-cef-record.js';
export { visionOneAuditSource as default } from './vision-one-audit-source.js';
