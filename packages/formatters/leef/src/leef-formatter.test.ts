import {
  FORMATTER_SAMPLE_EVENTS,
  MDI_SECURITY_ALERT_SAMPLE,
  TREND_ACCOUNT_AUDIT_SAMPLE,
  TREND_WORKBENCH_ALERT_SAMPLE,
  formatRejection,
  formatterMaker,
  formatterPluginContext,
  withExtensions,
  withRecord,
} from '@syslog-connector/testing';
import { describe, expect, it } from 'vitest';
import { LeefFormatter, leefFormatter, leefOptions } from './index.js';

const make = formatterMaker(leefOptions, LeefFormatter);
const line = (event = TREND_WORKBENCH_ALERT_SAMPLE, options: Record<string, unknown> = {}) => make(options).formatter.format(event);
/** The attributes part of a default (tab) line, split. */
const attributes = (text: string) => text.slice(text.indexOf('|x09|') + 5).split('\t');

const T = '\t';

describe('golden lines of the vendor samples (defaults: rfc3164, tab)', () => {
  it('Trend Vision One Workbench alert (900001)', () => {
    expect(line()).toBe(
      '<11>Dec  5 05:26:45 sensor-01 LEEF:2.0|Trend Micro|Trend Vision One|1.0.0|900001|x09|' +
        ['sev=7', 'devTime=Dec 05 2022 05:26:45.000 GMT', 'devTimeFormat=MMM dd yyyy HH:mm:ss.SSS z', 'name=Trend Vision One Workbench Alert',
          'externalId=WB-9002-20210519-00014', 'cat=Possible APT Attack', 'cn1Label=Impact Scope Count', 'cn1=1', 'cs1Label=Workbench link',
          'cs1=https://portal.xdr.trendmicro.com/index.html#/workbench?workbenchId=WB-9002-20210519-00014&ref=0c4a1d',
          'msg=A possible APT attack was detected on 2 endpoints.', 'sourceServiceName=SAE', 'TrendMicroV1CompanyID=3f9c2a61-5b7e-4d0a-9c1e-8a2b6d4f0e17'].join(T),
    );
  });

  it('Trend Vision One account audit log (900003): rt in ISO form still becomes devTime', () => {
    expect(line(TREND_ACCOUNT_AUDIT_SAMPLE)).toBe(
      '<13>Sep 23 17:18:42 sensor-01 LEEF:2.0|Trend Micro|Trend Vision One|1.0.0|900003|x09|' +
        ['sev=2', 'devTime=Sep 23 2024 17:18:42.000 GMT', 'devTimeFormat=MMM dd yyyy HH:mm:ss.SSS z', 'name=Trend Vision One Account Audit Log',
          'cat=Sign in and sign out', 'cs1Label=Account', 'cs1=Root account', 'cs2Label=Role', 'cs2=Master Administrator', 'cs3Label=Activity',
          'cs3=Sign in', 'cn1Label=Result', 'cn1=1', 'cn2Label=Source', 'cn2=0', 'msg={"IP address": "10.1.1.1"}',
          'TrendMicroV1CompanyID=3f9c2a61-5b7e-4d0a-9c1e-8a2b6d4f0e17'].join(T),
    );
  });

  it("MDI security alert: MDI's auth.warning PRI, start as devTime, suser as usrName, CR LF as spaces", () => {
    expect(line(MDI_SECURITY_ALERT_SAMPLE)).toBe(
      '<36>Feb 21 14:19:27 sensor-01 LEEF:2.0|Microsoft|Azure ATP|2.22.4228.22540|LdapBruteForceSecurityAlert|x09|' +
        ['sev=5', 'devTime=Feb 21 2018 14:19:41.742 GMT', 'devTimeFormat=MMM dd yyyy HH:mm:ss.SSS z', 'name=Brute force attack using LDAP simple bind',
          'app=Ldap', 'usrName=Ben Wallace', 'shost=CLIENT1', 'msg=Ben Wallace made 100 failed LDAP simple bind attempts from CLIENT1.  The attempts targeted 100 accounts.',
          'cnt=100', 'externalId=2004', 'cs1Label=url', 'cs1=https://security.microsoft.com/alerts/aa9d3b7e-2c1f-4e5a-a1b2-c3d4e5f60718',
          'cs2Label=trigger', 'cs2=update', 'cs3Label=shostfqdn', 'cs3=client1.contoso.com'].join(T),
    );
  });

  it('rfc5424 with a caret delimiter, and no prefix', () => {
    expect(line(TREND_WORKBENCH_ALERT_SAMPLE, { prefix: 'rfc5424', delimiter: '^', appName: 'xdr' })).toMatch(
      /^<11>1 2022-12-05T05:26:45\.000Z sensor-01\.example\.com xdr - 900001 - LEEF:2\.0\|Trend Micro\|Trend Vision One\|1\.0\.0\|900001\|\^\|sev=7\^devTime=Dec 05 2022 05:26:45\.000 GMT\^/,
    );
    expect(line(TREND_WORKBENCH_ALERT_SAMPLE, { prefix: 'none', facility: 'local4' })).toMatch(/^LEEF:2\.0\|Trend Micro\|/);
    for (const event of FORMATTER_SAMPLE_EVENTS) expect(line(event, { prefix: 'none' })).toBe(line(event).slice(line(event).indexOf('LEEF:')));
  });
});

