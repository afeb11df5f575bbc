import type {
  AuditLogType,
  CertSummary,
  FieldIssue,
  Protocol,
  RiskLevel,
  Server,
  ServerDraft,
  ServerStatus,
  SyslogFormat,
  VisionOneDataTypes,
  VisionOneRegion,
  VisionOneSave,
  VisionOneScreen,
} from '../../api.js';

/** The port each protocol fills in until the user types one (Trend's TLS 6514 and TCP 601; UDP 514, RFC 5426). */
export const DEFAULT_PORT: Readonly<Record<Protocol, number>> = { tls: 6514, tcp: 601, udp: 514 };

/** The protocols as the panel names them: Trend's "TCP" and "SSL/TLS", and UDP, ours, without delivery confirmation. */
export const PROTOCOLS: readonly { readonly value: Protocol; readonly label: string }[] = [
  { value: 'tls', label: 'SSL/TLS' },
  { value: 'tcp', label: 'TCP' },
  { value: 'udp', label: 'UDP (best effort)' },
];

export const FORMATS: readonly { readonly value: SyslogFormat; readonly label: string }[] = [
  { value: 'cef', label: 'CEF' },
  { value: 'leef', label: 'LEEF 2.0 (IBM QRadar)' },
  { value: 'rfc5424', label: 'RFC 5424' },
  { value: 'rfc3164', label: 'RFC 3164' },
];

export const REGIONS: readonly { readonly value: VisionOneRegion; readonly label: string }[] = [
  { value: 'us', label: 'United States (us)' },
  { value: 'eu', label: 'Europe (eu)' },
  { value: 'uk', label: 'United Kingdom (uk)' },
  { value: 'jp', label: 'Japan (jp)' },
  { value: 'sg', label: 'Singapore (sg)' },
  { value: 'au', label: 'Australia (au)' },
  { value: 'in', label: 'India (in)' },
  { value: 'mea', label: 'Middle East and Africa (mea)' },
  { value: 'usgov', label: 'US Government (usgov)' },
];

export const RISK_LEVELS: readonly { readonly value: RiskLevel; readonly label: string }[] = [
  { value: 'critical', label: 'Critical' },
  { value: 'high', label: 'High' },
  { value: 'medium', label: 'Medium' },
];

export const AUDIT_LOG_TYPES: readonly { readonly value: AuditLogType; readonly label: string }[] = [
  { value: 'account', label: 'Account' },
  { value: 'system', label: 'System' },
];

export const protocolLabel = (protocol: Protocol): string => PROTOCOLS.find((p) => p.value === protocol)?.label ?? protocol;
export const formatLabel = (format: SyslogFormat): string => FORMATS.find((f) => f.value === format)?.label ?? format;

/**
 * A certificate choice of a server: none, the one the saved server has (`keep`), or a checked upload (its id). The
 * summary is what the page shows; the PEM itself is never held past its upload.
 */
export type CertificateChoice =
  | { readonly kind: 'none' }
  | { readonly kind: 'keep'; readonly summary?: CertSummary }
  | { readonly kind: 'upload'; readonly id: string; readonly summary: CertSummary };

/** One syslog server as the page holds it: what was read, or what the panel connected and Save has not written yet. */
export interface ServerEntry {
  /** Page-local key (list rendering, focus return); the destination id is `id`. */
  readonly key: string;
  readonly id?: string;
  readonly address: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly format: SyslogFormat;
  readonly ca: CertificateChoice;
  readonly client: CertificateChoice;
  readonly status?: ServerStatus;
  /** Connected in the panel, not saved yet. */
  readonly pending: boolean;
}

export type ConnectionTarget = { readonly kind: 'region'; readonly region: VisionOneRegion } | { readonly kind: 'baseUrl'; readonly baseUrl: string };

export interface VisionOneForm {
  readonly revision: string;
  readonly target: ConnectionTarget;
  readonly apiTokenSet: boolean;
  /** A new token typed on the page; empty keeps the one set. */
  readonly apiToken: string;
  readonly companyId: string;
  readonly dataTypes: VisionOneDataTypes;
  readonly servers: readonly ServerEntry[];
  /** The saved sources of the ticked data types (Test API connection checks the first). */
  readonly sourceIds: VisionOneScreen['sourceIds'];
}

let nextKey = 0;
export const newServerKey = (): string => `server-${++nextKey}`;

export const serverEntryFromServer = (server: Server): ServerEntry => ({
  key: newServerKey(),
  id: server.id,
  address: server.address,
  port: server.port,
  protocol: server.protocol,
  format: server.format,
  ca: server.caCertificate === undefined ? { kind: 'none' } : { kind: 'keep', summary: server.caCertificate },
  client: server.clientCertificate === undefined && !server.clientKey.set ? { kind: 'none' } : { kind: 'keep', ...(server.clientCertificate === undefined ? {} : { summary: server.clientCertificate }) },
  ...(server.status === undefined ? {} : { status: server.status }),
  pending: false,
});

