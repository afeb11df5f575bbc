import type { SecurityEvent, Severity } from '@syslog-connector/core';
import { describe, expect, it } from 'vitest';
import { Buffer } from 'node:buffer';
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
  withRecord,
  workbenchCefLine,
} from '@syslog-connector/testing';
import { CefFormatter, cefFormatter } from './cef-formatter.js';
import defaultExport from './index.js';
import { cefOptions } from './options.js';

const makeFormatter = formatterMaker(cefOptions, CefFormatter);

const noExtensions: SecurityEvent = bareWorkbenchAlert();

describe('CefFormatter golden vectors (Workbench alert, FACTS §A.5)', () => {
  it('writes the rfc3164 prefix with the default options', () => {
    // PRI 11 = user (1) × 8 + error (3), the syslog severity of CEF 7; `Dec  5`: day padded with a space.
    expect(makeFormatter().formatter.format(workbenchAlert)).toBe(
      '<11>Dec  5 05:26:45 sensor-01 CEF:0|Trend Micro|Trend Vision One|1.0.0|900001|Trend Vision One Workbench Alert|7|' +
        'externalId=WB-9002-20210519-00014 cat=Possible APT Attack cn1Label=Impact Scope Count cn1=1 cs1Label=Workbench link ' +
        String.raw`cs1=https://portal.xdr.trendmicro.com/index.html#/workbench?workbenchId\=WB-9002-20210519-00014&ref\=0c4a1d ` +
        // rt in Trend's published form (FACTS §A.4), with no option: the source declares it.
        'msg=A possible APT attack was detected on 2 endpoints. rt=Dec 05 2022 05:26:45 sourceServiceName=SAE ' +
        'TrendMicroV1CompanyID=3f9c2a61-5b7e-4d0a-9c1e-8a2b6d4f0e17',
    );
  });

  it('writes the rfc5424 prefix: version 1, RFC 3339 time, FQDN, APP-NAME, nil PROCID, MSGID, nil SD', () => {
    expect(makeFormatter({ prefix: 'rfc5424' }).formatter.format(workbenchAlert)).toBe(
      '<11>1 2022-12-05T05:26:45.000Z sensor-01.example.com syslog-connector - 900001 - ' + workbenchCefLine(),
    );
  });

  it('writes the bare CEF line with prefix none', () => {
    expect(makeFormatter({ prefix: 'none' }).formatter.format(workbenchAlert)).toBe(workbenchCefLine());
  });

  const prefixes = {
    rfc3164: '<11>Dec  5 05:26:45 sensor-01 ',
    rfc5424: '<11>1 2022-12-05T05:26:45.000Z sensor-01.example.com syslog-connector - 900001 - ',
    none: '',
  } as const;
  const rtValues = {
    'cef-date-seconds': 'Dec 05 2022 05:26:45',
    'cef-date': 'Dec 05 2022 05:26:45.000 UTC',
    'iso8601-seconds': '2022-12-05T05:26:45Z',
    'iso8601-ticks': '2022-12-05T05:26:45.0000000Z',
    'epoch-ms': '1670218005000',
    iso8601: '2022-12-05T05:26:45.000Z',
  } as const;
  const combinations = Object.entries(prefixes).flatMap(([prefix, head]) =>
    Object.entries(rtValues).map(([timeFormat, rt]) => ({ prefix, timeFormat, head, rt })),
  );

  it.each(combinations)('writes prefix $prefix with timeFormat $timeFormat, an override of the vendor\'s form', ({ prefix, timeFormat, head, rt }) => {
    expect(makeFormatter({ prefix, timeFormat }).formatter.format(workbenchAlert)).toBe(head + workbenchCefLine(rt));
  });

  it('uses the configured APP-NAME in the rfc5424 prefix', () => {
    const line = makeFormatter({ prefix: 'rfc5424', appName: 'xdr-forwarder' }).formatter.format(noExtensions);
    expect(line).toBe(`<11>1 2022-12-05T05:26:45.000Z sensor-01.example.com xdr-forwarder - 900001 - ${WORKBENCH_CEF_HEAD}`);
  });
});

