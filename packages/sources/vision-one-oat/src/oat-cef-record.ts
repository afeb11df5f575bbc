import type { CefExtension, CefRecord, JsonValue, Severity } from '@syslog-connector/core';
import type { OatDetectionFields, OatFilterFields } from './oat-detection.js';

/** FACTS §A.3: OAT risk level → CEF severity. Anything else (a new or missing value) is 0. */
export const OAT_SEVERITY: Readonly<Record<string, Severity>> = { undefined: 1, info: 2, low: 3, medium: 5, high: 7, critical: 9 };

/**
 * `detail.productCode` → `deviceFacility`, the reporting product (FACTS §A.4 examples: "Trend Micro Deep Security",
 * "Deep Discovery Inspector", "Apex One"). Which code stands for which product is [UNCONFIRMED]: these three
 * follow Trend's product codes in the Search app; any other code is sent as it came.
 */
export const OAT_PRODUCT_NAMES: Readonly<Record<string, string>> = {
  sao: 'Apex One',
  sds: 'Trend Micro Deep Security',
  pdi: 'Deep Discovery Inspector',
};

const text = (value: JsonValue | undefined): string | undefined => {
  if (typeof value === 'string') return value === '' ? undefined : value;
  // Telemetry sends some addresses as lists (`endpointIp: [...]`); CEF `src`/`dst` hold one address.
  if (Array.isArray(value)) return text((value as JsonValue[])[0]);
  return undefined;
};

/** A table lookup that a vendor value like `constructor` cannot turn into an inherited property. */
const own = <T>(table: Readonly<Record<string, T>>, key: string): T | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);

/** A port or a 0/1 direction: a number, or digits in a string. */
const integer = (value: JsonValue | undefined): number | undefined => {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d{1,10}$/.test(value)) return Number(value);
  return undefined;
};

/**
 * Trend's CEF mapping of one matched filter of an OAT detection (FACTS §A.3 header, §A.4 extensions, §B.6 field
 * sources), in the order of Trend's table. One record per matched filter: a detection with several filters
 * becomes several records (see README "One record per matched filter"). A field the item lacks is left out
 * together with its label. Values are the vendor's text untouched: escaping and length limits are the
 * formatter's job (`deviceProcessName` backslashes become `\\` there, FACTS §A.4).
 *
 * Where Trend's documentation is silent ([UNCONFIRMED] in FACTS §B.6):
 * - `externalId` is `detail.eventId`, the telemetry event id (FACTS §A.4 example `100116`).
 * - `act`, `app`, `deviceDirection`, `dhost`, `shost` are read from the `detail` fields of the same name, which
 *   network telemetry carries; endpoint telemetry has none of them, so they are left out.
 * - `rt` is `detectedDateTime` ("event time"), epoch ms; the formatter renders it.
 * - `deviceProcessName` is `detail.processFilePath`, else `detail.processName`.
 */
export const oatCefRecord = (
  detection: OatDetectionFields,
  filter: OatFilterFields | undefined,
  options: { readonly companyId?: string | undefined },
): CefRecord => {
  const detail = detection.detail;
  const extensions: CefExtension[] = [];
  const add = (key: string, value: string | number | undefined): void => {
    if (value !== undefined) extensions.push([key, value]);
  };
  add('act', text(detail['act']));
  add('app', text(detail['app']));
  add('cat', filter?.name);
  if (filter !== undefined && filter.mitreTacticIds.length > 0) {
    extensions.push(['cs1Label', 'MITRE Tactic IDs'], ['cs1', filter.mitreTacticIds.join(', ')]);
  }
  if (filter !== undefined && filter.mitreTechniqueIds.length > 0) {
    extensions.push(['cs2Label', 'MITRE Technique IDs'], ['cs2', filter.mitreTechniqueIds.join(', ')]);
  }
  const direction = integer(detail['deviceDirection']);
  add('deviceDirection', direction === 0 || direction === 1 ? direction : undefined);
  add('deviceExternalId', detection.agentGuid);
  const productCode = text(detail['productCode']);
  add('deviceFacility', productCode === undefined ? undefined : (own(OAT_PRODUCT_NAMES, productCode) ?? productCode));
  add('deviceProcessName', text(detail['processFilePath']) ?? text(detail['processName']));
  add('dst', text(detail['dst']));
  add('dhost', text(detail['dhost']));
  add('dpt', integer(detail['dpt']));
  add('src', text(detail['src']));
  add('shost', text(detail['shost']));
  add('spt', integer(detail['spt']));
  add('dvchost', detection.endpointName);
  add('externalId', text(detail['eventId']));
  add('msg', filter?.description);
  add('request', text(detail['request']));
  add('rt', detection.detectedMs);
  add('TrendMicroV1CompanyID', options.companyId);
  return {
    vendor: 'Trend Micro',
    product: 'Trend Vision One',
    version: '1.0.0',
    signatureId: '900002',
    name: 'Trend Vision One Observed Attack Techniques',
    severity: (filter?.riskLevel === undefined ? undefined : own(OAT_SEVERITY, filter.riskLevel)) ?? 0,
    extensions,
  };
};
