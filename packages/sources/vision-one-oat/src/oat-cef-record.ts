import { cefTimestampFromIso, type CefExtension, type CefExtensionValue, type CefRecord, type JsonValue, type Severity } from '@syslog-connector/core';
import { TREND_ALERT_TIME_FORM, TREND_CEF_HEADER, trendCompanyIdExtension } from '@syslog-connector/vision-one-client';
import type { OatDetectionFields, OatFilterFields } from './oat-detection.js';

/** FACTS §A.3: OAT risk level → CEF severity. Anything else (a new or missing value) is 0. */
export const OAT_SEVERITY: Readonly<Record<string, Severity>> = { undefined: 1, info: 2, low: 3, medium: 5, high: 7, critical: 9 };

const text = (value: JsonValue | undefined): string | undefined => {
  if (typeof value === 'string') return value === '' ? undefined : value;
  // Telemetry sends some addresses as lists (`endpointIp: [...]`); CEF `src`/`dst` hold one address.
  if (Array.isArray(value)) return text((value as JsonValue[])[0]);
  return undefined;
};

/** A table lookup that a vendor value like `constructor` cannot turn into an inherited property. */
const own = <T>(table: Readonly<Record<string, T>>, key: string): T | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);

/**
 * `detail.productCode` → `deviceFacility`, Trend's "Product name" (cef-observed-attack-techniques-logs,
 * `deviceFacility` row, examples "Trend Micro Deep Security", "Deep Discovery Inspector", "Apex One"). Trend
 * publishes no code table; each entry pairs a code with a name from these sources:
 * - `sao` Apex One: the CEF page's example; Elastic integrations `trend_micro_vision_one`
 *   `data_stream/detection/_dev/test/pipeline/test-pipeline-detection.log` (an item with `productCode: "sao"`,
 *   `pname: "Apex One"`); trendmicro/tm-v1-pytv1 `model/enum.py` `ProductCode.SAO`.
 * - `sds` Trend Micro Deep Security: the CEF page's example (the only Deep Security spelling it gives);
 *   tm-v1-pytv1 `ProductCode.SDS`; Trend's search data mapping lists Deep Security / Cloud One - Workload Security
 *   as the endpoint detection sources besides Apex One.
 * - `pdi` Deep Discovery Inspector: the CEF page's example; the one network product among the page's three, and the
 *   code OAT network detections (act `Reset`, src/dst/request) carry in public collectors' fixtures.
 * - `sig` Secure Web Gateway: the same Elastic test file (`productCode: "sig"`, `pname: "Secure Web Gateway"`).
 * A code not in the table (tm-v1-pytv1 also knows `xes`, with no name) falls back to the item's own product
 * name, `detail.pname`, when it has one, else it is sent as it came — and the source counts it
 * (`source_oat_unmapped_product_codes`) so the table can grow from what operators see.
 */
export const OAT_PRODUCT_NAMES: Readonly<Record<string, string>> = {
  sao: 'Apex One',
  sds: 'Trend Micro Deep Security',
  pdi: 'Deep Discovery Inspector',
  sig: 'Secure Web Gateway',
};

/** The `deviceFacility` of a detection, and its product code when the table did not know it. */
export interface OatDeviceFacility {
  readonly value: string | undefined;
  /** Set when `productCode` is not in `OAT_PRODUCT_NAMES` (whatever `value` then is). */
  readonly unmappedCode: string | undefined;
}

export const oatDeviceFacility = (detail: { readonly [key: string]: JsonValue }): OatDeviceFacility => {
  const code = text(detail['productCode']);
  const named = code === undefined ? undefined : own(OAT_PRODUCT_NAMES, code);
  if (named !== undefined) return { value: named, unmappedCode: undefined };
  return { value: text(detail['pname']) ?? code, unmappedCode: code };
};

/** A port: a number, or digits in a string. */
const integer = (value: JsonValue | undefined): number | undefined => {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d{1,10}$/.test(value)) return Number(value);
  return undefined;
};

/**
 * Trend's `deviceDirection`: `0 (inbound)`, `1 (outbound)` (cef-observed-attack-techniques-logs). Telemetry gives
 * it as 0/1 or as the word (`"deviceDirection": "outbound"` in Elastic's detection test data); anything else is
 * left out.
 */
const direction = (value: JsonValue | undefined): number | undefined => {
  if (value === 'inbound') return 0;
  if (value === 'outbound') return 1;
  const n = integer(value);
  return n === 0 || n === 1 ? n : undefined;
};

/**
 * Trend's CEF mapping of one matched filter of an OAT detection (FACTS §A.3 header, §A.4 extensions, §B.6 field
 * sources), in the order of Trend's table. One record per matched filter: a detection with several filters
 * becomes several records (see README "One record per matched filter"). A field the item lacks is left out
 * together with its label. Values are the vendor's text untouched: escaping and length limits are the
 * formatter's job (`deviceProcessName` backslashes become `\\` there, FACTS §A.4). Forms, each against the page's
 * example: `rt` is a `CefTimestamp` written `Dec 05 2022 05:26:45`; `deviceDirection`, `dpt`, `spt` are numbers;
 * `cs1` / `cs2` join the IDs with `, ` (`TA0002, TA0006`, `T1003.001, T1059.001`) — the current English page;
 * the older Japanese page (from when the product header read `Vision One`) shows `TA0002,TA0006`. No `syslog`
 * profile: Trend documents no PRI for its connector (FACTS §A.6).
 *
 * Where Trend's documentation is silent ([UNCONFIRMED] in FACTS §B.6):
 * - `externalId` is `detail.eventId`, the telemetry event id (FACTS §A.4 example `100116`).
 * - `act`, `app`, `deviceDirection`, `dhost`, `shost` are read from the `detail` fields of the same name, which
 *   network telemetry carries; endpoint telemetry has none of them, so they are left out.
 * - `rt` is `detectedDateTime` ("event time").
 * - `deviceProcessName` is `detail.deviceProcessName` (network detections carry it under Trend's own CEF name),
 *   else `detail.processFilePath` (the page's example is a full path), else `detail.processName`.
 */
export const oatCefRecord = (
  detection: OatDetectionFields,
  filter: OatFilterFields | undefined,
  options: { readonly companyId?: string | undefined },
): CefRecord => {
  const detail = detection.detail;
  const extensions: CefExtension[] = [];
  const add = (key: string, value: CefExtensionValue | undefined): void => {
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
  add('deviceDirection', direction(detail['deviceDirection']));
  add('deviceExternalId', detection.agentGuid);
  add('deviceFacility', oatDeviceFacility(detail).value);
  add('deviceProcessName', text(detail['deviceProcessName']) ?? text(detail['processFilePath']) ?? text(detail['processName']));
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
  add('rt', detection.detectedDateTime === undefined ? undefined : cefTimestampFromIso(detection.detectedDateTime, TREND_ALERT_TIME_FORM));
  extensions.push(...trendCompanyIdExtension(options.companyId));
  return {
    ...TREND_CEF_HEADER,
    signatureId: '900002',
    name: 'Trend Vision One Observed Attack Techniques',
    severity: (filter?.riskLevel === undefined ? undefined : own(OAT_SEVERITY, filter.riskLevel)) ?? 0,
    extensions,
  };
};
