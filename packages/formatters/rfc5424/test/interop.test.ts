import { parseJson, type SecurityEvent } from '@syslog-connector/core';
import {
  FORMATTER_TEST_HOST,
  MDI_SECURITY_ALERT_SAMPLE,
  RsyslogOracle,
  SyslogNgOracle,
  decodeCefWithLiblognorm,
  expectedCefFields,
  expectedPri,
  formatterMaker,
  headerToken,
  interopEvents,
  oracleRoundTrip,
  parseSyslogMessage,
  requireOracle,
  sendToOracle,
  useOracle,
  type ParsedRecord,
  type SyslogOracle,
} from '@syslog-connector/testing';
import { describe, expect, it } from 'vitest';
import { Rfc5424Formatter, rfc5424Options } from '../src/index.js';

/*
 * Interop: real syslog daemons we did not write receive our RFC 5424 messages over TCP (octet counting), and every
 * field they parse must equal what we sent — rsyslog 8 (its RFC 5424 parser, mmpstrucdata for structured data,
 * mmnormalize with liblognorm's `cef` type for the CEF body) and syslog-ng 3 (its RFC 5424 parser and SDATA).
 * One daemon start per oracle for the whole file; every option set sends the golden samples, the hostile corpus
 * and 300 simulator events (a third of them hostile) in one connection.
 */

const EVENTS = interopEvents();
const OPTION_SETS: ReadonlyArray<Record<string, unknown>> = [
  {},
  { body: 'json', facility: 'local4', procId: '4242' },
  { bom: true, cefTimeFormat: 'iso8601', sdId: 'syslog-connector@32473.1' },
  { structuredData: false, appName: 'xdr', cefTimeFormat: 'epoch-ms' },
];

const sdText = (value: string): string => value.toWellFormed().replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
const makeFormatter = formatterMaker(rfc5424Options, Rfc5424Formatter);

/** The header and structured data both daemons must report, as each renders them. */
const expectHeader = (record: ParsedRecord, event: SecurityEvent, options: ReturnType<typeof rfc5424Options.parse>, daemon: 'rsyslog' | 'syslog-ng') => {
  const pri = expectedPri(options.facility, event.record);
  const iso = new Date(event.time).toISOString();
  expect({
    pri: record.pri,
    facility: record.facility,
    severity: record.severity,
    timestamp: record.timestamp,
    hostname: record.hostname,
    appName: record.appName,
    procId: record.procId,
    msgId: record.msgId,
    structuredData: record.structuredData,
  }).toEqual({
    pri,
    facility: pri >> 3,
    severity: pri & 7,
    // rsyslog echoes the RFC 3339 text as received; syslog-ng writes 6 fraction digits and +00:00.
    timestamp: daemon === 'rsyslog' ? iso : `${iso.slice(0, 23)}000+00:00`,
    hostname: FORMATTER_TEST_HOST.instance,
    appName: options.appName,
    procId: options.procId ?? null,
    msgId: headerToken(event.record.signatureId, 32) || null,
    structuredData: options.structuredData
      ? { [options.sdId]: { key: sdText(event.key), source: sdText(event.source), type: sdText(event.type) } }
      : {},
  });
};

/** MSG as sent: the CEF line or the JSON; rsyslog keeps a BOM, syslog-ng drops it (README of the oracles). */
const expectMsg = (record: ParsedRecord, event: SecurityEvent, message: string, options: ReturnType<typeof rfc5424Options.parse>, daemon: 'rsyslog' | 'syslog-ng') => {
  // The test kit's strict parser finds where MSG starts (after structured data that may itself hold `CEF:0|`).
  const body = options.body === 'json' ? JSON.stringify(event.raw) : (parseSyslogMessage(message) as { msg: string }).msg;
  expect(record.msg).toBe(options.bom && daemon === 'rsyslog' ? `\uFEFF${body}` : body);
};

/** Whether `event` goes out in MDI's form: its record declares it, and no option overrides it (profile, JSON body). */
const inMdiForm = (event: SecurityEvent, options: ReturnType<typeof rfc5424Options.parse>): boolean =>
  options.body === 'cef' && (options.profile ?? event.record.syslog?.rfc5424) === 'mdi';

/**
 * MDI's form as a daemon reports it (FACTS §C.5): APP-NAME CEF, the PROCID, MSGID the signature id, no structured
 * data, a 6-digit +00:00 timestamp, and MSG the BOM (syslog-ng drops it) and the CEF line without `CEF:`.
 */
const expectMdiRecord = (record: ParsedRecord, event: SecurityEvent, hostname: string, procId: string, daemon: 'rsyslog' | 'syslog-ng', facility?: string) => {
  if (daemon === 'syslog-ng') {
    // syslog-ng's RFC 5424 parser requires the STRUCTURED-DATA field MDI leaves out: it refuses MDI's own lines
    // alike, and keeps the message as an error record (see the test below).
    expect(record.appName).toBe('syslog-ng');
    expect(record.msg.startsWith('Error processing log message: <')).toBe(true);
    return;
  }
  const iso = new Date(event.time).toISOString();
  expect([record.pri, record.timestamp, record.hostname, record.appName, record.procId, record.msgId]).toEqual([
    expectedPri(facility, event.record),
    `${iso.slice(0, 23)}000+00:00`,
    hostname,
    'CEF',
    procId,
    headerToken(event.record.signatureId, 32) || null,
  ]);
  expect(record.structuredData).toEqual({});
  expect(record.msg.startsWith(daemon === 'rsyslog' ? '\uFEFF0|' : '0|')).toBe(true);
};

