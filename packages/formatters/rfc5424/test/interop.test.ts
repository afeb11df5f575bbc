import { parseJson, type SecurityEvent } from '@syslog-connector/core';
import {
  FORMATTER_SAMPLE_EVENTS,
  RecordingMetrics,
  MDI_SECURITY_ALERT_SAMPLE,
  RsyslogOracle,
  SyslogNgOracle,
  decodeCefWithLiblognorm,
  expectedCefFields,
  hostileSecurityEvents,
  parseSyslogMessage,
  requireOracle,
  sendOctetCounted,
  visionOneEventCorpus,
  type ParsedRecord,
  type SyslogOracle,
} from '@syslog-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rfc5424Formatter, rfc5424Options } from '../src/index.js';

/*
 * Interop: real syslog daemons we did not write receive our RFC 5424 messages over TCP (octet counting), and every
 * field they parse must equal what we sent — rsyslog 8 (its RFC 5424 parser, mmpstrucdata for structured data,
 * mmnormalize with liblognorm's `cef` type for the CEF body) and syslog-ng 3 (its RFC 5424 parser and SDATA).
 * One daemon start per oracle for the whole file; every option set sends the golden samples, the hostile corpus
 * and 300 simulator events (a third of them hostile) in one connection.
 */

const HOST = { instance: 'sensor-01.example.com', hostname: 'sensor-01' };
const EVENTS: readonly SecurityEvent[] = [
  ...FORMATTER_SAMPLE_EVENTS,
  ...hostileSecurityEvents(),
  ...visionOneEventCorpus({ count: 200, seed: 3, hostileRatio: 0 }),
  ...visionOneEventCorpus({ count: 100, seed: 5, hostileRatio: 1 }),
];
const OPTION_SETS: ReadonlyArray<Record<string, unknown>> = [
  {},
  { body: 'json', facility: 'local4', procId: '4242' },
  { bom: true, cefTimeFormat: 'iso8601', sdId: 'syslog-connector@32473.1' },
  { structuredData: false, appName: 'xdr', cefTimeFormat: 'epoch-ms' },
];

const sdText = (value: string): string => value.toWellFormed().replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
const token = (value: string, max: number): string | null =>
  Array.from(value).slice(0, max).map((char) => (/^[\x21-\x7e]$/.test(char) ? char : '_')).join('') || null;
const syslogSeverity = (cef: number): number => (cef >= 9 ? 2 : cef >= 7 ? 3 : cef >= 4 ? 4 : cef >= 1 ? 5 : 6);
const FACILITY: Readonly<Record<string, number>> = { user: 1, local4: 20 };

/** Formats every event with `options`, sends them to `oracle`, and returns what it parsed, in order. */
const roundTrip = async (oracle: SyslogOracle, options: Record<string, unknown>) => {
  const parsed = rfc5424Options.parse(options);
  const formatter = new Rfc5424Formatter(parsed, { host: HOST, metrics: new RecordingMetrics() });
  const messages = EVENTS.map((event) => formatter.format(event));
  await sendOctetCounted(oracle.ports[0] as number, messages);
  return { parsed, received: await oracle.received(messages.length, 15_000) };
};

