import { z } from '@syslog-connector/core';
import { visionOneConnection } from '@syslog-connector/vision-one-client';

/** The config of a `vision-one-workbench` source: the shared Vision One keys (connection, `companyId`) plus what this source adds. */
export const workbenchOptions = visionOneConnection.extend({
  include: z
    .array(z.enum(['new', 'updated']))
    .min(1)
    .default(['new'])
    .describe('new: one event per new alert; updated: one more event each time an alert changes (updatedDateTime)'),
});

export type WorkbenchOptions = z.output<typeof workbenchOptions>;
