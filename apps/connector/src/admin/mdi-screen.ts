import { z } from '@syslog-connector/core';
import type { Document } from 'yaml';
import { deleteValue, keysOf, mapAt, setValue, valueAt } from './console-config-file.js';
import type { EditContext, FieldIssue, ServerStatus } from './console-servers.js';

const MDI_TYPE = 'microsoft-defender-identity';
const NOTIFICATIONS = { newAlerts: 'new-alerts', updatedAlerts: 'updated-alerts', healthIssues: 'health-issues' } as const;
type Notification = keyof typeof NOTIFICATIONS;
const NOTIFICATION_KEYS = Object.keys(NOTIFICATIONS) as Notification[];

export const mdiSyslogSchema = z.object({
  endpoint: z.string().trim().min(1, { error: 'is required: the syslog server\'s host name or IP address' }),
  port: z.number({ error: 'must be a number' }).int().min(1, { error: 'must be 1–65535' }).max(65535, { error: 'must be 1–65535' }),
  transport: z.enum(['udp', 'tcp', 'tls']),
  format: z.enum(['rfc5424', 'rfc3164']),
});
export type MdiSyslog = z.output<typeof mdiSyslogSchema>;

export const mdiSaveSchema = z.object({
  revision: z.string(),
  graph: z.object({
    tenantId: z.string().trim().min(1, { error: 'is required: the directory (tenant) ID' }),
    clientId: z.string().trim().min(1, { error: 'is required: the application (client) ID' }),
    clientSecret: z.string().min(1, { error: 'is empty: paste the client secret value, or leave the field alone to keep the one set' }).optional(),
  }),
  syslog: mdiSyslogSchema,
  notifications: z.object({ newAlerts: z.boolean(), updatedAlerts: z.boolean(), healthIssues: z.boolean() }),
});
export type MdiSave = z.output<typeof mdiSaveSchema>;

/** The first MDI source, and the destination whose `sources:` is that source alone. */
const mdiParts = (document: Document): { source?: string; destination?: string } => {
  const source = keysOf(mapAt(document, ['sources'])).find((id) => valueAt(document, ['sources', id, 'type']) === MDI_TYPE);
  if (source === undefined) return {};
  const destination = keysOf(mapAt(document, ['destinations'])).find((id) => {
    const sources = valueAt(document, ['destinations', id, 'sources']);
    return Array.isArray(sources) && sources.length === 1 && sources[0] === source;
  });
  return { source, ...(destination === undefined ? {} : { destination }) };
};

/** GET /api/screens/mdi (`MdiScreen`, without the revision). Never the client secret's value. */
export const readMdiScreen = (document: Document, status: (id: string) => ServerStatus | undefined) => {
  const { source, destination } = mdiParts(document);
  const at = (key: string) => (source === undefined ? undefined : valueAt(document, ['sources', source, key]));
  const out = (key: string) => (destination === undefined ? undefined : valueAt(document, ['destinations', destination, key]));
  const notifications = at('notifications');
  const wanted = Array.isArray(notifications) ? notifications.map(String) : Object.values(NOTIFICATIONS);
  const protocol = String(out('protocol') ?? 'udp');
  const format = String(out('format') ?? 'rfc5424');
  const state = destination === undefined ? undefined : status(destination);
  return {
    configured: source !== undefined,
    graph: { tenantId: String(at('tenantId') ?? ''), clientId: String(at('clientId') ?? ''), clientSecret: { set: typeof at('clientSecret') === 'string' } },
    ...(destination === undefined
      ? {}
      : {
          syslog: {
            endpoint: String(out('address') ?? ''),
            port: Number(out('port') ?? 514),
            transport: ['udp', 'tcp', 'tls'].includes(protocol) ? protocol : 'udp',
            format: format === 'rfc3164' ? 'rfc3164' : 'rfc5424',
          },
        }),
    notifications: Object.fromEntries(NOTIFICATION_KEYS.map((key) => [key, wanted.includes(NOTIFICATIONS[key])])) as Record<Notification, boolean>,
    ...(source === undefined ? {} : { sourceId: source }),
    ...(destination === undefined ? {} : { destinationId: destination }),
    ...(state === undefined ? {} : { status: state }),
  };
};

/** The destination settings of MDI's "Syslog Service" fields. */
export const mdiDestination = (syslog: MdiSyslog) => ({ address: syslog.endpoint, port: syslog.port, protocol: syslog.transport, format: syslog.format });

/**
 * Applies an MDI save (README "Web console"): the Graph connection and the notifications into the MDI source
 * (`mdi` when created), the "Syslog Service" into the destination that receives that source alone (`mdi-syslog`
 * when created). The client secret is stored as `secrets/mdi-client-secret`.
 */
export const applyMdiSave = (document: Document, save: MdiSave, context: EditContext): { readonly issues: FieldIssue[]; readonly field: (path: string) => string } => {
  const issues: FieldIssue[] = [];
  const wanted = NOTIFICATION_KEYS.filter((key) => save.notifications[key]).map((key) => NOTIFICATIONS[key]);
  if (wanted.length === 0) issues.push({ path: 'sources', field: 'notifications', message: 'tick at least one notification' });
  const parts = mdiParts(document);
  const sources = keysOf(mapAt(document, ['sources']));
  const destinations = keysOf(mapAt(document, ['destinations']));
  const source = parts.source ?? (sources.includes('mdi') ? `mdi-${sources.length + 1}` : 'mdi');
  const destination = parts.destination ?? (destinations.includes('mdi-syslog') ? `mdi-syslog-${destinations.length + 1}` : 'mdi-syslog');
  const base = ['sources', source];
  if (parts.source === undefined) setValue(document, [...base, 'type'], MDI_TYPE);
  setValue(document, [...base, 'tenantId'], save.graph.tenantId);
  setValue(document, [...base, 'clientId'], save.graph.clientId);
  if (save.graph.clientSecret !== undefined) setValue(document, [...base, 'clientSecret'], context.pending.secret('mdi-client-secret', save.graph.clientSecret));
  else if (valueAt(document, [...base, 'clientSecret']) === undefined && valueAt(document, [...base, 'certificate']) === undefined) {
    issues.push({ path: `sources.${source}.clientSecret`, field: 'graph.clientSecret', message: 'is required: paste the client secret value' });
  }
  setValue(document, [...base, 'notifications'], wanted);
  const out = ['destinations', destination];
  for (const [key, value] of Object.entries(mdiDestination(save.syslog))) setValue(document, [...out, key], value);
  if (save.syslog.transport !== 'tls') deleteValue(document, [...out, 'tls']);
  setValue(document, [...out, 'sources'], [source]);

  const field = (path: string): string => {
    if (path.startsWith(`sources.${source}.`)) {
      const key = path.slice(`sources.${source}.`.length).split(/[.[]/)[0] ?? '';
      if (key === 'tenantId' || key === 'clientId' || key === 'clientSecret') return `graph.${key}`;
      if (key === 'notifications') return 'notifications';
      return '';
    }
    if (path.startsWith(`destinations.${destination}.`)) {
      const key = path.slice(`destinations.${destination}.`.length).split(/[.[]/)[0] ?? '';
      return { address: 'syslog.endpoint', port: 'syslog.port', protocol: 'syslog.transport', format: 'syslog.format' }[key] ?? 'syslog';
    }
    return '';
  };
  return { issues, field };
};
