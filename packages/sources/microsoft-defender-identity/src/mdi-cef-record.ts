import {
  cefTimestampFromIso,
  type CefExtension,
  type CefRecord,
  type CefTimestamp,
  type JsonValue,
  type Severity,
  type SyslogProfile,
  type SyslogSeverity,
} from '@syslog-connector/core';
import { derivedTypeName, mdiAlertType } from './mdi-alert-types.js';

/** FACTS §C.2: MDI's CEF header still says Microsoft / Azure ATP. */
export const MDI_VENDOR = 'Microsoft';
export const MDI_PRODUCT = 'Azure ATP';
/**
 * A stand-in: MDI writes its sensor's version here (`2.22.4228.22540`); Graph exposes none (README, "What Graph
 * lacks"), so the header says where the event came from instead. SIEM parsers for MDI key on vendor, product,
 * signature id and externalId, not this field.
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

/**
 * The syslog envelope MDI's sensor gives an event (DESIGN §3, `CefRecord.syslog`): facility auth, and the PRI
 * severity of MDI's samples (SIEM log reference): CEF 5 → Auth.Warning (4), CEF 10 → Auth.Error (3). MDI publishes
 * no Low (3) sample and no health sample: Low goes out as Warning, the lowest PRI severity MDI publishes (Medium's
 * template), so a Low alert is never ranked above a Medium one; health issues use the alerts' rule (README).
 * `rfc5424: 'mdi'` asks `format: rfc5424` for MDI's own form (APP-NAME CEF, MSGID = type cut to 32, BOM, `0|…`).
 */
export const mdiSyslogProfile = (severity: Severity): SyslogProfile => ({
  facility: 'auth',
  severity: (severity >= 10 ? 3 : 4) satisfies SyslogSeverity,
  rfc5424: 'mdi',
});

/** `cs2` of the SIEM log reference: whether the notification is for a new alert or an update (FACTS §C.2). */
export type MdiTrigger = 'new' | 'update';

type JsonObject = { readonly [key: string]: JsonValue };
const asObject = (value: JsonValue | undefined): JsonObject | undefined =>
  value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : undefined;
const text = (object: JsonObject | undefined, key: string): string | undefined => {
  const value = object?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
};
/**
 * Graph's DateTimeOffset text (`2018-02-21T14:19:41.7422810Z`, `…24Z`, `….64Z`) as MDI writes `start`: .NET's
 * round-trip form with 7 fraction digits (`iso8601-ticks`). Read from the text itself, so no digit Graph gave is
 * lost to a millisecond `Date`.
 */
const ticksTime = (value: string | undefined): CefTimestamp | undefined =>
  value === undefined ? undefined : cefTimestampFromIso(value, 'iso8601-ticks');

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
  /** `firstActivityDateTime`, else `createdDateTime`, to Graph's 100 ns, in MDI's `start` form. */
  readonly start?: CefTimestamp;
  /** userEvidence → userAccount.accountName of the first user in the evidence. */
  readonly account?: string;
  /** deviceEvidence of the attacker/source device (else the first): `hostName` (shost). */
  readonly hostName?: string;
  /** The same device's `deviceDnsName` (cs3, shostfqdn), when it is a dotted name. */
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
  const created = ticksTime(text(item, 'createdDateTime'));
  const updated = ticksTime(fields.lastUpdateDateTime);
  const start = ticksTime(text(item, 'firstActivityDateTime')) ?? created;
  if (created !== undefined) fields.createdMs = created.epochMs;
  if (updated !== undefined) fields.lastUpdateMs = updated.epochMs;
  if (start !== undefined) fields.start = start;
  const evidence = Array.isArray(item?.evidence) ? (item.evidence as readonly JsonValue[]).map(asObject).filter((e): e is JsonObject => e !== undefined) : [];
  const kind = (e: JsonObject) => text(e, '@odata.type') ?? '';
  const user = evidence.find((e) => kind(e).endsWith('.userEvidence'));
  const account = text(asObject(user?.userAccount), 'accountName');
  if (account !== undefined) fields.account = account;
  const devices = evidence.filter((e) => kind(e).endsWith('.deviceEvidence'));
  const roles = (e: JsonObject) => (Array.isArray(e.roles) ? (e.roles as readonly JsonValue[]) : []);
  const device = devices.find((e) => roles(e).some((r) => r === 'attacker' || r === 'source')) ?? devices[0];
  // shost and cs3 are separate fields in MDI's samples (an alert can carry cs3 without shost), as hostName and
  // deviceDnsName are in Graph's deviceEvidence: each maps to its own, neither is made up from the other.
  const host = text(device, 'hostName');
  const dns = text(device, 'deviceDnsName');
  if (host !== undefined) fields.hostName = host;
  if (dns !== undefined && dns.includes('.')) fields.hostFqdn = dns;
  return fields;
};

