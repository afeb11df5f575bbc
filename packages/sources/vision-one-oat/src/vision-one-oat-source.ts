import { defineSource, services } from '@syslog-connector/core';
import { visionOneAdvice } from '@syslog-connector/vision-one-client';
import { oatOptions } from './oat-options.js';
import { OatSource } from './oat-source.js';

/** `type: vision-one-oat`: Trend Vision One Observed Attack Techniques as Trend's CEF 900002 (FACTS §A.3, §A.4, §B.6). */
export const visionOneOatSource = defineSource({
  type: 'vision-one-oat',
  meta: { summary: 'Trend Vision One Observed Attack Techniques, filtered by risk level, mapped to Trend CEF 900002', stability: 'beta' },
  options: oatOptions,
  deps: { clock: services.clock, logger: services.logger, metrics: services.metrics },
  // A missing companyId works, but every line lacks Trend's TrendMicroV1CompanyID: `validate` warns.
  advise: visionOneAdvice,
  create: (context) => new OatSource(context, context.options, context.deps),
});