describe("CefFormatter honours the vendor's profile with no option", () => {
  it("writes MDI's RFC 3164 form: Auth.Warning <36>, and start with .NET's 7 fraction digits (FACTS §C.5)", () => {
    expect(makeFormatter({}, 'CENTER').formatter.format(MDI_SECURITY_ALERT_SAMPLE)).toBe(
      '<36>Feb 21 14:19:27 CENTER CEF:0|Microsoft|Azure ATP|2.22.4228.22540|LdapBruteForceSecurityAlert|' +
        'Brute force attack using LDAP simple bind|5|start=2018-02-21T14:19:41.7422810Z app=Ldap suser=Ben Wallace shost=CLIENT1 ' +
        String.raw`msg=Ben Wallace made 100 failed LDAP simple bind attempts from CLIENT1.\r\nThe attempts targeted 100 accounts. ` +
        'cnt=100 externalId=2004 cs1Label=url cs1=https://security.microsoft.com/alerts/aa9d3b7e-2c1f-4e5a-a1b2-c3d4e5f60718 ' +
        'cs2Label=trigger cs2=update cs3Label=shostfqdn cs3=client1.contoso.com',
    );
  });

  it("writes Trend's audit rt as Trend publishes it, 2024-09-23T17:18:42Z (FACTS §A.4)", () => {
    expect(makeFormatter({ prefix: 'none' }).formatter.format(TREND_ACCOUNT_AUDIT_SAMPLE)).toContain(' rt=2024-09-23T17:18:42Z ');
  });

  it("lets facility override the vendor's facility and keeps the vendor's severity", () => {
    expect(makeFormatter({ facility: 'local4' }).formatter.format(MDI_SECURITY_ALERT_SAMPLE).slice(0, 5)).toBe('<164>');
  });

  it('sends Trend and MDI events through one destination, each in its own vendor form', () => {
    const { formatter } = makeFormatter();
    expect([workbenchAlert, MDI_SECURITY_ALERT_SAMPLE].map((event) => formatter.format(event).slice(0, 5))).toEqual(['<11>D', '<36>F']);
  });
});

describe('CefFormatter within a message size (a UDP datagram)', () => {
  const longMsg = withRecord({ extensions: [['externalId', 'WB-1'], ['msg', 'é'.repeat(1000)], ['cs1Label', 'Workbench link'], ['cs1', 'https://x/y']] });

  it('gives up the free text first and keeps the fields after it, each cut counted, never marked in the line', () => {
    const { formatter, metrics } = makeFormatter();
    const line = formatter.format(longMsg, 600);
    expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(600);
    expect(Buffer.byteLength(line, 'utf8')).toBeGreaterThan(590);
    expect(line).toMatch(/\|7\|externalId=WB-1 msg=(é)+ cs1Label=Workbench link cs1=https:\/\/x\/y$/);
    expect(metrics.snapshot()).toEqual(
      expect.arrayContaining([
        { name: 'format_truncations', labels: { key: 'msg' }, value: 1 },
        { name: 'format_truncations', labels: { key: 'syslog-message' }, value: 1 },
      ]),
    );
  });

  it('leaves the free text out when none of it fits, and then cuts the end', () => {
    const { formatter } = makeFormatter({ prefix: 'none' });
    const tight = withRecord({ extensions: [['msg', 'm'.repeat(100)], ['cs1', 'x'.repeat(600)]] });
    const line = formatter.format(tight, 500);
    expect(line.startsWith(`${WORKBENCH_CEF_HEAD}cs1=xxx`)).toBe(true);
    expect(line.length).toBe(500);
  });

  it('writes the line unchanged when it fits', () => {
    const { formatter, metrics } = makeFormatter();
    expect(formatter.format(workbenchAlert, 2048)).toBe(formatter.format(workbenchAlert));
    expect(metrics.snapshot()).toEqual([]);
  });
});