/**
 * Sends every event formatted with `options` to `oracle` and checks each record's header and MSG as `daemon`
 * reports them; `more` checks what only that daemon reports. Events in MDI's form are checked as such (their CEF
 * is decoded in the test of that form).
 */
const expectEveryRecord = async (
  oracle: SyslogOracle,
  options: Record<string, unknown>,
  daemon: 'rsyslog' | 'syslog-ng',
  more?: (record: ParsedRecord, event: SecurityEvent, parsed: ReturnType<typeof rfc5424Options.parse>) => void,
) => {
  const { parsed, messages, received } = await oracleRoundTrip(oracle, makeFormatter, options, EVENTS);
  received.forEach((record, i) => {
    const event = EVENTS[i] as SecurityEvent;
    if (inMdiForm(event, parsed)) {
      expectMdiRecord(record, event, FORMATTER_TEST_HOST.instance, parsed.procId ?? `${process.pid}`, daemon, parsed.facility);
      return;
    }
    expectHeader(record, event, parsed, daemon);
    expectMsg(record, event, messages[i] as string, parsed, daemon);
    more?.(record, event, parsed);
  });
};

describe.skipIf(requireOracle('rsyslog'))('RFC 5424 as rsyslog parses it (headers, mmpstrucdata, liblognorm CEF)', () => {
  const oracle = useOracle(() => RsyslogOracle.start({ inputs: [{ protocol: 'tcp' }], parseCef: true }));

  it.each(OPTION_SETS)('parses every field as sent with options %j', async (options) => {
    await expectEveryRecord(oracle(), options, 'rsyslog', (record, event, parsed) => {
      if (parsed.body === 'cef') expect(record.cef).toEqual(expectedCefFields(event.record, parsed.cefTimeFormat));
      else expect(parseJson(record.msg)).toEqual(event.raw);
    });
  });

  it("reads MDI's form as sent, with no option for MDI's events and with profile mdi for all; liblognorm decodes its CEF once `CEF:` is put back", async () => {
    const { formatter: byDefault } = makeFormatter({ procId: '6076' }, 'CENTER');
    const [mdi] = await sendToOracle(oracle(), [byDefault.format(MDI_SECURITY_ALERT_SAMPLE)]);
    expectMdiRecord(mdi as ParsedRecord, MDI_SECURITY_ALERT_SAMPLE, 'CENTER', '6076', 'rsyslog');
    // MDI's own sample PRI: Auth.Warning for severity 5 (FACTS §C.5).
    expect(mdi?.pri).toBe(36);

    const { formatter } = makeFormatter({ profile: 'mdi', facility: 'auth', procId: '6076' }, 'CENTER');
    const events = [MDI_SECURITY_ALERT_SAMPLE, ...EVENTS.slice(3, 60)];
    const received = await sendToOracle(oracle(), events.map((event) => formatter.format(event)));
    // MDI writes no `CEF:` (FACTS §C.5), so rsyslog's CEF rule does not fire: receivers with MDI parsers expect `0|`.
    expect(received[0]?.cef).toBeUndefined();
    const decoded = await decodeCefWithLiblognorm(received.map((record) => `CEF:${record.msg.slice(1)}`));
    received.forEach((record, i) => {
      const event = events[i] as SecurityEvent;
      expectMdiRecord(record, event, 'CENTER', '6076', 'rsyslog', 'auth');
      expect(decoded[i]).toEqual(expectedCefFields(event.record));
    });
  });
});

describe.skipIf(requireOracle('syslog-ng'))('RFC 5424 as syslog-ng parses it (headers, SDATA)', () => {
  const oracle = useOracle(() => SyslogNgOracle.start({ inputs: [{ protocol: 'tcp' }] }));

  it.each(OPTION_SETS)('parses every field as sent with options %j', async (options) => {
    await expectEveryRecord(oracle(), options, 'syslog-ng');
  });

  it("refuses MDI's form, which has no STRUCTURED-DATA field, as it refuses MDI's own lines; profile standard is the override", async () => {
    const { formatter } = makeFormatter({});
    const [record] = await sendToOracle(oracle(), [formatter.format(MDI_SECURITY_ALERT_SAMPLE)], 5_000);
    expect(record?.appName).toBe('syslog-ng');
    expect(record?.msg.startsWith('Error processing log message: <36>1 2018-02-21T14:19:27.540000+00:00 ')).toBe(true);
    const { formatter: standard } = makeFormatter({ profile: 'standard' });
    const [parsed] = await sendToOracle(oracle(), [standard.format(MDI_SECURITY_ALERT_SAMPLE)], 5_000);
    expect([parsed?.pri, parsed?.appName, parsed?.msgId]).toEqual([36, 'syslog-connector', 'LdapBruteForceSecurityAlert']);
  });
});
