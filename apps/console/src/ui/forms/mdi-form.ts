import type { FieldIssue, MdiFormat, MdiNotifications, MdiSave, MdiScreen, MdiSyslog, MdiTransport } from '../../api.js';

/** MDI's Syslog Service offers 514 whatever the transport. */
export const MDI_DEFAULT_PORT = 514;

export const MDI_TRANSPORTS: readonly { readonly value: MdiTransport; readonly label: string }[] = [
  { value: 'udp', label: 'UDP' },
  { value: 'tcp', label: 'TCP' },
  { value: 'tls', label: 'TLS' },
];

export const MDI_FORMATS: readonly { readonly value: MdiFormat; readonly label: string }[] = [
  { value: 'rfc5424', label: 'RFC 5424' },
  { value: 'rfc3164', label: 'RFC 3164' },
];

export const MDI_NOTIFICATIONS: readonly { readonly key: keyof MdiNotifications; readonly label: string }[] = [
  { key: 'newAlerts', label: 'New security alerts' },
  { key: 'updatedAlerts', label: 'Updated security alerts' },
  { key: 'healthIssues', label: 'New health issues' },
];

export interface MdiForm {
  readonly revision: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecretSet: boolean;
  /** A new secret typed on the page; empty keeps the one set. */
  readonly clientSecret: string;
  readonly endpoint: string;
  /** As typed. */
  readonly port: string;
  readonly transport: MdiTransport;
  readonly format: MdiFormat;
  readonly notifications: MdiNotifications;
  /** The saved MDI source (Test Graph connection checks it). */
  readonly sourceId: string | undefined;
}

export const mdiFormFromScreen = (screen: MdiScreen): MdiForm => ({
  revision: screen.revision,
  tenantId: screen.graph.tenantId,
  clientId: screen.graph.clientId,
  clientSecretSet: screen.graph.clientSecret.set,
  clientSecret: '',
  endpoint: screen.syslog?.endpoint ?? '',
  port: String(screen.syslog?.port ?? MDI_DEFAULT_PORT),
  transport: screen.syslog?.transport ?? 'udp',
  format: screen.syslog?.format ?? 'rfc5424',
  notifications: screen.notifications,
  sourceId: screen.sourceId,
});

const portNumber = (port: string): number => (/^\d+$/.test(port.trim()) ? Number(port.trim()) : Number.NaN);

export const mdiSyslog = (form: MdiForm): MdiSyslog => ({ endpoint: form.endpoint.trim(), port: portNumber(form.port), transport: form.transport, format: form.format });

export const mdiSaveRequest = (form: MdiForm): MdiSave => ({
  revision: form.revision,
  graph: { tenantId: form.tenantId.trim(), clientId: form.clientId.trim(), ...(form.clientSecret === '' ? {} : { clientSecret: form.clientSecret }) },
  syslog: mdiSyslog(form),
  notifications: form.notifications,
});

/** The syslog service's own fields: what Send test Syslog message needs. */
export const checkMdiSyslog = (form: MdiForm): FieldIssue[] => {
  const issues: FieldIssue[] = [];
  if (form.endpoint.trim() === '') issues.push({ path: '', field: 'syslog.endpoint', message: 'Type the syslog server\'s IP address or host name.' });
  const port = portNumber(form.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) issues.push({ path: '', field: 'syslog.port', message: 'The port is a whole number from 1 to 65535.' });
  return issues;
};

/** The page's check before Save: the daemon applies the same rules and answers 400 at the same fields. */
export const checkMdiForm = (form: MdiForm): FieldIssue[] => {
  const issues: FieldIssue[] = [];
  if (form.tenantId.trim() === '') issues.push({ path: '', field: 'graph.tenantId', message: 'Type the Microsoft Entra tenant ID (a GUID).' });
  if (form.clientId.trim() === '') issues.push({ path: '', field: 'graph.clientId', message: 'Type the application (client) ID of the app registration.' });
  if (!form.clientSecretSet && form.clientSecret === '') issues.push({ path: '', field: 'graph.clientSecret', message: 'Paste a client secret of the app registration.' });
  issues.push(...checkMdiSyslog(form));
  if (!Object.values(form.notifications).some(Boolean)) {
    issues.push({ path: '', field: 'notifications', message: 'Tick at least one: New security alerts, Updated security alerts or New health issues.' });
  }
  return issues;
};
