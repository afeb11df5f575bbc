import { Buffer } from 'node:buffer';
import type { SecurityEvent, Severity } from '@syslog-connector/core';
import {
  MDI_SECURITY_ALERT_SAMPLE,
  TREND_WORKBENCH_ALERT_SAMPLE as workbenchAlert,
  WORKBENCH_CEF_HEAD,
  bareWorkbenchAlert,
  expectFormatterPlugin,
  formatRejection,
  formatterMaker,
  formatterPluginContext,
  withExtensions,
  workbenchCefLine,
} from '@syslog-connector/testing';
import { describe, expect, it } from 'vitest';
import defaultExport from './index.js';
import { rfc3164Options } from './options.js';
import { Rfc3164Formatter, rfc3164Formatter } from './rfc3164-formatter.js';

const makeFormatter = formatterMaker(rfc3164Options, Rfc3164Formatter);
const format = (event: SecurityEvent, options: Record<string, unknown> = {}, instance?: string): string =>
  makeFormatter(options, instance).formatter.format(event);

const noExtensions = bareWorkbenchAlert();
const at = (iso: string): SecurityEvent => bareWorkbenchAlert({ time: Date.parse(iso) });

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

const WORKBENCH_CEF = workbenchCefLine();
/** The header of every line with the defaults, up to MSG; `CEF:` is the TAG of a CEF body. */
const HEAD = '<11>Dec  5 05:26:45 sensor-01 ';

describe('Rfc3164Formatter golden vectors', () => {
  it('writes the Workbench alert (FACTS §A.5) with the default options', () => {
    // PRI 11 = user (1) × 8 + error (3); `Dec  5`: the day padded with a space; the host without its domain.
    expect(format(workbenchAlert)).toBe(HEAD + WORKBENCH_CEF);
  });

  it("writes MDI's RFC 3164 shape (FACTS §C.5): the CEF line's own CEF: is the TAG", () => {
    expect(format(MDI_SECURITY_ALERT_SAMPLE, { facility: 'auth' }, 'TESTMACHINE')).toBe(
      '<36>Feb 21 14:19:27 TESTMACHINE ' +
        'CEF:0|Microsoft|Azure ATP|2.22.4228.22540|LdapBruteForceSecurityAlert|Brute force attack using LDAP simple bind|5|' +
        'start=2018-02-21T14:19:41.7422810Z app=Ldap suser=Ben Wallace shost=CLIENT1 ' +
        String.raw`msg=Ben Wallace made 100 failed LDAP simple bind attempts from CLIENT1.\r\nThe attempts targeted 100 accounts. ` +
        'cnt=100 externalId=2004 cs1Label=url cs1=https://security.microsoft.com/alerts/aa9d3b7e-2c1f-4e5a-a1b2-c3d4e5f60718 ' +
        'cs2Label=trigger cs2=update cs3Label=shostfqdn cs3=client1.contoso.com',
    );
  });

  it('writes TAG, colon and space before the CEF line when a tag is configured (RFC 3164 §4.1.3)', () => {
    expect(format(workbenchAlert, { tag: 'VisionOne' })).toBe(`${HEAD}VisionOne: ${WORKBENCH_CEF}`);
  });

  it('writes the raw vendor event as JSON after the tag syslogconnector with body json', () => {
    expect(format(workbenchAlert, { body: 'json' })).toBe(`${HEAD}syslogconnector: ${JSON.stringify(workbenchAlert.raw)}`);
  });
});

