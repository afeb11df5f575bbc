import type { JsonValue, SecurityEvent } from '@syslog-connector/core';
import { CefFormatter, cefOptions } from '@syslog-connector/format-cef';
import { describe, expect, it } from 'vitest';
import { auditCefRecord } from './audit-cef-record.js';
import { auditLogTypeOf } from './audit-log-type.js';
import { auditLogSchema, readAuditLog } from './audit-log.js';
import { RecordingMetrics } from '@syslog-connector/testing';

const COMPANY = '8d1ad2c4-7d6b-4b8e-9a3e-5c2f1e0d9b7a';
const RT = Date.parse('2024-09-23T17:18:42Z');

// FACTS §A.4 examples: an account audit log (sign in) and a system audit log (generate report).
const signIn: JsonValue = {
  loggedDateTime: '2024-09-23T17:18:42Z',
  ingestedDateTime: '2024-09-23T17:18:50Z',
  loggedUser: 'Root account',
  loggedRole: 'Master Administrator',
  loggedUserId: 'c1a2',
  accessType: 'Console',
  category: 'Sign in and sign out',
  activity: 'Sign in',
  result: 'Successful',
  details: { 'IP address': '10.1.1.1', Identifier: { id: 'x=1', type: 'managedAccount', subType: 'local' } },
};
const report: JsonValue = {
  loggedDateTime: '2024-09-23 16:04:10',
  loggedUser: 'svc',
  loggedRole: 'Operator',
  accessType: 'API',
  category: 'Reports',
  activity: 'Generate report',
  result: 'Successful',
  details: { 'Report ID': 'R-1', 'Report final status': 'OK', 'Report format': 'pdf' },
};

const format = (raw: JsonValue, timeFormat?: string): string => {
  const log = readAuditLog(raw);
  const type = auditLogTypeOf(log.category);
  if (type === undefined) throw new Error('unmapped');
  const formatter = new CefFormatter(cefOptions.parse(timeFormat === undefined ? { prefix: 'none' } : { prefix: 'none', timeFormat }), {
    host: { instance: 'sensor-01', hostname: 'sensor-01' },
    metrics: new RecordingMetrics(),
  });
  const event: SecurityEvent = { key: 'k', source: 'audit', type: 'audit-log', time: log.loggedMs ?? 0, raw, record: auditCefRecord(log, type, { companyId: COMPANY }) };
  return formatter.format(event);
};

describe('auditCefRecord', () => {
  it('maps an account audit log field by field (FACTS §A.3, §A.4 account audit 900003)', () => {
    expect(auditLogSchema.safeParse(signIn).success).toBe(true);
    expect(auditCefRecord(readAuditLog(signIn), 'account', { companyId: COMPANY })).toEqual({
      vendor: 'Trend Micro',
      product: 'Trend Vision One',
      version: '1.0.0',
      signatureId: '900003',
      name: 'Trend Vision One Account Audit Log',
      severity: 2,
      extensions: [
        ['cat', 'Sign in and sign out'],
        ['cs1Label', 'Account'],
        ['cs1', 'Root account'],
        ['cs2Label', 'Role'],
        ['cs2', 'Master Administrator'],
        ['cs3Label', 'Activity'],
        ['cs3', 'Sign in'],
        ['cn1Label', 'Result'],
        ['cn1', 1],
        ['cn2Label', 'Source'],
        ['cn2', 0],
        ['msg', '{"IP address":"10.1.1.1","Identifier":{"id":"x=1","type":"managedAccount","subType":"local"}}'],
        ['rt', { epochMs: RT, ticks: 0, form: 'iso8601-seconds' }],
        ['TrendMicroV1CompanyID', COMPANY],
      ],
    });
  });

  it('writes the account line through the real CEF formatter, rt in Trend\'s own ISO form without any time option', () => {
    expect(format(signIn)).toBe(
      'CEF:0|Trend Micro|Trend Vision One|1.0.0|900003|Trend Vision One Account Audit Log|2|cat=Sign in and sign out ' +
        'cs1Label=Account cs1=Root account cs2Label=Role cs2=Master Administrator cs3Label=Activity cs3=Sign in ' +
        'cn1Label=Result cn1=1 cn2Label=Source cn2=0 ' +
        'msg={"IP address":"10.1.1.1","Identifier":{"id":"x\\=1","type":"managedAccount","subType":"local"}} ' +
        `rt=2024-09-23T17:18:42Z TrendMicroV1CompanyID=${COMPANY}`,
    );
  });

  it('maps a system audit log (900004): activity in cs1, Unix seconds in cn1, space-separated logged time read as UTC; a destination timeFormat still overrides rt', () => {
    expect(format(report, 'cef-date')).toBe(
      'CEF:0|Trend Micro|Trend Vision One|1.0.0|900004|Trend Vision One System Audit Log|2|cat=Reports ' +
        'cs1Label=Activity cs1=Generate report cn1Label=Timestamp cn1=1727107450 ' +
        'msg={"Report ID":"R-1","Report final status":"OK","Report format":"pdf"} ' +
        `rt=Sep 23 2024 16:04:10.000 UTC TrendMicroV1CompanyID=${COMPANY}`,
    );
  });

  it.each([
    ['API', 1],
    ['Service Gateway', 6],
  ])('maps accessType %s to cn2 %i, and leaves cn2 out for an undocumented one', (accessType, code) => {
    const record = auditCefRecord(readAuditLog({ accessType, result: 'Unsuccessful' }), 'account', {});
    expect(record.extensions).toEqual([
      ['cn1Label', 'Result'],
      ['cn1', 0],
      ['cn2Label', 'Source'],
      ['cn2', code],
    ]);
    expect(auditCefRecord(readAuditLog({ accessType: 'Mobile App' }), 'account', {}).extensions).toEqual([]);
  });

  it('cuts msg at 1000 characters, never inside an emoji', () => {
    const record = auditCefRecord(readAuditLog({ details: { note: '😀'.repeat(2000) } }), 'system', {});
    const msg = record.extensions.find(([key]) => key === 'msg')?.[1] as string;
    expect(Array.from(msg).length).toBe(1000);
    expect(msg.startsWith('{"note":"😀')).toBe(true);
    expect(msg.endsWith('😀')).toBe(true);
  });

  it.each([
    ['Sign in and sign out', 'account'],
    ['ACCOUNT MANAGEMENT', 'account'],
    ['Reports', 'system'],
    ['Product Connector', 'system'],
    ['constructor', undefined],
    ['Quantum Settings', undefined],
  ])('files category %j under %s', (category, type) => {
    expect(auditLogTypeOf(category)).toBe(type);
  });
});
