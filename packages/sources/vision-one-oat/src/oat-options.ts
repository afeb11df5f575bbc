import { z } from '@syslog-connector/core';
import { visionOneConnection } from '@syslog-connector/vision-one-client';

/** FACTS §B.6: the risk levels of an OAT filter, highest first. */
export const OAT_RISK_LEVELS = ['critical', 'high', 'medium', 'low', 'info', 'undefined'] as const;
export type OatRiskLevel = (typeof OAT_RISK_LEVELS)[number];

/** The config of a `vision-one-oat` source: the shared Vision One keys (connection, `companyId`) plus what this source adds. */
export const oatOptions = visionOneConnection.extend({
  riskLevels: z
    .array(z.enum(OAT_RISK_LEVELS))
    .min(1, 'must name at least one risk level (critical, high, medium, low, info, undefined)')
    // FACTS §A.1: the console's connector offers Critical / High / Medium; this is its selection.
    .default(['critical', 'high', 'medium'])
    .describe('Risk levels to forward, sent to the API as TMV1-Filter: critical, high, medium, low, info, undefined'),
});

export type OatOptions = z.output<typeof oatOptions>;
