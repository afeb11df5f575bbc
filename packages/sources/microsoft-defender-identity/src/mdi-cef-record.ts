import type { CefExtension, CefRecord, JsonValue, Severity } from '@syslog-connector/core';
import { derivedTypeName, mdiAlertType } from './mdi-alert-types.js';

/** FACTS §C.2: MDI's CEF header still says Microsoft / Azure ATP. */
export const MDI_VENDOR = 'Microsoft';
export const MDI_PRODUCT = 'Azure ATP';
/**
 * MDI writes its sensor's version here (`2.22.4228.22540`); Graph does not expose one, so the header says where the
 * event came from instead. SIEM parsers for MDI match vendor, product and signature id, not this field.
 */
export const MDI_DEVICE_VERSION = 'graph-v1.0';
/** The Defender portal's health page: the monitoring-alert template's `cs1` (FACTS §C.4). */
export const MDI_HEALTH_URL = 'https://security.microsoft.com/identities/health-issues';

/**
 * FACTS §C.2 "Priorities": 3 Low, 5 Medium, 10 High. Graph's informational (which MDI's syslog never sends) goes
 * out as Low; unknown or a value Graph adds later as Medium, so it is neither dropped nor under-ranked.
 */
const SEVERITY: Readonly<Record<string, Severity>> = { informational: 3, low: 3, medium: 5, high: 10 };
export const mdiSeverity = (severity: string | undefined): Severity => (severity === undefined ? undefined : SEVERITY[severity]) ?? 5;

/** `cs2` of the SIEM log reference: whether the notification is for a new alert or an update (FACTS §C.2). */
export type MdiTrigger = 'new' | 'update';

type JsonObject = { readonly [key: string]: JsonValue };
const asObject = (value: JsonValue | undefined): JsonObject | undefined =>
  value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : undefined;
const text = (object: JsonObject | undefined, key: string): string | undefined => {
  const value = object?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
};
const time = (value: string | undefined): number | undefined => {
  const ms = value === undefined ? Number.NaN : Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
};

/** The fields of a Graph alert (FACTS §D.2) the mapping uses, each present only when the item has it as a string. */
export interface MdiAlertFields {
  readonly id?: string;
  readonly title?: string;
  readonly description?: string;
  readonly severity?: string;
  readonly detectorId?: string;
  readonly alertWebUrl?: string;
  readonly createdMs?: number;
  readonly lastUpdateDateTime?: string;
  readonly lastUpdateMs?: number;
  readonly firstActivityMs?: number;
  /** userEvidence → userAccount.accountName of the first user in the evidence. */
  readonly account?: string;
  /** deviceEvidence of the attacker/source device (else the first device): host name and DNS name. */
  readonly hostName?: string;
  readonly hostFqdn?: string;
}

/** Reads the mapped fields from an alert as it came, valid or not: a field with the wrong type is simply absent. */
export const readMdiAlert = (raw: JsonValue): MdiAlertFields => {
  const item = asObject(raw);
  const fields: { -readonly [K in keyof MdiAlertFields]: MdiAlertFields[K] } = {};
  for (const key of ['id', 'title', 'description', 'severity', 'detectorId', 'alertWebUrl', 'lastUpdateDateTime'] as const) {
    const value = text(item, key);
    if (value !== undefined) fields[key] = value;
  }
  const created = time(text(item, 'createdDateTime'));
  const updated = time(fields.lastUpdateDateTime);
  const first = time(text(item, 'firstActivityDateTime'));
  if (created !== undefined) fields.createdMs = created;
  if (updated !== undefined) fields.lastUpdateMs = updated;
  if (first !== undefined) fields.firstActivityMs = first;
  const evidence = Array.isArray(item?.evidence) ? (item.evidence as readonly JsonValue[]).map(asObject).filter((e): e is JsonObject => e !== undefined) : [];
  const kind = (e: JsonObject) => text(e, '@odata.type') ?? '';
  const user = evidence.find((e) => kind(e).endsWith('.userEvidence'));
  const account = text(asObject(user?.userAccount), 'accountName');
  if (account !== undefined) fields.account = account;
  const devices = evidence.filter((e) => kind(e).endsWith('.deviceEvidence'));
  const roles = (e: JsonObject) => (Array.isArray(e.roles) ? (e.roles as readonly JsonValue[]) : []);
  const device = devices.find((e) => roles(e).some((r) => r === 'attacker' || r === 'source')) ?? devices[0];
  const dns = text(device, 'deviceDnsName');
  const host = text(device, 'hostName') ?? dns?.split('.')[0];
  if (host !== undefined) fields.hostName = host;
  if (dns !== undefined && dns.includes('.')) fields.hostFqdn = dns;
  return fields;
};

