import type { CefExtension, SecurityEvent, Severity } from '@syslog-connector/core';
import { SeededRandom, VisionOneItemGenerator, type AuditLog, type OatDetection, type OatRiskLevel, type WorkbenchAlert } from '@syslog-connector/simulators';

export interface VisionOneEventCorpusOptions {
  /** How many events; default 1,000. */
  readonly count?: number;
  /** Seed of the simulator's item generator; default 1. The same options give the same events. */
  readonly seed?: number;
  /** Share of items carrying one of `HOSTILE_STRINGS` in their free text; default 0.25, as the simulator. */
  readonly hostileRatio?: number;
  /** Time of the first event, epoch ms; default 2026-01-01T00:00:00Z. Events are 1,337 ms apart. */
  readonly start?: number;
}

const COMPANY_ID = '3f9c2a61-5b7e-4d0a-9c1e-8a2b6d4f0e17';
const TREND = { vendor: 'Trend Micro', product: 'Trend Vision One', version: '1.0.0' } as const;

// FACTS §A.3: Trend's CEF severities per log type.
const WORKBENCH_SEVERITY: Readonly<Record<WorkbenchAlert['severity'], Severity>> = { low: 3, medium: 5, high: 7, critical: 9 };
const OAT_SEVERITY: Readonly<Record<OatRiskLevel, Severity>> = { undefined: 1, info: 2, low: 3, medium: 5, high: 7, critical: 9 };
// FACTS §A.4 (account audit): cn2 source codes.
const AUDIT_SOURCE: Readonly<Record<string, number>> = { Console: 0, API: 1, 'Service Gateway': 6 };
const SYSTEM_AUDIT_CATEGORIES: ReadonlySet<string> = new Set(['Reports', 'Product Connector', 'API Keys']);

/** FACTS §A.4 (900001), in Trend's order; `cn1` is the sum of the impact-scope counters. */
const workbenchEvent = (alert: WorkbenchAlert): SecurityEvent => {
  const scope = alert.impactScope;
  const extensions: CefExtension[] = [
    ['externalId', alert.id],
    ['cat', alert.model],
    ['cn1Label', 'Impact Scope Count'],
    ['cn1', scope.desktopCount + scope.serverCount + scope.accountCount + scope.emailAddressCount + scope.containerCount + scope.cloudIdentityCount],
    ['cs1Label', 'Workbench link'],
    ['cs1', alert.workbenchLink],
  ];
  if (alert.description !== undefined) extensions.push(['msg', alert.description]);
  extensions.push(['rt', { epochMs: Date.parse(alert.createdDateTime), ticks: 0, form: 'cef-date-seconds' }], ['sourceServiceName', alert.alertProvider], ['TrendMicroV1CompanyID', COMPANY_ID]);
  return {
    key: alert.id,
    source: 'workbench',
    type: 'workbench-alert',
    time: Date.parse(alert.createdDateTime),
    raw: alert,
    record: { ...TREND, signatureId: '900001', name: 'Trend Vision One Workbench Alert', severity: WORKBENCH_SEVERITY[alert.severity], extensions },
  };
};

