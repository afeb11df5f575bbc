import type { JsonValue, SecurityEvent } from '@syslog-connector/core';
import { CefFormatter, cefOptions } from '@syslog-connector/format-cef';
import { describe, expect, it } from 'vitest';
import detection from '../test/fixtures/oat-network-detection.json' with { type: 'json' };
import { OAT_PRODUCT_NAMES, oatCefRecord, oatDeviceFacility } from './oat-cef-record.js';
import { oatDetectionSchema, readOatDetection } from './oat-detection.js';
import { RecordingMetrics } from '@syslog-connector/testing';

const COMPANY = '8d1ad2c4-7d6b-4b8e-9a3e-5c2f1e0d9b7a';
const RT = Date.parse('2022-12-05T05:26:45Z');

describe('oatCefRecord', () => {
  const fields = readOatDetection(detection as JsonValue);
  const record = oatCefRecord(fields, fields.filters[0], { companyId: COMPANY });

  it('maps a detection field by field, in the order of Trend table (FACTS §A.3, §A.4 OAT)', () => {
    expect(oatDetectionSchema.safeParse(detection).success).toBe(true);
    expect(record).toEqual({
      vendor: 'Trend Micro',
      product: 'Trend Vision One',
      version: '1.0.0',
      signatureId: '900002',
      name: 'Trend Vision One Observed Attack Techniques',
      severity: 7,
      extensions: [
        ['act', 'Not blocked'],
        ['app', 'KERBEROS'],
        ['cat', 'Possible Kerberoasting | ticket=RC4'],
        ['cs1Label', 'MITRE Tactic IDs'],
        ['cs1', 'TA0006, TA0007'],
        ['cs2Label', 'MITRE Technique IDs'],
        ['cs2', 'T1558.003, T1087.002'],
        ['deviceDirection', 1],
        ['deviceExternalId', '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'],
        ['deviceFacility', 'Trend Micro Deep Security'],
        ['deviceProcessName', 'C:\\Tools\\rubeus.exe'],
        ['dst', '10.1.0.10'],
        ['dhost', 'kdc.corp.example'],
        ['dpt', 88],
        // A list of addresses: the first one.
        ['src', '10.1.2.3'],
        ['shost', 'srv-dc01'],
        ['spt', 51234],
        ['dvchost', 'srv-dc01'],
        ['externalId', '100116'],
        ['msg', 'A service ticket was requested with RC4 encryption\r\nfrom C:\\Tools\\rubeus.exe'],
        ['request', 'https://corp.example/a?b=c&d=e'],
        ['rt', { epochMs: RT, ticks: 0, form: 'cef-date-seconds' }],
        ['TrendMicroV1CompanyID', COMPANY],
      ],
    });
  });

  it('comes out of the real CEF formatter as Trend documents it', () => {
    const formatter = new CefFormatter(cefOptions.parse({ prefix: 'none' }), {
      host: { instance: 'sensor-01', hostname: 'sensor-01' },
      metrics: new RecordingMetrics(),
    });
    const event: SecurityEvent = { key: 'k', source: 'oat', type: 'oat-detection', time: RT, raw: detection as JsonValue, record };
    expect(formatter.format(event)).toBe(
      'CEF:0|Trend Micro|Trend Vision One|1.0.0|900002|Trend Vision One Observed Attack Techniques|7|' +
        'act=Not blocked app=KERBEROS cat=Possible Kerberoasting | ticket\\=RC4 cs1Label=MITRE Tactic IDs cs1=TA0006, TA0007 ' +
        'cs2Label=MITRE Technique IDs cs2=T1558.003, T1087.002 deviceDirection=1 ' +
        'deviceExternalId=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0 deviceFacility=Trend Micro Deep Security ' +
        // FACTS §A.4: the process path with its backslashes escaped as \\.
        'deviceProcessName=C:\\\\Tools\\\\rubeus.exe dst=10.1.0.10 dhost=kdc.corp.example dpt=88 src=10.1.2.3 shost=srv-dc01 ' +
        'spt=51234 dvchost=srv-dc01 externalId=100116 ' +
        'msg=A service ticket was requested with RC4 encryption\\r\\nfrom C:\\\\Tools\\\\rubeus.exe ' +
        'request=https://corp.example/a?b\\=c&d\\=e rt=Dec 05 2022 05:26:45 TrendMicroV1CompanyID=' + COMPANY,
    );
  });

  it.each([
    ['undefined', 1],
    ['info', 2],
    ['low', 3],
    ['medium', 5],
    ['high', 7],
    ['critical', 9],
    ['severe', 0],
    ['constructor', 0],
  ])('maps risk level %s to severity %i', (riskLevel, severity) => {
    expect(oatCefRecord({ filters: [], detail: {} }, { riskLevel, mitreTacticIds: [], mitreTechniqueIds: [] }, {}).severity).toBe(severity);
  });

  it('leaves out what an endpoint detection lacks, labels included, and passes unknown product codes through', () => {
    const sparse = readOatDetection({ uuid: 'u', detail: { productCode: 'xes', dpt: 'n/a', deviceDirection: 7 }, filters: [{ name: 'N', riskLevel: 'low' }] });
    expect(oatCefRecord(sparse, sparse.filters[0], {}).extensions).toEqual([
      ['cat', 'N'],
      ['deviceFacility', 'xes'],
    ]);
  });

  it.each([
    ['sao', 'Apex One'],
    ['sds', 'Trend Micro Deep Security'],
    ['pdi', 'Deep Discovery Inspector'],
    ['sig', 'Secure Web Gateway'],
  ])('names product code %s as %j (deviceFacility, Trend\'s "Product name")', (productCode, name) => {
    expect(oatDeviceFacility({ productCode })).toEqual({ value: name, unmappedCode: undefined });
    // The table wins over an item's own pname: the table holds Trend's CEF spelling.
    expect(oatDeviceFacility({ productCode, pname: 'Deep Security Agent' }).value).toBe(name);
  });

  it('knows exactly the codes it has a source for', () => {
    expect(Object.keys(OAT_PRODUCT_NAMES)).toEqual(['sao', 'sds', 'pdi', 'sig']);
  });

  it('falls back to the item\'s pname, else the code, for an unknown code, and reports the code', () => {
    expect(oatDeviceFacility({ productCode: 'xes', pname: 'Endpoint Sensor' })).toEqual({ value: 'Endpoint Sensor', unmappedCode: 'xes' });
    expect(oatDeviceFacility({ productCode: 'xes' })).toEqual({ value: 'xes', unmappedCode: 'xes' });
    expect(oatDeviceFacility({ productCode: 'constructor' })).toEqual({ value: 'constructor', unmappedCode: 'constructor' });
    expect(oatDeviceFacility({})).toEqual({ value: undefined, unmappedCode: undefined });
  });

  it.each([
    ['inbound', 0],
    ['outbound', 1],
    ['0', 0],
    [1, 1],
    [2, undefined],
    ['sideways', undefined],
  ])('writes deviceDirection %j as %j (Trend: 0 inbound, 1 outbound)', (deviceDirection, expected) => {
    const fields = readOatDetection({ uuid: 'u', detail: { deviceDirection }, filters: [] });
    expect(oatCefRecord(fields, undefined, {}).extensions.find(([key]) => key === 'deviceDirection')?.[1]).toBe(expected);
  });

  it('prefers the deviceProcessName a network detection carries, then the process path, then the name', () => {
    const processName = (detail: JsonValue) =>
      oatCefRecord(readOatDetection({ detail }), undefined, {}).extensions.find(([key]) => key === 'deviceProcessName')?.[1];
    expect(processName({ deviceProcessName: '/usr/lib/snapd/snapd', processFilePath: '/x', processName: 'x' })).toBe('/usr/lib/snapd/snapd');
    expect(processName({ processFilePath: 'C:\\a\\x.exe', processName: 'x.exe' })).toBe('C:\\a\\x.exe');
    expect(processName({ processName: 'x.exe' })).toBe('x.exe');
  });
});