describe('Rfc3164Formatter header', () => {
  it.each([
    ['user', 0, '<14>'],
    ['user', 5, '<12>'],
    ['user', 10, '<10>'],
    ['local4', 5, '<164>'],
    ['kern', 10, '<2>'],
  ] as const)('writes PRI from facility %s and CEF severity %d as %s', (facility, severity, pri) => {
    const event = { ...noExtensions, record: { ...noExtensions.record, severity } };
    expect(format(event, { facility })).toBe(
      `${pri}Dec  5 05:26:45 sensor-01 CEF:0|Trend Micro|Trend Vision One|1.0.0|900001|Trend Vision One Workbench Alert|${severity}|`,
    );
  });

  it.each([
    ['2025-10-01T07:08:09.999Z', 'Oct  1 07:08:09'],
    ['2025-02-28T23:59:59Z', 'Feb 28 23:59:59'],
    ['2024-02-29T00:00:00Z', 'Feb 29 00:00:00'],
  ])('writes %s as %s: English month, day padded with a space, no year (RFC 3164 §4.1.2)', (iso, timestamp) => {
    expect(format(at(iso))).toBe(`<11>${timestamp} sensor-01 ${WORKBENCH_CEF_HEAD}`);
  });

  it.each([
    ['Europe/Berlin', '2022-12-05T05:26:45Z', 'Dec  5 06:26:45'],
    ['America/New_York', '2022-12-05T05:26:45Z', 'Dec  5 00:26:45'],
    ['America/Los_Angeles', '2022-12-05T05:26:45Z', 'Dec  4 21:26:45'],
    ['Asia/Kolkata', '2025-01-01T00:00:00Z', 'Jan  1 05:30:00'],
    ['Europe/Berlin', '2025-03-30T00:59:59.999Z', 'Mar 30 01:59:59'],
    ['Europe/Berlin', '2025-03-30T01:00:00Z', 'Mar 30 03:00:00'],
    ['Europe/Berlin', '2025-10-26T00:59:59Z', 'Oct 26 02:59:59'],
    ['Europe/Berlin', '2025-10-26T01:00:00Z', 'Oct 26 02:00:00'],
    ['Australia/Lord_Howe', '2025-04-05T14:59:59Z', 'Apr  6 01:59:59'],
    ['Australia/Lord_Howe', '2025-04-05T15:00:00Z', 'Apr  6 01:30:00'],
    ['America/New_York', '0001-01-01T12:00:00Z', 'Jan  1 07:03:58'],
  ])('writes the time in the time zone %s: %s → %s, across DST changes', (timeZone, iso, timestamp) => {
    expect(format(at(iso), { timeZone })).toBe(`<11>${timestamp} sensor-01 ${WORKBENCH_CEF_HEAD}`);
  });

  it('writes every event of a DST change right, whatever the order they come in', () => {
    const { formatter } = makeFormatter({ timeZone: 'Europe/Berlin' });
    const times = ['2025-10-26T01:00:00Z', '2025-10-26T00:59:59Z', '2025-10-26T00:30:00Z', '2025-10-26T01:30:00Z'];
    expect(times.map((iso) => formatter.format(at(iso)).slice(4, 19))).toEqual([
      'Oct 26 02:00:00',
      'Oct 26 02:59:59',
      'Oct 26 02:30:00',
      'Oct 26 02:30:00',
    ]);
  });

  it('drops the domain of the HOSTNAME and keeps an IP address whole (RFC 3164 §4.1.2)', () => {
    expect(format(noExtensions, {}, 'dc01.corp.example.com')).toBe(`<11>Dec  5 05:26:45 dc01 ${WORKBENCH_CEF_HEAD}`);
    expect(format(noExtensions, {}, '192.0.2.7')).toBe(`<11>Dec  5 05:26:45 192.0.2.7 ${WORKBENCH_CEF_HEAD}`);
    expect(format(noExtensions, {}, 'my sensor')).toBe(`<11>Dec  5 05:26:45 my_sensor ${WORKBENCH_CEF_HEAD}`);
  });

  it('rejects an event whose time has no RFC 3164 timestamp', () => {
    const error = formatRejection(() => format({ ...noExtensions, time: Number.NaN }));
    expect(error.message).toBe('The event time NaN has no RFC 3164 timestamp in UTC (it needs a 4-digit year).');
    const late = formatRejection(() => format(at('9999-12-31T23:00:00Z'), { timeZone: 'Pacific/Kiritimati' }));
    expect(late.message).toBe(
      'The event time 253402297200000 has no RFC 3164 timestamp in Pacific/Kiritimati (it needs a 4-digit year).',
    );
  });

  it('rejects a CEF severity outside 0–10 with body json', () => {
    const event = { ...noExtensions, record: { ...noExtensions.record, severity: 11 as Severity } };
    expect(formatRejection(() => format(event, { body: 'json' })).message).toBe('CEF severity must be an integer from 0 to 10, got 11.');
  });
});