/** FACTS §A.4 (900002): one event per detection, from its first filter. */
const oatEvent = (detection: OatDetection): SecurityEvent => {
  const filter = detection.filters[0];
  const detail = detection.detail;
  const extensions: CefExtension[] = [
    ['cat', filter?.name ?? ''],
    ['cs1Label', 'MITRE Tactic IDs'],
    ['cs1', filter?.mitreTacticIds.join(', ') ?? ''],
    ['cs2Label', 'MITRE Technique IDs'],
    ['cs2', filter?.mitreTechniqueIds.join(', ') ?? ''],
    ['deviceDirection', 1],
    ['deviceExternalId', detail.endpointGuid],
    ['deviceFacility', detail.productCode],
    ['deviceProcessName', detail.processFilePath],
    ['dst', detail.dst],
    ['dpt', detail.dpt],
    ['src', detail.src],
    ['shost', detail.endpointHostName],
    ['spt', detail.spt],
    ['dvchost', detail.endpointHostName],
    ['externalId', detail.eventId],
    ['msg', filter?.description ?? ''],
    ['request', detail.request],
    ['rt', { epochMs: Date.parse(detection.detectedDateTime), ticks: 0, form: 'cef-date-seconds' }],
    ['TrendMicroV1CompanyID', COMPANY_ID],
  ];
  return {
    key: detection.uuid,
    source: 'oat',
    type: 'oat-detection',
    time: Date.parse(detection.detectedDateTime),
    raw: detection,
    record: {
      ...TREND,
      signatureId: '900002',
      name: 'Trend Vision One Observed Attack Techniques',
      severity: OAT_SEVERITY[detail.filterRiskLevel],
      extensions,
    },
  };
};

/** FACTS §A.4 (900003 account, 900004 system); `msg` is the details as JSON, cut at 1,000 characters as Trend does. */
const auditEvent = (log: AuditLog, n: number): SecurityEvent => {
  const time = Date.parse(log.loggedDateTime);
  const details = JSON.stringify(log.details).slice(0, 1000);
  const system = SYSTEM_AUDIT_CATEGORIES.has(log.category);
  const extensions: CefExtension[] = system
    ? [['cat', log.category], ['cs1Label', 'Activity'], ['cs1', log.activity], ['cn1Label', 'Timestamp'], ['cn1', Math.floor(time / 1000)]]
    : [
        ['cat', log.category],
        ['cs1Label', 'Account'],
        ['cs1', log.loggedUser],
        ['cs2Label', 'Role'],
        ['cs2', log.loggedRole],
        ['cs3Label', 'Activity'],
        ['cs3', log.activity],
        ['cn1Label', 'Result'],
        ['cn1', log.result === 'Successful' ? 1 : 0],
        ['cn2Label', 'Source'],
        ['cn2', AUDIT_SOURCE[log.accessType] ?? 0],
      ];
  extensions.push(['msg', details], ['rt', { epochMs: time, ticks: 0, form: 'iso8601-seconds' }], ['TrendMicroV1CompanyID', COMPANY_ID]);
  return {
    key: `${log.loggedDateTime}#${log.loggedUserId}#${n}`,
    source: 'audit',
    type: 'audit-log',
    time,
    raw: log,
    record: {
      ...TREND,
      signatureId: system ? '900004' : '900003',
      name: system ? 'Trend Vision One System Audit Log' : 'Trend Vision One Account Audit Log',
      severity: 2,
      extensions,
    },
  };
};

/**
 * A fixed corpus of `SecurityEvent`s made from the Vision One simulator's items, mapped as the Vision One sources
 * map them (FACTS §A.3, §A.4) and carrying the item as `raw`: 8 in 10 OAT detections, 1 Workbench alert, 1 audit
 * log — real sizes, real escaping needs (Windows paths, URLs with `=`), and, with `hostileRatio`, the simulator's
 * hostile strings (CR/LF, an injected record, NUL, lone surrogates, 5 kB text). For formatter tests and benchmarks.
 */
export const visionOneEventCorpus = (options: VisionOneEventCorpusOptions = {}): SecurityEvent[] => {
  const { count = 1_000, seed = 1, hostileRatio = 0.25, start = Date.parse('2026-01-01T00:00:00Z') } = options;
  const generator = new VisionOneItemGenerator(new SeededRandom(seed), hostileRatio);
  return Array.from({ length: count }, (_, n) => {
    const time = start + n * 1_337;
    if (n % 10 === 8) return workbenchEvent(generator.workbenchAlert(time));
    if (n % 10 === 9) return auditEvent(generator.auditLog(time), n);
    return oatEvent(generator.oatDetection(time, time + 30_000));
  });
};
