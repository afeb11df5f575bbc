import { Buffer } from 'node:buffer';
import type { SecurityEvent, Severity } from '@syslog-connector/core';
import {
  MDI_SECURITY_ALERT_SAMPLE,
  TREND_ACCOUNT_AUDIT_SAMPLE,
  TREND_WORKBENCH_ALERT_SAMPLE as workbenchAlert,
  WORKBENCH_CEF_HEAD,
  bareWorkbenchAlert,
  expectFormatterPlugin,
  formatRejection,
  formatterMaker,
  formatterPluginContext,
  workbenchCefLine,
} from '@syslog-connector/testing';
import { describe, expect, it } from 'vitest';
import defaultExport from './index.js';
import { rfc5424Options } from './options.js';
import { Rfc5424Formatter, rfc5424Formatter } from './rfc5424-formatter.js';

const makeFormatter = formatterMaker(rfc5424Options, Rfc5424Formatter);
const format = (event: SecurityEvent, options: Record<string, unknown> = {}, instance?: string): string =>
  makeFormatter(options, instance).formatter.format(event);

const noExtensions = bareWorkbenchAlert();

const WORKBENCH_CEF = workbenchCefLine();
const WORKBENCH_HEAD = '<11>1 2022-12-05T05:26:45.000Z sensor-01.example.com syslog-connector - 900001';
const WORKBENCH_SD = '[sc@32473 key="WB-9002-20210519-00014" source="workbench" type="workbench-alert"]';