/**
 * An alert in the shape of MDI's SIEM log reference (FACTS §C.2, §C.3), extensions in the order of its samples:
 * `CEF:0|Microsoft|Azure ATP|graph-v1.0|<AlertType>|<title>|3/5/10|start= shost= suser= msg= externalId=
 * cs1Label=url cs1= cs2Label=trigger cs2=new|update cs3Label=shostfqdn cs3=`. A field the alert lacks is left out
 * with its label. Values are Graph's text untouched; escaping and length limits are the formatter's.
 */
export const mdiAlertCefRecord = (alert: MdiAlertFields, trigger: MdiTrigger): CefRecord => {
  const type = mdiAlertType(alert.title, alert.detectorId);
  const extensions: CefExtension[] = [];
  // `start` is the alert's start time: Graph's firstActivityDateTime, else its creation.
  const start = alert.firstActivityMs ?? alert.createdMs;
  if (start !== undefined) extensions.push(['start', start]);
  if (alert.hostName !== undefined) extensions.push(['shost', alert.hostName]);
  if (alert.account !== undefined) extensions.push(['suser', alert.account]);
  if (alert.description !== undefined) extensions.push(['msg', alert.description]);
  if (type.externalId !== undefined) extensions.push(['externalId', type.externalId]);
  if (alert.alertWebUrl !== undefined) extensions.push(['cs1Label', 'url'], ['cs1', alert.alertWebUrl]);
  extensions.push(['cs2Label', 'trigger'], ['cs2', trigger]);
  if (alert.hostFqdn !== undefined) extensions.push(['cs3Label', 'shostfqdn'], ['cs3', alert.hostFqdn]);
  return {
    vendor: MDI_VENDOR,
    product: MDI_PRODUCT,
    version: MDI_DEVICE_VERSION,
    signatureId: type.signatureId,
    name: alert.title ?? type.signatureId,
    severity: mdiSeverity(alert.severity),
    extensions,
  };
};

/** The fields of a Graph health issue (FACTS §D.4) the mapping uses. */
export interface MdiHealthIssueFields {
  readonly id?: string;
  readonly displayName?: string;
  readonly description?: string;
  readonly issueTypeId?: string;
  readonly severity?: string;
  readonly createdMs?: number;
}

export const readMdiHealthIssue = (raw: JsonValue): MdiHealthIssueFields => {
  const item = asObject(raw);
  const fields: { -readonly [K in keyof MdiHealthIssueFields]: MdiHealthIssueFields[K] } = {};
  for (const key of ['id', 'displayName', 'description', 'issueTypeId', 'severity'] as const) {
    const value = text(item, key);
    if (value !== undefined) fields[key] = value;
  }
  const created = time(text(item, 'createdDateTime'));
  if (created !== undefined) fields.createdMs = created;
  return fields;
};

/**
 * A health issue in the monitoring-alert template (FACTS §C.4, ATA's SIEM log reference: "all monitoring alerts are
 * sent with the same template"): signature id = name = the type in PascalCase + `MonitoringAlert`
 * (`SensorStoppedCommunicatingMonitoringAlert`), externalId = Graph's issueTypeId, `cs1Label=url cs1=<health page>`,
 * `msg` = the description. MDI publishes no health sample of its own ([UNCONFIRMED] in FACTS §C.4).
 */
export const mdiHealthIssueCefRecord = (issue: MdiHealthIssueFields): CefRecord => {
  const type = derivedTypeName(issue.displayName ?? 'Unknown health issue', 'MonitoringAlert');
  const extensions: CefExtension[] = [];
  if (issue.issueTypeId !== undefined) extensions.push(['externalId', issue.issueTypeId]);
  extensions.push(['cs1Label', 'url'], ['cs1', MDI_HEALTH_URL]);
  const msg = issue.description ?? issue.displayName;
  if (msg !== undefined) extensions.push(['msg', msg]);
  return { vendor: MDI_VENDOR, product: MDI_PRODUCT, version: MDI_DEVICE_VERSION, signatureId: type, name: type, severity: mdiSeverity(issue.severity), extensions };
};
