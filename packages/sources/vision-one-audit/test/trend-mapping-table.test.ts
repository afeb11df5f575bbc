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
import { auditCefRecord } from '../src/audit-cef-record.js';
import { auditLogTypeOf } from '../src/audit-log-type.js';
import { readAuditLog } from '../src/audit-log.js';

/*
 * Trend publishes mapping tables, not sample lines (FACTS §A.5): "Syslog content mapping - CEF" →
 * trend-vision-one-cef-account-audit-logs and trend-vision-one-cef-system-audit-logs. So the golden check is per
 * field: an audit log carrying a table's example values goes through this source's mapping and the real CEF
 * formatter with NO options, and two parsers we did not write (liblognorm's `cef` type through lognormalizer,
 * rsyslog with mmnormalize) must read back every field as the table shows it — except the differences below,
 * each of which the README lists with its reason (checked here too).
 */

const COMPANY = '68960c94-9be6-4343-a4ca-6408de7aa331';
const HEADER = { version: '0', vendor: 'Trend Micro', product: 'Trend Vision One', deviceVersion: '1.0.0', severity: '2' } as const;

/** The allowed differences, each with the README sentence that gives its reason. */
const MSG_SPACING = "Trend's two `msg` examples space their JSON differently from each other";
const SYSTEM_CN1 = '1727107450 is 16:04:10Z, not the 17:18:42Z of its own `rt` example';

interface Case {
  readonly title: string;
  readonly log: JsonValue;
  readonly table: CefFields;
  readonly line: string;
  /** Extension keys whose value may differ from the table, and what must hold instead. */
  readonly differences: Readonly<Record<string, { readonly reason: string; readonly check: (ours: string, trend: string) => void }>>;
}

// `msg` is JSON in both: the same JSON, whatever the spacing.
const sameJson = (ours: string, trend: string): void => expect(JSON.parse(ours)).toEqual(JSON.parse(trend));

const CASES: readonly Case[] = [
  {
    title: 'account audit 900003',
    log: {
      loggedDateTime: '2024-09-23T17:18:42Z',
      ingestedDateTime: '2024-09-23T17:18:50Z',
      loggedUser: 'Root account',
      loggedRole: 'Master Administrator',
      accessType: 'Console',
      category: 'Sign in and sign out',
      activity: 'Sign in',
      result: 'Successful',
      details: {
        'IP address': '10.1.1.1',
        Identifier: { id: '0e9b00aa-6ee4-4f83-9e42-dd83e19a5e60', type: 'managedAccount', name: 'Root Account', email: 'admin@example.com', subType: 'local' },
      },
    },
    // trend-vision-one-cef-account-audit-logs, row by row.
    table: {
      ...HEADER,
      signatureId: '900003',
      name: 'Trend Vision One Account Audit Log',
      extensions: {
        cat: 'Sign in and sign out',
        cs1Label: 'Account',
        cs1: 'Root account',
        cs2Label: 'Role',
        cs2: 'Master Administrator',
        cs3Label: 'Activity',
        cs3: 'Sign in',
        cn1Label: 'Result',
        cn1: '1',
        cn2Label: 'Source',
        cn2: '0',
        msg: '{"IP address": "10.1.1.1", "Identifier": {"id":"0e9b00aa-6ee4-4f83-9e42-dd83e19a5e60","type":"managedAccount","name":"Root Account","email":"admin@example.com","subType":"local"}}',
        rt: '2024-09-23T17:18:42Z',
        TrendMicroV1CompanyID: COMPANY,
      },
    },
    // The envelope is the destination's default, as Trend documents none (FACTS §A.6): PRI 13 = user.notice (the
    // formatter's CEF 2 → syslog 5), an RFC 3164 header from the event time, `CEF:` as the TAG.
    line:
      '<13>Sep 23 17:18:42 sensor-01 CEF:0|Trend Micro|Trend Vision One|1.0.0|900003|Trend Vision One Account Audit Log|2|' +
      'cat=Sign in and sign out cs1Label=Account cs1=Root account cs2Label=Role cs2=Master Administrator cs3Label=Activity cs3=Sign in ' +
      'cn1Label=Result cn1=1 cn2Label=Source cn2=0 ' +
      'msg={"IP address":"10.1.1.1","Identifier":{"id":"0e9b00aa-6ee4-4f83-9e42-dd83e19a5e60","type":"managedAccount","name":"Root Account","email":"admin@example.com","subType":"local"}} ' +
      `rt=2024-09-23T17:18:42Z TrendMicroV1CompanyID=${COMPANY}`,
    differences: { msg: { reason: MSG_SPACING, check: sameJson } },
  },
  {
    title: 'system audit 900004',
    log: {
      loggedDateTime: '2024-09-23T17:18:42Z',
      loggedUser: 'Root account',
      loggedRole: 'Master Administrator',
      accessType: 'Console',
      category: 'Reports',
      activity: 'Generate report',
      result: 'Successful',
      details: {
        'Report ID': '6841f152-03ef-411e-9a54-cfe9e6ce5dba',
        'Report final status': 'OK',
        'Report name': 'Risk Overview - example',
        'Report format': 'pdf',
        'Report type': 'scheduled',
      },
    },
    // trend-vision-one-cef-system-audit-logs, row by row.
    table: {
      ...HEADER,
      signatureId: '900004',
      name: 'Trend Vision One System Audit Log',
      extensions: {
        cat: 'Reports',
        cs1Label: 'Activity',
        cs1: 'Generate report',
        cn1Label: 'Timestamp',
        cn1: '1727107450',
        msg: '{"Report ID": "6841f152-03ef-411e-9a54-cfe9e6ce5dba","Report final status": "OK","Report name": "Risk Overview - example","Report format": "pdf","Report type": "scheduled"}',
        rt: '2024-09-23T17:18:42Z',
        TrendMicroV1CompanyID: COMPANY,
      },
    },
    line:
      '<13>Sep 23 17:18:42 sensor-01 CEF:0|Trend Micro|Trend Vision One|1.0.0|900004|Trend Vision One System Audit Log|2|' +
      'cat=Reports cs1Label=Activity cs1=Generate report cn1Label=Timestamp cn1=1727111922 ' +
      'msg={"Report ID":"6841f152-03ef-411e-9a54-cfe9e6ce5dba","Report final status":"OK","Report name":"Risk Overview - example","Report format":"pdf","Report type":"scheduled"} ' +
      `rt=2024-09-23T17:18:42Z TrendMicroV1CompanyID=${COMPANY}`,
    differences: {
      msg: { reason: MSG_SPACING, check: sameJson },
      // Ours is `rt` in Unix seconds, as the row says ("Timestamp").
      cn1: { reason: SYSTEM_CN1, check: (ours) => expect(Number(ours) * 1000).toBe(Date.parse('2024-09-23T17:18:42Z')) },
    },
  },
];