describe('Rfc3164Formatter maximum length', () => {
  const cut = (event: SecurityEvent, options: Record<string, unknown> = {}) => {
    const { formatter, metrics } = makeFormatter(options);
    return { line: formatter.format(event), truncations: metrics.snapshot() };
  };
  const MESSAGE_CUT = [{ name: 'format_truncations', labels: { key: 'syslog-message' }, value: 1 }];
  // HEAD + WORKBENCH_CEF_HEAD + `msg=` is 121 bytes.
  const BEFORE_MSG = `${HEAD}${WORKBENCH_CEF_HEAD}msg=`;

  it('keeps a message of exactly maxLength bytes whole', () => {
    const fill = 1024 - bytes(BEFORE_MSG);
    const { line, truncations } = cut(withExtensions(['msg', 'x'.repeat(fill)]));
    expect(line).toBe(BEFORE_MSG + 'x'.repeat(fill));
    expect(bytes(line)).toBe(1024);
    expect(truncations).toEqual([]);
  });

  it('gives up the end of msg to fit 1024 bytes by default (RFC 3164 §4.1), keeps the pairs after it, counts both cuts', () => {
    const fill = 1024 - bytes(BEFORE_MSG);
    const { line, truncations } = cut(withExtensions(['msg', 'x'.repeat(fill + 1)], ['cs1', 'tail']));
    expect(line).toBe(`${BEFORE_MSG}${'x'.repeat(fill - 9)} cs1=tail`);
    expect(bytes(line)).toBe(1024);
    expect(truncations).toEqual([{ name: 'format_truncations', labels: { key: 'msg' }, value: 1 }, ...MESSAGE_CUT]);
  });

  it("keeps a long MDI alert's externalId and links: the description gives way (FACTS §C.2)", () => {
    const description = 'An actor on CLIENT1 sent suspicious LDAP queries. '.repeat(30);
    const event = { ...MDI_SECURITY_ALERT_SAMPLE, record: { ...MDI_SECURITY_ALERT_SAMPLE.record, extensions: MDI_SECURITY_ALERT_SAMPLE.record.extensions.map(([key, value]) => [key, key === 'msg' ? description : value] as const) } };
    const { line } = cut(event);
    expect(bytes(line)).toBeLessThanOrEqual(1024);
    expect(line).toMatch(/ msg=An actor on CLIENT1 .+ cnt=100 externalId=2004 cs1Label=url cs1=https:\/\/security\.microsoft\.com\/alerts\/aa9d3b7e-2c1f-4e5a-a1b2-c3d4e5f60718 cs2Label=trigger cs2=update cs3Label=shostfqdn cs3=client1\.contoso\.com$/);
  });

  it('cuts between UTF-8 sequences, never inside one', () => {
    const fill = 1024 - bytes(BEFORE_MSG);
    // 'é' is 2 bytes, '😀' 4: one byte short of the next character in both cases.
    const accents = cut(withExtensions(['msg', 'x'.repeat(fill - 1) + 'éé'])).line;
    expect(accents).toBe(BEFORE_MSG + 'x'.repeat(fill - 1));
    const emoji = cut(withExtensions(['msg', 'x'.repeat(fill - 3) + '😀'])).line;
    expect(emoji).toBe(BEFORE_MSG + 'x'.repeat(fill - 3));
    expect(bytes(emoji)).toBe(1021);
  });

  it('drops a backslash whose escaped character was cut off', () => {
    const fill = 1024 - bytes(BEFORE_MSG);
    const { line } = cut(withExtensions(['msg', 'x'.repeat(fill - 1) + '=more']));
    expect(line).toBe(BEFORE_MSG + 'x'.repeat(fill - 1));
    const pair = cut(withExtensions(['msg', 'x'.repeat(fill - 2) + '\\more'])).line;
    // `\\` (one escaped backslash) fits whole: it stays.
    expect(pair).toBe(`${BEFORE_MSG}${'x'.repeat(fill - 2)}\\\\`);
  });

  it('shortens msg for the pairs after it rather than cutting them', () => {
    const fill = 1024 - bytes(BEFORE_MSG);
    const { line } = cut(withExtensions(['msg', 'x'.repeat(fill - 6)], ['cs1Label', 'v']));
    expect(line).toBe(`${BEFORE_MSG}${'x'.repeat(fill - 11)} cs1Label=v`);
  });

  it('leaves msg out when none of it fits, and only then cuts the end of the line', () => {
    const before = `${HEAD}${WORKBENCH_CEF_HEAD}`;
    const { line, truncations } = cut(withExtensions(['msg', 'm'], ['cs1', 'x'.repeat(1024 - bytes(before))], ['cs1Label', 'v']));
    expect(line).toBe(`${before}cs1=${'x'.repeat(1024 - bytes(before) - 4)}`);
    expect(truncations).toEqual([{ name: 'format_truncations', labels: { key: 'msg' }, value: 1 }, ...MESSAGE_CUT]);
  });

  it('honours a configured maxLength, counting the CEF field cut and the message cut apart', () => {
    const { line, truncations } = cut(withExtensions(['msg', 'x'.repeat(2000)]), { maxLength: 480 });
    expect(line).toBe(BEFORE_MSG + 'x'.repeat(480 - bytes(BEFORE_MSG)));
    // msg is cut twice: to its CEF length (1023 characters), then to fit 480 bytes; and the message once.
    expect(truncations).toEqual([{ name: 'format_truncations', labels: { key: 'msg' }, value: 2 }, ...MESSAGE_CUT]);
  });

  it('fits the transport\'s maxBytes when it is below maxLength (a UDP datagram)', () => {
    const { formatter } = makeFormatter({ maxLength: 4096 });
    const line = formatter.format(withExtensions(['msg', 'x'.repeat(1000)], ['externalId', 'WB-1']), 600);
    expect(bytes(line)).toBe(600);
    expect(line.endsWith('x externalId=WB-1')).toBe(true);
  });

  it('cuts a JSON body between characters too', () => {
    const event = { ...noExtensions, raw: { text: 'é'.repeat(600) } };
    const { line, truncations } = cut(event, { body: 'json' });
    const head = `${HEAD}syslogconnector: {"text":"`;
    expect(line).toBe(head + 'é'.repeat((1024 - bytes(head)) >> 1));
    expect(truncations).toEqual(MESSAGE_CUT);
  });
});

