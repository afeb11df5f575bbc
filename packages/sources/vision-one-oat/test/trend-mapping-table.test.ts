import { readFileSync } from 'node:fs';
import type { JsonValue, SecurityEvent } from '@syslog-connector/core';
import { CefFormatter, cefOptions } from '@syslog-connector/format-cef';
import {
  decodeCefWithLiblognorm,
  formatterMaker,
  isCefFields,
  requireOracle,
  RsyslogOracle,
  sendToOracle,
  useOracle,
  type CefFields,
} from '@syslog-connector/testing';
import { describe, expect, it } from 'vitest';
import { oatCefRecord } from '../src/oat-cef-record.js';
import { readOatDetection } from '../src/oat-detection.js';

/*
 * Trend publishes a mapping table, not sample lines (FACTS §A.5): "Syslog content mapping - CEF" →
 * cef-observed-attack-techniques-logs. So the golden check is per field: an OAT detection carrying the table's
 * example values goes through this source's mapping and the real CEF formatter with NO options, and two parsers
 * we did not write (liblognorm's `cef` type through lognormalizer, rsyslog with mmnormalize) must read back every
 * field as the table's example shows it. No difference is allowed; the README's "Against Trend's table" says so.
 */

// Trend's examples, row by row (the first where a row lists several; header rows FACTS §A.3).
const TREND_TABLE: CefFields = {
  version: '0',
  vendor: 'Trend Micro',
  product: 'Trend Vision One',
  deviceVersion: '1.0.0',
  signatureId: '900002',
  name: 'Trend Vision One Observed Attack Techniques',
  severity: '7',
  extensions: {
    act: 'Not blocked',
    app: 'HTTP',
    cat: 'Connection to Commonly Used Ports',
    cs1Label: 'MITRE Tactic IDs',
    cs1: 'TA0002, TA0006',
    cs2Label: 'MITRE Technique IDs',
    cs2: 'T1003.001, T1059.001',
    deviceDirection: '0',
    deviceExternalId: 'B0DA10B4-EA5A-44EA-8D78-41FE6CD1C3E2',
    deviceFacility: 'Trend Micro Deep Security',
    // The page shows it as written on the wire, `C:\\Users\\…` (CEF escapes `\`); decoded, one backslash each.
    deviceProcessName: 'C:\\Users\\Administrator\\AppData\\Local\\Programs\\Python\\Python38-32\\python.exe',
    dst: '239.255.255.250',
    dhost: '10.46.91.40',
    dpt: '8080',
    src: '8.8.8.8',
    shost: 'dns.google',
    spt: '544',
    dvchost: 'ip-10-209-120-47.ap-northeast-1.compute.internal',
    externalId: '100116',
    msg: 'Detects the connection to commonly used ports',
    request: 'http://detectportal.firefox.com/canonical.html',
    rt: 'Dec 05 2022 05:26:45',
    TrendMicroV1CompanyID: '68960c94-9be6-4343-a4ca-6408de7aa331',
  },
};

// The Vision One detection behind those values (FACTS §B.6 item shape; network telemetry in `detail`).
const DETECTION: JsonValue = {
  source: 'detections',
  uuid: '5f0c3b1e-8a2d-4c6e-9f1a-2b3c4d5e6f70',
  entityType: 'endpoint',
  entityName: 'ip-10-209-120-47.ap-northeast-1.compute.internal',
  detectedDateTime: '2022-12-05T05:26:45Z',
  ingestedDateTime: '2022-12-05T05:27:30Z',
  endpoint: {
    endpointName: 'ip-10-209-120-47.ap-northeast-1.compute.internal',
    agentGuid: 'B0DA10B4-EA5A-44EA-8D78-41FE6CD1C3E2',
    ips: ['10.209.120.47'],
  },
  filters: [
    {
      id: 'F2140',
      name: 'Connection to Commonly Used Ports',
      description: 'Detects the connection to commonly used ports',
      mitreTacticIds: ['TA0002', 'TA0006'],
      mitreTechniqueIds: ['T1003.001', 'T1059.001'],
      highlightedObjects: [{ type: 'port', field: 'dpt', value: 8080 }],
      riskLevel: 'high',
      type: 'preset',
    },
  ],
  detail: {
    eventTime: '1670218005000',
    productCode: 'sds',
    filterRiskLevel: 'high',
    eventId: '100116',
    eventSubId: '0',
    act: 'Not blocked',
    app: 'HTTP',
    deviceDirection: 'inbound',
    processFilePath: 'C:\\Users\\Administrator\\AppData\\Local\\Programs\\Python\\Python38-32\\python.exe',
    src: ['8.8.8.8'],
    shost: 'dns.google',
    spt: 544,
    dst: ['239.255.255.250'],
    dhost: '10.46.91.40',
    dpt: '8080',
    request: 'http://detectportal.firefox.com/canonical.html',
  },
};