describe('Rfc5424Formatter golden vectors', () => {
  it('writes the Workbench alert (FACTS §A.5) with the default options', () => {
    // PRI 11 = user (1) × 8 + error (3), the syslog severity of CEF 7 in core's table.
    expect(format(workbenchAlert)).toBe(`${WORKBENCH_HEAD} ${WORKBENCH_SD} ${WORKBENCH_CEF}`);
  });

  it('writes the account audit log (FACTS §A.5) with iso8601 CEF timestamps', () => {
    expect(format(TREND_ACCOUNT_AUDIT_SAMPLE, { cefTimeFormat: 'iso8601' })).toBe(
      '<13>1 2024-09-23T17:18:42.000Z sensor-01.example.com syslog-connector - 900003 ' +
        '[sc@32473 key="audit-2024-09-23T17:18:42Z-1" source="audit" type="audit-log"] ' +
        'CEF:0|Trend Micro|Trend Vision One|1.0.0|900003|Trend Vision One Account Audit Log|2|' +
        'cat=Sign in and sign out cs1Label=Account cs1=Root account cs2Label=Role cs2=Master Administrator ' +
        'cs3Label=Activity cs3=Sign in cn1Label=Result cn1=1 cn2Label=Source cn2=0 msg={"IP address": "10.1.1.1"} ' +
        'rt=2024-09-23T17:18:42.000Z TrendMicroV1CompanyID=3f9c2a61-5b7e-4d0a-9c1e-8a2b6d4f0e17',
    );
  });

  it('reproduces the MDI line shape of FACTS §C.5 with profile mdi', () => {
    // <36> = auth (4) × 8 + warning (4), as observed for MDI's severity-5 alerts; APP-NAME CEF, PROCID the pid,
    // MSGID the alert type, no STRUCTURED-DATA field, a BOM, then the CEF line without `CEF:`.
    expect(format(MDI_SECURITY_ALERT_SAMPLE, { profile: 'mdi', facility: 'auth', procId: '6076' }, 'CENTER')).toBe(
      '<36>1 2018-02-21T14:19:27.540000+00:00 CENTER CEF 6076 LdapBruteForceSecurityAlert \uFEFF' +
        '0|Microsoft|Azure ATP|2.22.4228.22540|LdapBruteForceSecurityAlert|Brute force attack using LDAP simple bind|5|' +
        'start=2018-02-21T14:19:41.7422810Z app=Ldap suser=Ben Wallace shost=CLIENT1 ' +
        String.raw`msg=Ben Wallace made 100 failed LDAP simple bind attempts from CLIENT1.\r\nThe attempts targeted 100 accounts. ` +
        'cnt=100 externalId=2004 cs1Label=url cs1=https://security.microsoft.com/alerts/aa9d3b7e-2c1f-4e5a-a1b2-c3d4e5f60718 ' +
        'cs2Label=trigger cs2=update cs3Label=shostfqdn cs3=client1.contoso.com',
    );
  });

  it("writes an MDI event in MDI's own form with no option: <36>, APP-NAME CEF, the pid, no SD, a BOM, `0|`", () => {
    expect(format(MDI_SECURITY_ALERT_SAMPLE, {}, 'CENTER')).toBe(
      format(MDI_SECURITY_ALERT_SAMPLE, { profile: 'mdi', facility: 'auth', procId: `${process.pid}` }, 'CENTER'),
    );
    expect(format(MDI_SECURITY_ALERT_SAMPLE, {}, 'CENTER').startsWith(`<36>1 2018-02-21T14:19:27.540000+00:00 CENTER CEF ${process.pid} LdapBruteForceSecurityAlert \uFEFF0|Microsoft|`)).toBe(true);
  });

  it("writes Trend and MDI events through one destination, each in its vendor's form", () => {
    const { formatter } = makeFormatter({ procId: '7' }, 'CENTER');
    expect([workbenchAlert, MDI_SECURITY_ALERT_SAMPLE].map((event) => formatter.format(event).split(' ').slice(0, 4).join(' '))).toEqual([
      '<11>1 2022-12-05T05:26:45.000Z CENTER syslog-connector',
      '<36>1 2018-02-21T14:19:27.540000+00:00 CENTER CEF',
    ]);
  });

  it("lets profile standard, body json and facility override MDI's form and PRI", () => {
    expect(format(MDI_SECURITY_ALERT_SAMPLE, { profile: 'standard' }, 'CENTER')).toMatch(/^<36>1 2018-02-21T14:19:27\.540Z CENTER syslog-connector - LdapBruteForceSecurityAlert \[sc@32473 key="/);
    expect(format(MDI_SECURITY_ALERT_SAMPLE, { body: 'json' }, 'CENTER')).toMatch(/^<36>1 2018-02-21T14:19:27\.540Z CENTER syslog-connector - LdapBruteForceSecurityAlert \[sc@32473 key=".*\] \{"id":/);
    expect(format(MDI_SECURITY_ALERT_SAMPLE, { facility: 'local4', procId: '1' }, 'CENTER').slice(0, 40)).toBe('<164>1 2018-02-21T14:19:27.540000+00:00 ');
  });

  it("gives up msg first to fit the transport's maxBytes, in both forms, counting the BOM's 3 bytes", () => {
    const { formatter, metrics } = makeFormatter({ procId: '7' }, 'CENTER');
    for (const event of [workbenchAlert, MDI_SECURITY_ALERT_SAMPLE]) {
      const whole = formatter.format(event);
      const max = Buffer.byteLength(whole, 'utf8') - 20;
      const line = formatter.format(event, max);
      expect(Buffer.byteLength(line, 'utf8')).toBe(max);
      // Everything after msg is kept whole: only msg's last 20 bytes went.
      const tail = whole.slice(whole.indexOf(event === workbenchAlert ? ' rt=' : ' cnt='));
      expect(line.endsWith(tail)).toBe(true);
      expect(line.slice(0, line.indexOf(' msg='))).toBe(whole.slice(0, whole.indexOf(' msg=')));
    }
    expect(metrics.snapshot()).toEqual([
      { name: 'format_truncations', labels: { key: 'msg' }, value: 2 },
      { name: 'format_truncations', labels: { key: 'syslog-message' }, value: 2 },
    ]);
  });

  it('cuts the MDI MSGID to 32 characters, as MDI does (FACTS §C.5)', () => {
    const event = bareWorkbenchAlert({ record: { ...noExtensions.record, signatureId: 'GoldenTicketEncryptionDowngradeSecurityAlert' } });
    expect(format(event, { profile: 'mdi', procId: '1' }, 'CENTER')).toBe(
      '<11>1 2022-12-05T05:26:45.000000+00:00 CENTER CEF 1 GoldenTicketEncryptionDowngradeS \uFEFF' +
        '0|Trend Micro|Trend Vision One|1.0.0|GoldenTicketEncryptionDowngradeSecurityAlert|Trend Vision One Workbench Alert|7|',
    );
  });

  it("writes the connector's process id as the MDI PROCID when none is configured", () => {
    expect(format(noExtensions, { profile: 'mdi' })).toBe(
      `<11>1 2022-12-05T05:26:45.000000+00:00 sensor-01.example.com CEF ${process.pid} 900001 \uFEFF${WORKBENCH_CEF_HEAD.slice(4)}`,
    );
  });

  it('writes the raw vendor event as JSON with body json', () => {
    expect(format(workbenchAlert, { body: 'json' })).toBe(`${WORKBENCH_HEAD} ${WORKBENCH_SD} ${JSON.stringify(workbenchAlert.raw)}`);
    expect(format(workbenchAlert, { body: 'json' })).toContain(' {"id":"WB-9002-20210519-00014","model":"Possible APT Attack",');
  });
});

describe('Rfc5424Formatter header', () => {
  it.each([
    ['user', 0, '<14>'],
    ['user', 3, '<13>'],
    ['user', 5, '<12>'],
    ['user', 8, '<11>'],
    ['user', 10, '<10>'],
    ['local4', 5, '<164>'],
    ['kern', 10, '<2>'],
  ] as const)('writes PRI from facility %s and CEF severity %d as %s (RFC 5424 §6.2.1)', (facility, severity, pri) => {
    const line = format(bareWorkbenchAlert({ record: { ...noExtensions.record, severity } }), { facility, structuredData: false });
    expect(line).toBe(
      `${pri}1 2022-12-05T05:26:45.000Z sensor-01.example.com syslog-connector - 900001 - ` +
        `CEF:0|Trend Micro|Trend Vision One|1.0.0|900001|Trend Vision One Workbench Alert|${severity}|`,
    );
  });

  it('writes the event time with milliseconds in UTC, T and Z upper case (RFC 5424 §6.2.3)', () => {
    expect(format(bareWorkbenchAlert({ time: Date.parse('2026-01-09T22:04:05.123+02:00') }), { structuredData: false })).toBe(
      `<11>1 2026-01-09T20:04:05.123Z sensor-01.example.com syslog-connector - 900001 - ${WORKBENCH_CEF_HEAD}`,
    );
  });

  it('writes NILVALUE for a time without a 4-digit year', () => {
    expect(format(bareWorkbenchAlert({ time: 253_402_300_800_000 }), { structuredData: false })).toBe(
      `<11>1 - sensor-01.example.com syslog-connector - 900001 - ${WORKBENCH_CEF_HEAD}`,
    );
  });

  it('replaces spaces and non-ASCII characters of the HOSTNAME and cuts it to 255 (RFC 5424 §6.2.4)', () => {
    expect(format(noExtensions, { structuredData: false }, 'capteur münchen')).toBe(
      `<11>1 2022-12-05T05:26:45.000Z capteur_m_nchen syslog-connector - 900001 - ${WORKBENCH_CEF_HEAD}`,
    );
    expect(format(noExtensions, { structuredData: false }, 'h'.repeat(300))).toBe(
      `<11>1 2022-12-05T05:26:45.000Z ${'h'.repeat(255)} syslog-connector - 900001 - ${WORKBENCH_CEF_HEAD}`,
    );
  });

  it('writes the configured APP-NAME and PROCID (RFC 5424 §6.2.5, §6.2.6)', () => {
    expect(format(noExtensions, { appName: 'xdr-forwarder', procId: '4242', structuredData: false })).toBe(
      `<11>1 2022-12-05T05:26:45.000Z sensor-01.example.com xdr-forwarder 4242 900001 - ${WORKBENCH_CEF_HEAD}`,
    );
  });

  it('cuts the MSGID to 32 printable ASCII characters, and writes - for an empty one (RFC 5424 §6.2.7)', () => {
    const long = bareWorkbenchAlert({ record: { ...noExtensions.record, signatureId: 'Account Enumeration SecurityAlert Extended' } });
    expect(format(long, { structuredData: false })).toContain(' syslog-connector - Account_Enumeration_SecurityAler - CEF:0|');
    const empty = bareWorkbenchAlert({ record: { ...noExtensions.record, signatureId: '' } });
    expect(format(empty, { structuredData: false })).toBe(
      '<11>1 2022-12-05T05:26:45.000Z sensor-01.example.com syslog-connector - - - ' +
        'CEF:0|Trend Micro|Trend Vision One|1.0.0||Trend Vision One Workbench Alert|7|',
    );
  });

  it('starts MSG with the UTF-8 BOM when bom is on (RFC 5424 §6.4)', () => {
    expect(format(noExtensions, { bom: true })).toBe(`${WORKBENCH_HEAD} ${WORKBENCH_SD} \uFEFF${WORKBENCH_CEF_HEAD}`);
  });
});

describe('Rfc5424Formatter structured data', () => {
  it('escapes ", \\ and ] in PARAM-VALUEs (RFC 5424 §6.3.3)', () => {
    const event = bareWorkbenchAlert({ key: 'a"b\\c]d', source: 'src]', type: 'say "x"' });
    expect(format(event)).toBe(
      `${WORKBENCH_HEAD} [sc@32473 key="a\\"b\\\\c\\]d" source="src\\]" type="say \\"x\\""] ${WORKBENCH_CEF_HEAD}`,
    );
  });

  it('replaces CR, LF and NUL in a PARAM-VALUE with a space, so the record cannot split', () => {
    const event = bareWorkbenchAlert({ key: 'k\r\n<13>forged\u0000', source: 's\n', type: 't' });
    expect(format(event)).toBe(`${WORKBENCH_HEAD} [sc@32473 key="k  <13>forged " source="s " type="t"] ${WORKBENCH_CEF_HEAD}`);
  });

  it('keeps non-ASCII text in a PARAM-VALUE and replaces a lone surrogate', () => {
    const event = bareWorkbenchAlert({ key: 'clé-中文-😀-\ud800', source: 'src', type: 'type' });
    expect(format(event)).toBe(`${WORKBENCH_HEAD} [sc@32473 key="clé-中文-😀-\ufffd" source="src" type="type"] ${WORKBENCH_CEF_HEAD}`);
  });

  it('uses the configured SD-ID', () => {
    expect(format(noExtensions, { sdId: 'syslog-connector@12345.1' })).toBe(
      `${WORKBENCH_HEAD} [syslog-connector@12345.1 key="WB-9002-20210519-00014" source="workbench" type="workbench-alert"] ${WORKBENCH_CEF_HEAD}`,
    );
  });

  it('writes - with structuredData false', () => {
    expect(format(noExtensions, { structuredData: false })).toBe(`${WORKBENCH_HEAD} - ${WORKBENCH_CEF_HEAD}`);
  });

  it('writes each event its own source and type when they change from one event to the next', () => {
    const { formatter } = makeFormatter({ bom: true });
    const sd = (event: SecurityEvent) => formatter.format(event).split(' 900001 ')[1]?.split(` \uFEFF`)[0];
    expect(sd(bareWorkbenchAlert({ key: 'k1', source: 'oat', type: 'oat-detection' }))).toBe('[sc@32473 key="k1" source="oat" type="oat-detection"]');
    expect(sd(bareWorkbenchAlert({ key: 'k2', source: 'oat', type: 'oat-detection' }))).toBe('[sc@32473 key="k2" source="oat" type="oat-detection"]');
    expect(sd(bareWorkbenchAlert({ key: 'k3', source: 'oat', type: 'audit-log' }))).toBe('[sc@32473 key="k3" source="oat" type="audit-log"]');
    expect(sd(bareWorkbenchAlert({ key: 'k4', source: 'audit', type: 'audit-log' }))).toBe('[sc@32473 key="k4" source="audit" type="audit-log"]');
  });
});

describe('Rfc5424Formatter rejections', () => {
  it.each([
    ['body cef', {}],
    ['body json', { body: 'json' }],
  ])('rejects a CEF severity outside 0–10 with %s', (_, options) => {
    const error = formatRejection(() => format(bareWorkbenchAlert({ record: { ...noExtensions.record, severity: 11 as Severity } }), options));
    expect(error.message).toBe('CEF severity must be an integer from 0 to 10, got 11.');
  });

  it.each(['source', 'type'] as const)('rejects an event %s that is not a string, in the first event as in later ones', (field) => {
    const { formatter } = makeFormatter();
    const bad = bareWorkbenchAlert({ [field]: undefined as unknown as string });
    expect(formatRejection(() => formatter.format(bad)).message).toBe(`The event ${field} is a undefined, not a string.`);
    formatter.format(noExtensions);
    expect(formatRejection(() => formatter.format(bad)).message).toBe(`The event ${field} is a undefined, not a string.`);
  });

  it('rejects an event key that is not a string', () => {
    const error = formatRejection(() => format(bareWorkbenchAlert({ key: 5 as unknown as string })));
    expect(error.message).toBe('The event key is a number, not a string.');
  });

  it('rejects a signature id that is not a string with body json', () => {
    const event = bareWorkbenchAlert({ record: { ...noExtensions.record, signatureId: 9 as unknown as string } });
    expect(formatRejection(() => format(event, { body: 'json' })).message).toBe('The CEF signature id is a number, not a string.');
  });

  it('rejects a raw event JSON cannot write', () => {
    const raw: Record<string, unknown> = {};
    raw['self'] = raw;
    const error = formatRejection(() => format(bareWorkbenchAlert({ raw: raw as unknown as SecurityEvent['raw'] }), { body: 'json' }));
    expect(error.message).toBe('The raw event cannot be written as JSON: Converting circular structure to JSON.');
  });
});

describe('rfc5424Formatter definition', () => {
  it('is a formatter plugin of type rfc5424, and the default export', () => {
    expectFormatterPlugin(rfc5424Formatter, 'rfc5424', defaultExport);
  });

  it("fills every option with its default, and leaves the vendor's choices (profile, facility, time form) unset", () => {
    expect(rfc5424Options.parse({})).toEqual({
      appName: 'syslog-connector',
      structuredData: true,
      sdId: 'sc@32473',
      bom: false,
      body: 'cef',
    });
  });

  it.each([
    ['an APP-NAME with a space', { appName: 'my app' }],
    ['an APP-NAME of 49 characters', { appName: 'a'.repeat(49) }],
    ['a PROCID with a space', { procId: '1 2' }],
    ['a PROCID of 129 characters', { procId: '1'.repeat(129) }],
    ['an IANA SD-ID', { sdId: 'origin' }],
    ['an SD-ID without a number', { sdId: 'sc@example' }],
    ['body json with profile mdi', { profile: 'mdi', body: 'json' }],
    ['an APP-NAME with profile mdi', { profile: 'mdi', appName: 'other' }],
    ['an unknown profile', { profile: 'qradar' }],
  ])('rejects %s', (_, options) => {
    expect(rfc5424Options.safeParse(options).success).toBe(false);
  });

  it('creates a working formatter from its deps', async () => {
    const formatter = await rfc5424Formatter.create(formatterPluginContext(rfc5424Options.parse({})));
    expect(formatter.format(workbenchAlert)).toBe(`${WORKBENCH_HEAD} ${WORKBENCH_SD} ${WORKBENCH_CEF}`);
  });
});