describe('rfc3164Formatter definition', () => {
  it('is a formatter plugin of type rfc3164, and the default export', () => {
    expectFormatterPlugin(rfc3164Formatter, 'rfc3164', defaultExport);
  });

  it("fills every option with its default, leaving the vendor's choices (facility, time form) unset; the tag follows the body", () => {
    expect(rfc3164Options.parse({})).toEqual({
      timeZone: 'UTC',
      maxLength: 1024,
      body: 'cef',
    });
  });

  it.each([
    ['a tag with a hyphen', { tag: 'syslog-connector' }],
    ['a tag of 33 characters', { tag: 'a'.repeat(33) }],
    ['an empty tag', { tag: '' }],
    ['an unknown time zone', { timeZone: 'Mars/Olympus_Mons' }],
    ['the tag CEF with body json', { tag: 'CEF', body: 'json' }],
    ['a maxLength below 480', { maxLength: 479 }],
    ['a fractional maxLength', { maxLength: 1024.5 }],
  ])('rejects %s', (_, options) => {
    expect(rfc3164Options.safeParse(options).success).toBe(false);
  });

  it('creates a working formatter from its deps', async () => {
    const formatter = await rfc3164Formatter.create(formatterPluginContext(rfc3164Options.parse({})));
    expect(formatter.format(workbenchAlert)).toBe(HEAD + WORKBENCH_CEF);
  });
});
