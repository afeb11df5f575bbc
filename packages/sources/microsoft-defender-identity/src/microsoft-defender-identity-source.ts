import { defineSource, services } from '@syslog-connector/core';
import { loadGraphCredential } from './graph-credential.js';
import { mdiOptions } from './mdi-options.js';
import { MdiSource } from './mdi-source.js';

/** `type: microsoft-defender-identity`: MDI alerts (new, updated) and health issues from Graph, in MDI's CEF (FACTS §C, §D). */
export const microsoftDefenderIdentitySource = defineSource({
  type: 'microsoft-defender-identity',
  meta: { summary: 'Microsoft Defender for Identity alerts and health issues (Graph), in MDI\'s CEF', stability: 'experimental' },
  options: mdiOptions,
  deps: { clock: services.clock, logger: services.logger },
  create: async (context) => new MdiSource(context, context.options, await loadGraphCredential(context, context.options), context.deps),
});