/** The header and structured data both daemons must report, as each renders them. */
const expectHeader = (record: ParsedRecord, event: SecurityEvent, options: ReturnType<typeof rfc5424Options.parse>, daemon: 'rsyslog' | 'syslog-ng') => {
  const pri = (FACILITY[options.facility] ?? -1) * 8 + syslogSeverity(event.record.severity);
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
    hostname: HOST.instance,
    appName: options.appName,
    procId: options.procId ?? null,
    msgId: token(event.record.signatureId, 32),
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

describe.skipIf(requireOracle('rsyslog'))('RFC 5424 as rsyslog parses it (headers, mmpstrucdata, liblognorm CEF)', () => {
  let oracle: SyslogOracle;
  beforeAll(async () => {
    oracle = await RsyslogOracle.start({ inputs: [{ protocol: 'tcp' }], parseCef: true });
  });
  afterAll(() => oracle?.stop());

  it.each(OPTION_SETS)('parses every field as sent with options %j', async (options) => {
    const { parsed, received } = await roundTrip(oracle, options);
    const formatter = new Rfc5424Formatter(parsed, { host: HOST, metrics: new RecordingMetrics() });
    received.forEach((record, i) => {
      const event = EVENTS[i] as SecurityEvent;
      expectHeader(record, event, parsed, 'rsyslog');
      expectMsg(record, event, formatter.format(event), parsed, 'rsyslog');
      if (parsed.body === 'cef') expect(record.cef).toEqual(expectedCefFields(event.record, parsed.cefTimeFormat));
      else expect(parseJson(record.msg)).toEqual(event.raw);
    });
  });

  it("reads profile mdi's header as sent; liblognorm decodes its CEF once `CEF:` is put back", async () => {
    const formatter = new Rfc5424Formatter(rfc5424Options.parse({ profile: 'mdi', facility: 'auth', procId: '6076' }), {
      host: { instance: 'CENTER', hostname: 'center' },
      metrics: new RecordingMetrics(),
    });
    const events = [MDI_SECURITY_ALERT_SAMPLE, ...EVENTS.slice(3, 60)];
    await sendOctetCounted(oracle.ports[0] as number, events.map((event) => formatter.format(event)));
    const received = await oracle.received(events.length, 15_000);
    // MDI writes no `CEF:` (FACTS §C.5), so rsyslog's CEF rule does not fire: receivers with MDI parsers expect `0|`.
    expect(received[0]?.cef).toBeUndefined();
    const decoded = await decodeCefWithLiblognorm(received.map((record) => `CEF:${record.msg.slice(1)}`));
    received.forEach((record, i) => {
      const event = events[i] as SecurityEvent;
      const iso = new Date(event.time).toISOString();
      expect([record.pri, record.timestamp, record.hostname, record.appName, record.procId, record.msgId]).toEqual([
        32 + syslogSeverity(event.record.severity),
        `${iso.slice(0, 23)}000+00:00`,
        'CENTER',
        'CEF',
        '6076',
        token(event.record.signatureId, 32),
      ]);
      expect(record.structuredData).toEqual({});
      expect(record.msg.startsWith('\uFEFF0|')).toBe(true);
      expect(decoded[i]).toEqual(expectedCefFields(event.record));
    });
  });
});

describe.skipIf(requireOracle('syslog-ng'))('RFC 5424 as syslog-ng parses it (headers, SDATA)', () => {
  let oracle: SyslogOracle;
  beforeAll(async () => {
    oracle = await SyslogNgOracle.start({ inputs: [{ protocol: 'tcp' }] });
  });
  afterAll(() => oracle?.stop());

  it.each(OPTION_SETS)('parses every field as sent with options %j', async (options) => {
    const { parsed, received } = await roundTrip(oracle, options);
    const formatter = new Rfc5424Formatter(parsed, { host: HOST, metrics: new RecordingMetrics() });
    received.forEach((record, i) => {
      const event = EVENTS[i] as SecurityEvent;
      expectHeader(record, event, parsed, 'syslog-ng');
      expectMsg(record, event, formatter.format(event), parsed, 'syslog-ng');
    });
  });

  it('refuses profile mdi, which has no STRUCTURED-DATA field: why the profile is opt-in', async () => {
    const formatter = new Rfc5424Formatter(rfc5424Options.parse({ profile: 'mdi', facility: 'auth' }), {
      host: HOST,
      metrics: new RecordingMetrics(),
    });
    await sendOctetCounted(oracle.ports[0] as number, [formatter.format(MDI_SECURITY_ALERT_SAMPLE)]);
    const [record] = await oracle.received(1);
    expect(record?.appName).toBe('syslog-ng');
    expect(record?.msg.startsWith('Error processing log message: <36>1 2018-02-21T14:19:27.540000+00:00 ')).toBe(true);
  });
});
