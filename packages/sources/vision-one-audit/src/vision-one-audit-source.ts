import { defineSource, services } from '@syslog-connector/core';
import { visionOneAdvice } from '@syslog-connector/vision-one-client';
import { auditOptions } from './audit-options.js';
import { AuditSource } from './audit-source.js';

/** `type: vision-one-audit`: Trend Vision One audit logs as Trend's CEF 900003 / 900004 (FACTS §A.3, §A.4, §B.7). */
export const visionOneAuditSource = defineSource({
  type: 'vision-one-audit',
  meta: { summary: 'Trend Vision One audit logs (account, system), mapped to Trend CEF 900003 / 900004', stability: 'beta' },
  options: auditOptions,
  deps: { clock: services.clock, logger: services.logger, metrics: services.metrics },
  // A missing companyId works, but every line lacks Trend's TrendMicroV1CompanyID: `validate` warns.
  advise: visionOneAdvice,
  create: (context) => new AuditSource(context, context.options, context.deps),
});