/**
 * An alert in the shape of MDI's SIEM log reference (MicrosoftDocs/defender-docs `ATPDocs/cef-format-sa.md`; FACTS
 * §C.2, §C.3): `CEF:0|Microsoft|Azure ATP|graph-v1.0|<AlertType>|<title>|3/5/10|`, then the extensions in the
 * order most of its samples use: `start app shost suser msg externalId cs1Label=url cs1 cs2Label=trigger cs2
 * cs3Label=shostfqdn cs3` (MDI's `outcome`, before msg, and `cnt`, after it, have no source in Graph: README).
 * A field the alert lacks is left out with its label. Values are Graph's text untouched; escaping and length limits
 * are the formatter's. `syslog` declares MDI's PRI and RFC 5424 form, so every destination writes them unasked.
 */
export const mdiAlertCefRecord = (alert: MdiAlertFields, trigger: MdiTrigger): CefRecord => {
  const type = mdiAlertType(alert.title, alert.detectorId);
  const severity = mdiSeverity(alert.severity);
  const extensions: CefExtension[] = [];
  if (alert.start !== undefined) extensions.push(['start', alert.start]);
  if (type.app !== undefined) extensions.push(['app', type.app]);
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
    severity,
    extensions,
    syslog: mdiSyslogProfile(severity),
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
  const created = ticksTime(text(item, 'createdDateTime'));
  if (created !== undefined) fields.createdMs = created.epochMs;
  return fields;
};

/**
 * A health issue in the monitoring-alert template (FACTS §C.4, ATA's SIEM log reference: "all monitoring alerts are
 * sent with the same template"): signature id = name = the type in PascalCase + `MonitoringAlert`
 * (`SensorStoppedCommunicatingMonitoringAlert`), externalId = Graph's issueTypeId, `cs1Label=url cs1=<health page>`,
 * `msg` = the description. MDI publishes no health sample of its own ([UNCONFIRMED] in FACTS §C.4), nor a PRI for
 * one: it gets the alerts' envelope (`mdiSyslogProfile`), the nearest published template.
 */
export const mdiHealthIssueCefRecord = (issue: MdiHealthIssueFields): CefRecord => {
  const type = derivedTypeName(issue.displayName ?? 'Unknown health issue', 'MonitoringAlert');
  const severity = mdiSeverity(issue.severity);
  const extensions: CefExtension[] = [];
  if (issue.issueTypeId !== undefined) extensions.push(['externalId', issue.issueTypeId]);
  extensions.push(['cs1Label', 'url'], ['cs1', MDI_HEALTH_URL]);
  const msg = issue.description ?? issue.displayName;
  if (msg !== undefined) extensions.push(['msg', msg]);
  return {
    vendor: MDI_VENDOR,
    product: MDI_PRODUCT,
    version: MDI_DEVICE_VERSION,
    signatureId: type,
    name: type,
    severity,
    extensions,
    syslog: mdiSyslogProfile(severity),
  };
};
