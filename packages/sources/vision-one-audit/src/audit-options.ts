import { z } from '@syslog-connector/core';
import { visionOneConnection } from '@syslog-connector/vision-one-client';

/** FACTS §A.1: the console connector's audit log types. */
export const AUDIT_LOG_TYPES = ['account', 'system'] as const;
export type AuditLogType = (typeof AUDIT_LOG_TYPES)[number];

/** The config of a `vision-one-audit` source: the shared Vision One keys (connection, `companyId`) plus what this source adds. */
export const auditOptions = visionOneConnection.extend({
  logTypes: z
    .array(z.enum(AUDIT_LOG_TYPES))
    .min(1, 'must name at least one log type (account, system)')
    .default(['account', 'system'])
    .describe('Audit log types to forward: account (CEF 900003), system (CEF 900004)'),
});

export type AuditOptions = z.output<typeof auditOptions>;
