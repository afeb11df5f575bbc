import type { JsonValue } from '@syslog-connector/core';
import { describe, expect, it } from 'vitest';
import saeAlert from '../test/fixtures/sae-alert.json' with { type: 'json' };
import tiAlert from '../test/fixtures/ti-alert.json' with { type: 'json' };
import { readWorkbenchAlert, workbenchAlertSchema } from './workbench-alert.js';
import { workbenchCefRecord } from './workbench-cef-record.js';

const COMPANY = '8d1ad2c4-7d6b-4b8e-9a3e-5c2f1e0d9b7a';
/** Trend's workbench `rt` form, `Dec 05 2022 05:26:45` (cef-workbench-logs): whole seconds, CEF date, UTC. */
const rt = (iso: string) => ({ epochMs: Date.parse(iso), ticks: 0, form: 'cef-date-seconds' });
const header = {
  vendor: 'Trend Micro',
  product: 'Trend Vision One',
  version: '1.0.0',
  signatureId: '900001',
  name: 'Trend Vision One Workbench Alert',
};

describe('workbenchCefRecord', () => {
  it('maps an SAE alert field by field, in Trend order (FACTS §A.3, §A.4)', () => {
    expect(workbenchAlertSchema.safeParse(saeAlert).success).toBe(true);
    expect(workbenchCefRecord(readWorkbenchAlert(saeAlert as JsonValue), { version: 'new', companyId: COMPANY })).toEqual({
      ...header,
      severity: 7,
      extensions: [
        ['externalId', 'WB-9002-20260301-00014'],
        ['cat', 'Credential Dumping via Mimikatz'],
        ['cn1Label', 'Impact Scope Count'],
        // desktop 1 + server 2 + account 1 + email 0 + container 0 + cloud identity 1
        ['cn1', 5],
        ['cs1Label', 'Workbench link'],
        ['cs1', 'https://portal.xdr.trendmicro.com/index.html#/workbench?workbenchId=WB-9002-20260301-00014&ref=0b9a3c'],
        // The vendor's text untouched — pipes, backslash, CR/LF — for the formatter to escape.
        ['msg', 'A user obtained account logon information | pass=secret \\ via Mimikatz.\r\nSecond line.'],
        ['rt', rt('2026-03-01T11:16:08Z')],
        ['sourceServiceName', 'SAE'],
        ['TrendMicroV1CompanyID', COMPANY],
      ],
    });
  });

  it('uses updatedDateTime as rt for an update event', () => {
    const record = workbenchCefRecord(readWorkbenchAlert(saeAlert as JsonValue), { version: 'updated' });
    expect(record.extensions.find(([key]) => key === 'rt')).toEqual(['rt', rt('2026-03-01T11:46:13Z')]);
    expect(record.extensions.map(([key]) => key).at(-1)).toBe('sourceServiceName');
  });

  it('maps a TI alert: critical is 9, counts without container/cloud identity, no msg', () => {
    expect(workbenchAlertSchema.safeParse(tiAlert).success).toBe(true);
    expect(workbenchCefRecord(readWorkbenchAlert(tiAlert as JsonValue), { version: 'new' })).toEqual({
      ...header,
      severity: 9,
      extensions: [
        ['externalId', 'WB-9002-20260301-00015'],
        ['cat', 'Threat Intelligence Sweeping: Soula campaign'],
        ['cn1Label', 'Impact Scope Count'],
        ['cn1', 11],
        ['cs1Label', 'Workbench link'],
        ['cs1', 'https://portal.xdr.trendmicro.com/index.html#/workbench?workbenchId=WB-9002-20260301-00015'],
        ['rt', rt('2026-03-01T11:20:00Z')],
        ['sourceServiceName', 'TI'],
      ],
    });
  });

  it.each([
    ['low', 3],
    ['medium', 5],
    ['high', 7],
    ['critical', 9],
    ['informational', 0],
    ['constructor', 0],
  ])('maps severity %s to %i', (severity, expected) => {
    expect(workbenchCefRecord(readWorkbenchAlert({ severity }), { version: 'new' }).severity).toBe(expected);
  });

  it('leaves out what an invalid item lacks, labels included', () => {
    const raw: JsonValue = { id: 'WB-X', severity: 'bogus', createdDateTime: 'yesterday', impactScope: { desktopCount: 'two' }, workbenchLink: 42 };
    expect(workbenchAlertSchema.safeParse(raw).success).toBe(false);
    expect(workbenchCefRecord(readWorkbenchAlert(raw), { version: 'new' })).toEqual({ ...header, severity: 0, extensions: [['externalId', 'WB-X']] });
    expect(workbenchCefRecord(readWorkbenchAlert('not an object'), { version: 'new' })).toEqual({ ...header, severity: 0, extensions: [] });
  });
});