describe('options', () => {
  it.each([
    [undefined, '\t', 'x09'],
    ['x09', '\t', 'x09'],
    ['0x09', '\t', 'x09'],
    ['^', '^', '^'],
    ['0x5E', '^', '^'],
    ['\u00a6', '\u00a6', 'xA6'],
    ['xA6', '\u00a6', 'xA6'],
  ])('delimiter %j separates with %j and is written %j in the header', (delimiter, char, field) => {
    const text = line(TREND_WORKBENCH_ALERT_SAMPLE, delimiter === undefined ? {} : { delimiter });
    expect(text).toContain(`|900001|${field}|sev=7${char}devTime=`);
  });

  it.each(['=', '|', ':', '.', '\\', ' ', 'a', '7', 'ab', 'x0A', '0x0', '\n'])('refuses the delimiter %j with how to fix it', (delimiter) => {
    const result = leefOptions.safeParse({ delimiter });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/cannot delimit LEEF attributes: give one character/);
  });

  it('is registered as format leef and builds through the plugin', async () => {
    expect(leefFormatter.type).toBe('leef');
    const formatter = await leefFormatter.create(formatterPluginContext(leefOptions.parse({})));
    expect(formatter.format(TREND_WORKBENCH_ALERT_SAMPLE)).toBe(line());
  });
});

describe('nothing a source sends splits or forges a line', () => {
  it('header fields: a pipe becomes ¦ and controls spaces, so the header keeps its six fields', () => {
    const text = line(withRecord({ vendor: 'Evil|Vendor', product: 'P\r\nLEEF:2.0|x|y|z|1|x09|', version: '1\t0', signatureId: 'a|b' }));
    expect(text).toContain('LEEF:2.0|Evil\u00a6Vendor|P  LEEF:2.0\u00a6x\u00a6y\u00a6z\u00a61\u00a6x09\u00a6|1 0|a\u00a6b|x09|sev=7');
  });

  it('values: the delimiter, CR, LF and NUL become spaces; = and | stay', () => {
    const text = line(withExtensions(['msg', 'a\tb\r\nc\u0000d'], ['cs1', 'k=v|w'], ['cs2', 'x^y']), { delimiter: '^' });
    expect(text.split('|x09|')).toHaveLength(1);
    expect(text).toContain('^msg=a b  c d^cs1=k=v|w^cs2=x y');
    expect(attributes(line(withExtensions(['msg', 'a\tfake=1'])))).toContain('msg=a fake=1');
  });

  it('maps the network and identity keys, and keeps a CEF key whose LEEF name the record already uses', () => {
    const text = line(withExtensions(['src', '10.0.0.1'], ['spt', 443], ['dst', '10.0.0.2'], ['dpt', 8080], ['suser', 'joe'], ['request', 'https://a/?q=1'], ['app', 'HTTP']));
    expect(attributes(text).slice(4)).toEqual(['src=10.0.0.1', 'srcPort=443', 'dst=10.0.0.2', 'dstPort=8080', 'usrName=joe', 'url=https://a/?q=1', 'app=HTTP']);
    expect(attributes(line(withExtensions(['request', '/a'], ['url', '/b'])))).toEqual(expect.arrayContaining(['request=/a', 'url=/b']));
  });

  it('sev is CEF severity, with 0 raised to LEEF 1; without rt or start, devTime is the event time', () => {
    const text = line({ ...withRecord({ severity: 0, extensions: [] }), time: Date.UTC(2026, 0, 2, 3, 4, 5, 6) });
    expect(attributes(text)).toEqual(['sev=1', 'devTime=Jan 02 2026 03:04:05.006 GMT', 'devTimeFormat=MMM dd yyyy HH:mm:ss.SSS z', 'name=Trend Vision One Workbench Alert']);
  });

  it.each([
    ['a key LEEF cannot carry', withExtensions(['bad key', 'x']), /not a LEEF key/],
    ['a key the header attributes already use', withExtensions(['sev', '3']), /LEEF attribute "sev" twice/],
    ['a number that is not finite', withExtensions(['cn1', Number.NaN]), /not a finite number/],
    ['a severity outside 0–10', withRecord({ severity: 11 as 10 }), /integer from 0 to 10/],
  ])('rejects %s with FORMAT_REJECTED', (_, event, message) => {
    expect(formatRejection(() => line(event)).message).toMatch(message);
  });

  it('cuts a line longer than the transport carries between characters and counts it', () => {
    const { formatter, metrics } = make({});
    const full = formatter.format(TREND_WORKBENCH_ALERT_SAMPLE);
    const cut = formatter.format(TREND_WORKBENCH_ALERT_SAMPLE, 200);
    expect(cut).toBe(full.slice(0, 200));
    expect(formatter.format(TREND_WORKBENCH_ALERT_SAMPLE, 10_000)).toBe(full);
    expect(metrics.snapshot()).toEqual([{ name: 'format_truncations', labels: { key: 'syslog-message' }, value: 1 }]);
  });
});