const fields = readOatDetection(DETECTION);
const event: SecurityEvent = {
  key: '5f0c3b1e-8a2d-4c6e-9f1a-2b3c4d5e6f70:F2140',
  source: 'oat',
  type: 'oat-detection',
  time: Date.parse('2022-12-05T05:26:45Z'),
  raw: DETECTION,
  record: oatCefRecord(fields, fields.filters[0], { companyId: '68960c94-9be6-4343-a4ca-6408de7aa331' }),
};

// No options at all: the destination default (RFC 3164 prefix, user facility, the vendor's own time forms).
const { formatter } = formatterMaker(cefOptions, CefFormatter)({});
const line = formatter.format(event);

describe('OAT 900002 against Trend\'s mapping table, through the real CEF formatter with no options', () => {
  it('is this line', () => {
    expect(line).toBe(
      // The envelope is the destination's default, as Trend documents none (FACTS §A.6): PRI 11 = user.err (the
      // formatter's CEF 7 → syslog 3), an RFC 3164 header from the event time, `CEF:` as the TAG.
      '<11>Dec  5 05:26:45 sensor-01 CEF:0|Trend Micro|Trend Vision One|1.0.0|900002|Trend Vision One Observed Attack Techniques|7|' +
        'act=Not blocked app=HTTP cat=Connection to Commonly Used Ports cs1Label=MITRE Tactic IDs cs1=TA0002, TA0006 ' +
        'cs2Label=MITRE Technique IDs cs2=T1003.001, T1059.001 deviceDirection=0 deviceExternalId=B0DA10B4-EA5A-44EA-8D78-41FE6CD1C3E2 ' +
        'deviceFacility=Trend Micro Deep Security ' +
        // Exactly the page's `deviceProcessName` example: backslashes escaped as `\\`.
        'deviceProcessName=C:\\\\Users\\\\Administrator\\\\AppData\\\\Local\\\\Programs\\\\Python\\\\Python38-32\\\\python.exe ' +
        'dst=239.255.255.250 dhost=10.46.91.40 dpt=8080 src=8.8.8.8 shost=dns.google spt=544 ' +
        'dvchost=ip-10-209-120-47.ap-northeast-1.compute.internal externalId=100116 msg=Detects the connection to commonly used ports ' +
        'request=http://detectportal.firefox.com/canonical.html rt=Dec 05 2022 05:26:45 TrendMicroV1CompanyID=68960c94-9be6-4343-a4ca-6408de7aa331',
    );
  });

  it.skipIf(requireOracle('lognormalizer'))('reads back every field as the table shows it (liblognorm, lognormalizer)', async () => {
    const [decoded] = await decodeCefWithLiblognorm([line]);
    expect(isCefFields(decoded)).toBe(true);
    expect(decoded).toEqual(TREND_TABLE);
  });

  it('is the line its README shows, and the README says no field differs from the table', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`\n${line}\n`);
    expect(readme).toContain('No field differs from the table.');
  });
});

describe.skipIf(requireOracle('rsyslog'))('OAT 900002 as rsyslog parses it (RFC 3164 header, mmnormalize CEF)', () => {
  const oracle = useOracle(() => RsyslogOracle.start({ inputs: [{ protocol: 'tcp' }], parseCef: true }));

  it('reads back every field as the table shows it', async () => {
    const [record] = await sendToOracle(oracle(), [line]);
    expect([record?.pri, record?.hostname, record?.timestamp.slice(5, 19)]).toEqual([11, 'sensor-01', '12-05T05:26:45']);
    expect(record?.cef).toEqual(TREND_TABLE);
  });
});