describe('CefFormatter syslog prefix', () => {
  it.each([
    ['user', 0, '<14>'],
    ['user', 3, '<13>'],
    ['user', 5, '<12>'],
    ['user', 8, '<11>'],
    ['user', 10, '<10>'],
    ['local4', 5, '<164>'],
    ['kern', 10, '<2>'],
  ] as const)('writes PRI from facility %s and CEF severity %d as %s', (facility, severity, pri) => {
    const line = makeFormatter({ facility }).formatter.format(withRecord({ severity, extensions: [] }));
    expect(line).toBe(
      `${pri}Dec  5 05:26:45 sensor-01 CEF:0|Trend Micro|Trend Vision One|1.0.0|900001|Trend Vision One Workbench Alert|${severity}|`,
    );
  });

  it('writes the header timestamp from the event time, not the time of sending', () => {
    const event = { ...noExtensions, time: Date.parse('2026-01-09T22:04:05.123Z') };
    expect(makeFormatter().formatter.format(event)).toBe(`<11>Jan  9 22:04:05 sensor-01 ${WORKBENCH_CEF_HEAD}`);
    expect(makeFormatter({ prefix: 'rfc5424' }).formatter.format(event)).toBe(
      `<11>1 2026-01-09T22:04:05.123Z sensor-01.example.com syslog-connector - 900001 - ${WORKBENCH_CEF_HEAD}`,
    );
  });

  it('keeps an IP address instance whole as the rfc3164 HOSTNAME', () => {
    const line = makeFormatter({}, '192.0.2.7').formatter.format(noExtensions);
    expect(line).toBe(`<11>Dec  5 05:26:45 192.0.2.7 ${WORKBENCH_CEF_HEAD}`);
  });

  it('replaces spaces and non-ASCII characters in the instance name of the HOSTNAME', () => {
    const line = makeFormatter({ prefix: 'rfc5424' }, 'capteur münchen').formatter.format(noExtensions);
    expect(line).toBe(`<11>1 2022-12-05T05:26:45.000Z capteur_m_nchen syslog-connector - 900001 - ${WORKBENCH_CEF_HEAD}`);
  });

  it('cuts the rfc5424 MSGID to 32 printable ASCII characters', () => {
    const { formatter } = makeFormatter({ prefix: 'rfc5424' });
    const line = formatter.format(withRecord({ signatureId: 'AccountEnumeration SecurityAlert Extended', extensions: [] }));
    expect(line).toBe(
      '<11>1 2022-12-05T05:26:45.000Z sensor-01.example.com syslog-connector - AccountEnumeration_SecurityAlert - ' +
        'CEF:0|Trend Micro|Trend Vision One|1.0.0|AccountEnumeration SecurityAlert Extended|Trend Vision One Workbench Alert|7|',
    );
  });

  it('writes NILVALUE as the rfc5424 MSGID of an empty signature id', () => {
    const line = makeFormatter({ prefix: 'rfc5424' }).formatter.format(withRecord({ signatureId: '', extensions: [] }));
    expect(line).toBe(
      '<11>1 2022-12-05T05:26:45.000Z sensor-01.example.com syslog-connector - - - ' +
        'CEF:0|Trend Micro|Trend Vision One|1.0.0||Trend Vision One Workbench Alert|7|',
    );
  });

  it('writes NILVALUE for an rfc5424 time it cannot write', () => {
    const line = makeFormatter({ prefix: 'rfc5424' }).formatter.format({ ...noExtensions, time: Number.NaN });
    expect(line).toBe(`<11>1 - sensor-01.example.com syslog-connector - 900001 - ${WORKBENCH_CEF_HEAD}`);
  });

  it('rejects an event whose time has no RFC 3164 timestamp', () => {
    const error = formatRejection(() => makeFormatter().formatter.format({ ...workbenchAlert, time: Number.POSITIVE_INFINITY }));
    expect(error.message).toBe('The event time Infinity has no RFC 3164 timestamp (it needs a 4-digit year).');
  });

  it.each(['rfc3164', 'rfc5424'])('rejects a CEF severity outside 0–10 before writing the %s PRI', (prefix) => {
    const event = withRecord({ severity: 11 as Severity });
    const error = formatRejection(() => makeFormatter({ prefix }).formatter.format(event));
    expect(error.message).toBe('CEF severity must be an integer from 0 to 10, got 11.');
  });

  it('needs no event time with prefix none', () => {
    const line = makeFormatter({ prefix: 'none' }).formatter.format({ ...noExtensions, time: Number.NaN });
    expect(line).toBe(WORKBENCH_CEF_HEAD);
  });
});

describe('cefFormatter definition', () => {
  it('is a formatter plugin of type cef, and the default export', () => {
    expectFormatterPlugin(cefFormatter, 'cef', defaultExport);
  });

  it("fills every option with its default, and leaves the vendor's choices (facility, time form) unset", () => {
    expect(cefOptions.parse({})).toEqual({ prefix: 'rfc3164', appName: 'syslog-connector' });
  });

  it('rejects an unknown option key', () => {
    const result = cefOptions.safeParse({ prefx: 'rfc5424' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.code)).toEqual(['unrecognized_keys']);
  });

  it.each(['my app', '', 'a'.repeat(49), 'appé'])('rejects the APP-NAME %j', (appName) => {
    expect(cefOptions.safeParse({ appName }).success).toBe(false);
  });

  it('creates a working formatter from its deps', async () => {
    const formatter = await cefFormatter.create(formatterPluginContext(cefOptions.parse({ prefix: 'none' })));
    expect(formatter.format(workbenchAlert)).toBe(workbenchCefLine());
  });
});