const { formatter } = formatterMaker(cefOptions, CefFormatter)({});
const eventOf = (log: JsonValue): SecurityEvent => {
  const fields = readAuditLog(log);
  const logType = auditLogTypeOf(fields.category);
  if (logType === undefined) throw new Error(`no log type for ${fields.category ?? '(none)'}`);
  return { key: 'k', source: 'audit', type: 'audit-log', time: fields.loggedMs ?? 0, raw: log, record: auditCefRecord(fields, logType, { companyId: COMPANY }) };
};
const lines = CASES.map((c) => formatter.format(eventOf(c.log)));

/** Every field as the table shows it, but for the listed differences, which must hold their own check. */
const expectAgainstTable = (decoded: CefFields | undefined, c: Case): void => {
  expect(decoded).toBeDefined();
  const { extensions, ...header } = decoded as CefFields;
  const { extensions: trendExtensions, ...trendHeader } = c.table;
  expect(header).toEqual(trendHeader);
  expect(Object.keys(extensions)).toEqual(Object.keys(trendExtensions));
  for (const [key, trend] of Object.entries(trendExtensions)) {
    const ours = extensions[key] as string;
    const difference = c.differences[key];
    if (difference === undefined) expect([key, ours]).toEqual([key, trend]);
    else difference.check(ours, trend);
  }
};

describe.each(CASES.map((c, i) => [c.title, c, lines[i] as string] as const))(
  '%s against Trend\'s mapping table, through the real CEF formatter with no options',
  (_title, c, line) => {
    it('is this line', () => {
      expect(line).toBe(c.line);
    });

    it.skipIf(requireOracle('lognormalizer'))('reads back every field as the table shows it, but the listed differences (liblognorm)', async () => {
      const [decoded] = await decodeCefWithLiblognorm([line]);
      expect(isCefFields(decoded)).toBe(true);
      expectAgainstTable(isCefFields(decoded) ? decoded : undefined, c);
    });

    it('is the line its README shows, and the README lists each difference with its reason', () => {
      const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
      expect(readme).toContain(`\n${line}\n`);
      for (const { reason } of Object.values(c.differences)) expect(readme).toContain(reason);
    });
  },
);

describe.skipIf(requireOracle('rsyslog'))('audit 900003 / 900004 as rsyslog parses them (RFC 3164 header, mmnormalize CEF)', () => {
  const oracle = useOracle(() => RsyslogOracle.start({ inputs: [{ protocol: 'tcp' }], parseCef: true }));

  it('reads back every field as the tables show them, but the listed differences', async () => {
    const records = await sendToOracle(oracle(), lines);
    records.forEach((record, i) => {
      expect([record.pri, record.hostname, record.timestamp.slice(5, 19)]).toEqual([13, 'sensor-01', '09-23T17:18:42']);
      expectAgainstTable(record.cef !== undefined && isCefFields(record.cef) ? record.cef : undefined, CASES[i] as Case);
    });
  });
});