export const formFromScreen = (screen: VisionOneScreen): VisionOneForm => ({
  revision: screen.revision,
  target: screen.connection.baseUrl !== undefined ? { kind: 'baseUrl', baseUrl: screen.connection.baseUrl } : { kind: 'region', region: screen.connection.region ?? 'us' },
  apiTokenSet: screen.connection.apiToken.set,
  apiToken: '',
  companyId: screen.connection.companyId ?? '',
  dataTypes: screen.dataTypes,
  servers: screen.servers.map(serverEntryFromServer),
  sourceIds: screen.sourceIds,
});

const certificateDraft = (choice: CertificateChoice): string | null => (choice.kind === 'none' ? null : choice.kind === 'keep' ? 'keep' : choice.id);

export const serverDraft = (entry: Pick<ServerEntry, 'id' | 'address' | 'port' | 'protocol' | 'format' | 'ca' | 'client'>): ServerDraft => ({
  ...(entry.id === undefined ? {} : { id: entry.id }),
  address: entry.address.trim(),
  port: entry.port,
  protocol: entry.protocol,
  format: entry.format,
  // Certificates travel only over TLS; a TCP or UDP server keeps none.
  caCertificate: entry.protocol === 'tls' ? certificateDraft(entry.ca) : null,
  clientCertificate: entry.protocol === 'tls' ? certificateDraft(entry.client) : null,
});

export const saveRequest = (form: VisionOneForm): VisionOneSave => ({
  revision: form.revision,
  connection: {
    ...(form.target.kind === 'region' ? { region: form.target.region } : { baseUrl: form.target.baseUrl.trim() }),
    ...(form.apiToken === '' ? {} : { apiToken: form.apiToken }),
    ...(form.companyId.trim() === '' ? {} : { companyId: form.companyId.trim() }),
  },
  dataTypes: form.dataTypes,
  servers: form.servers.map(serverDraft),
});

/**
 * The page's own check before Save, the same rules the daemon applies (it answers 400 at the same fields): at least
 * one data type, at least one level or log type under a ticked one, and a token to poll with.
 */
export const checkVisionOneForm = (form: VisionOneForm): FieldIssue[] => {
  const issues: FieldIssue[] = [];
  const { workbench, oat, audit } = form.dataTypes;
  if (!workbench && !oat.enabled && !audit.enabled) {
    issues.push({ path: '', field: 'dataTypes', message: 'Tick at least one data type: Workbench alerts, Observed Attack Techniques or Audit logs.' });
  }
  if (oat.enabled && oat.riskLevels.length === 0) {
    issues.push({ path: '', field: 'dataTypes.oat.riskLevels', message: 'Observed Attack Techniques needs at least one risk level: tick Critical, High or Medium.' });
  }
  if (audit.enabled && audit.logTypes.length === 0) {
    issues.push({ path: '', field: 'dataTypes.audit.logTypes', message: 'Audit logs needs at least one log type: tick Account or System.' });
  }
  if (form.target.kind === 'baseUrl' && !/^https?:\/\/\S+$/.test(form.target.baseUrl.trim())) {
    issues.push({ path: '', field: 'connection.baseUrl', message: 'Write the base URL as https://host (http:// only for a loopback address).' });
  }
  if (!form.apiTokenSet && form.apiToken === '') {
    issues.push({ path: '', field: 'connection.apiToken', message: 'Paste the API token of a Vision One API key with the data types\' permissions.' });
  }
  return issues;
};

/** The panel's own check of a server before Test Connection or Connect. */
export const checkServer = (server: { readonly address: string; readonly port: number | undefined }): FieldIssue[] => {
  const issues: FieldIssue[] = [];
  if (server.address.trim() === '') issues.push({ path: '', field: 'address', message: 'Type the syslog server\'s IP address or host name.' });
  else if (/\s/.test(server.address.trim())) issues.push({ path: '', field: 'address', message: 'A server address has no spaces: type an IP address or a host name.' });
  if (server.port === undefined || !Number.isInteger(server.port) || server.port < 1 || server.port > 65_535) {
    issues.push({ path: '', field: 'port', message: 'The port is a whole number from 1 to 65535.' });
  }
  return issues;
};

/** Toggles one value of a list (a risk level, a log type), keeping the offered order. */
export const toggled = <T extends string>(list: readonly T[], value: T, on: boolean, order: readonly T[]): T[] => {
  const set = new Set(list);
  if (on) set.add(value);
  else set.delete(value);
  // Values the page does not offer (an OAT `low` written in the YAML) stay, after the offered ones.
  return [...order.filter((v) => set.has(v)), ...list.filter((v) => !order.includes(v) && set.has(v))];
};

export const serverLabel = (server: { readonly address: string; readonly port: number }): string =>
  `${server.address.includes(':') ? `[${server.address}]` : server.address}:${server.port}`;
