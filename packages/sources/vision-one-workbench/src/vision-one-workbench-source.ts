import { defineSource, services } from '@syslog-connector/core';
import { visionOneAdvice } from '@syslog-connector/vision-one-client';
import { workbenchOptions } from './workbench-options.js';
import { WorkbenchSource } from './workbench-source.js';

/** `type: vision-one-workbench`: Trend Vision One Workbench alerts as Trend's CEF 900001 (FACTS §A.3, §A.4, §B.5). */
export const visionOneWorkbenchSource = defineSource({
  type: 'vision-one-workbench',
  meta: { summary: 'Trend Vision One Workbench alerts, mapped to Trend CEF 900001', stability: 'beta' },
  options: workbenchOptions,
  deps: { clock: services.clock, logger: services.logger, metrics: services.metrics },
  // A missing companyId works, but every line lacks Trend's TrendMicroV1CompanyID: `validate` warns.
  advise: visionOneAdvice,
  create: (context) => new WorkbenchSource(context, context.options, context.deps),
});
