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
import { readWorkbenchAlert } from '../src/workbench-alert.js';
import { workbenchCefRecord } from '../src/workbench-cef-record.js';

/*
 * Trend publishes a mapping table, not sample lines (FACTS §A.5): "Syslog content mapping - CEF" →
 * cef-workbench-logs. So the golden check is per field: a Vision One alert carrying the table's example values
 * goes through this source's mapping and the real CEF formatter with NO options (what a destination gets by
 * default), and two parsers we did not write (liblognorm's `cef` type through lognormalizer, and rsyslog with
 * mmnormalize) must read back every field as the table's example shows it. No difference is allowed here; the
 * README's "Against Trend's table" section says so.
 */

// Trend's examples, row by row (cef-workbench-logs; header rows FACTS §A.3).
const TREND_TABLE: CefFields = {
  version: '0',
  vendor: 'Trend Micro',
  product: 'Trend Vision One',
  deviceVersion: '1.0.0',
  signatureId: '900001',
  name: 'Trend Vision One Workbench Alert',
  severity: '7',
  extensions: {
    externalId: 'WB-9002-20210519-00014',
    cat: 'Possible APT Attack',
    cn1Label: 'Impact Scope Count',
    cn1: '1',
    cs1Label: 'Workbench link',
    cs1: 'https://portal-int.visionone.trendmicro.com/index.html#/workbench?workbenchId=WB-9002-20210517-00001&ref=0c12e642ca5b7ed4436e5f23f568ae10066608d3',
    msg: 'A user bypassed higher-level permissions.',
    rt: 'Dec 05 2022 05:26:45',
    sourceServiceName: 'SAE',
    TrendMicroV1CompanyID: '68960c94-9be6-4343-a4ca-6408de7aa331',
  },
};

// The Vision One alert behind those values (FACTS §B.5 item shape).
const ALERT: JsonValue = {
  id: 'WB-9002-20210519-00014',
  schemaVersion: '1.12',
  status: 'Open',
  investigationResult: 'No Findings',
  workbenchLink: TREND_TABLE.extensions['cs1'] as string,
  alertProvider: 'SAE',
  model: 'Possible APT Attack',
  modelId: 'd1b4c2a0-0000-4000-8000-000000000001',
  modelType: 'preset',
  score: 64,
  severity: 'high',
  createdDateTime: '2022-12-05T05:26:45Z',
  updatedDateTime: '2022-12-05T06:00:00Z',
  description: 'A user bypassed higher-level permissions.',
  impactScope: { desktopCount: 1, serverCount: 0, accountCount: 0, emailAddressCount: 0, containerCount: 0, cloudIdentityCount: 0, entities: [] },
  indicators: [],
  matchedRules: [],
};

const event: SecurityEvent = {
  key: 'WB-9002-20210519-00014',
  source: 'workbench',
  type: 'workbench-alert',
  time: Date.parse('2022-12-05T05:26:45Z'),
  raw: ALERT,
  record: workbenchCefRecord(readWorkbenchAlert(ALERT), { version: 'new', companyId: '68960c94-9be6-4343-a4ca-6408de7aa331' }),
};

// No options at all: the destination default (RFC 3164 prefix, user facility, the vendor's own time forms).
const { formatter } = formatterMaker(cefOptions, CefFormatter)({});
const line = formatter.format(event);

describe('workbench 900001 against Trend\'s mapping table, through the real CEF formatter with no options', () => {
  it('is this line', () => {
    expect(line).toBe(
      // The envelope is the destination's default, as Trend documents none (FACTS §A.6): PRI 11 = user.err (the
      // formatter's CEF 7 → syslog 3), an RFC 3164 header from the event time, `CEF:` as the TAG.
      '<11>Dec  5 05:26:45 sensor-01 CEF:0|Trend Micro|Trend Vision One|1.0.0|900001|Trend Vision One Workbench Alert|7|' +
        'externalId=WB-9002-20210519-00014 cat=Possible APT Attack cn1Label=Impact Scope Count cn1=1 cs1Label=Workbench link ' +
        'cs1=https://portal-int.visionone.trendmicro.com/index.html#/workbench?workbenchId\\=WB-9002-20210517-00001&ref\\=0c12e642ca5b7ed4436e5f23f568ae10066608d3 ' +
        'msg=A user bypassed higher-level permissions. rt=Dec 05 2022 05:26:45 sourceServiceName=SAE ' +
        'TrendMicroV1CompanyID=68960c94-9be6-4343-a4ca-6408de7aa331',
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

describe.skipIf(requireOracle('rsyslog'))('workbench 900001 as rsyslog parses it (RFC 3164 header, mmnormalize CEF)', () => {
  const oracle = useOracle(() => RsyslogOracle.start({ inputs: [{ protocol: 'tcp' }], parseCef: true }));

  it('reads back every field as the table shows it', async () => {
    const [record] = await sendToOracle(oracle(), [line]);
    expect([record?.pri, record?.hostname, record?.timestamp.slice(5, 19)]).toEqual([11, 'sensor-01', '12-05T05:26:45']);
    expect(record?.cef).toEqual(TREND_TABLE);
  });
});
