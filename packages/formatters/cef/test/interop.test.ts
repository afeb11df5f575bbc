import type { SecurityEvent } from '@syslog-connector/core';
import {
  FORMATTER_TEST_HOST,
  RsyslogOracle,
  SyslogNgOracle,
  decodeCefWithLiblognorm,
  expectedCefFields,
  expectedPri,
  formatEvery,
  formatterMaker,
  headerToken,
  interopEvents,
  oracleRoundTrip,
  requireOracle,
  useOracle,
  type ParsedRecord,
} from '@syslog-connector/testing';
import { describe, expect, it } from 'vitest';
import { CefFormatter, cefOptions, type CefOptions } from '../src/index.js';

/*
 * Interop: the CEF lines go to parsers we did not write, and every field they parse must equal what we sent.
 * liblognorm's `cef` type decodes the CEF (in rsyslog through mmnormalize, and without a daemon through
 * lognormalizer for `prefix: none`); rsyslog and syslog-ng parse the RFC 3164 and RFC 5424 prefixes. One daemon
 * start per oracle; each option set sends the golden samples, the hostile corpus and 300 simulator events.
 */

const EVENTS = interopEvents();
const PREFIXED: ReadonlyArray<Record<string, unknown>> = [
  {},
  { prefix: 'rfc5424', timeFormat: 'iso8601', facility: 'local4', appName: 'xdr-forwarder' },
  { timeFormat: 'epoch-ms' },
];

const makeFormatter = formatterMaker(cefOptions, CefFormatter);

/** The prefix's fields as each daemon reports them; `CEF:` is the RFC 3164 TAG (FACTS §C.5). */
const expectPrefix = (record: ParsedRecord, event: SecurityEvent, message: string, options: CefOptions, daemon: 'rsyslog' | 'syslog-ng') => {
  const pri = expectedPri(options.facility, event.record);
  const iso = new Date(event.time).toISOString();
  const cefLine = message.slice(message.indexOf(options.prefix === 'rfc5424' ? ' - CEF:0|' : ' CEF:0|') + (options.prefix === 'rfc5424' ? 3 : 1));
  const rfc5424 = options.prefix === 'rfc5424';
  expect([record.pri, record.hostname, record.appName, record.procId, record.msgId, record.msg]).toEqual([
    pri,
    rfc5424 ? FORMATTER_TEST_HOST.instance : 'sensor-01',
    rfc5424 ? options.appName : 'CEF',
    null,
    rfc5424 ? headerToken(event.record.signatureId, 32) || null : null,
    rfc5424 ? cefLine : cefLine.slice(4),
  ]);
  // 3164 has no year; rsyslog echoes an RFC 3339 time as received, syslog-ng writes 6 digits and +00:00.
  if (!rfc5424) expect(record.timestamp.slice(5, 19)).toBe(`${iso.slice(5, 10)}T${iso.slice(11, 19)}`);
  else expect(record.timestamp).toBe(daemon === 'rsyslog' ? iso : `${iso.slice(0, 23)}000+00:00`);
};

describe.skipIf(requireOracle('lognormalizer'))('prefix none as liblognorm decodes it', () => {
  it.each([{ prefix: 'none' }, { prefix: 'none', timeFormat: 'iso8601' }, { prefix: 'none', timeFormat: 'epoch-ms' }])(
    'decodes every field as sent with options %j',
    async (options) => {
      const { parsed, messages } = formatEvery(makeFormatter, options, EVENTS);
      const decoded = await decodeCefWithLiblognorm(messages);
      decoded.forEach((fields, i) => expect(fields).toEqual(expectedCefFields((EVENTS[i] as SecurityEvent).record, parsed.timeFormat)));
    },
  );
});

describe.skipIf(requireOracle('rsyslog'))('CEF behind a syslog prefix as rsyslog parses it (header, liblognorm CEF)', () => {
  const oracle = useOracle(() => RsyslogOracle.start({ inputs: [{ protocol: 'tcp' }], parseCef: true }));

  it.each(PREFIXED)('parses every field as sent with options %j', async (options) => {
    const { parsed, messages, received } = await oracleRoundTrip(oracle(), makeFormatter, options, EVENTS);
    received.forEach((record, i) => {
      const event = EVENTS[i] as SecurityEvent;
      expectPrefix(record, event, messages[i] as string, parsed, 'rsyslog');
      expect(record.cef).toEqual(expectedCefFields(event.record, parsed.timeFormat));
    });
  });
});

describe.skipIf(requireOracle('syslog-ng'))('CEF behind a syslog prefix as syslog-ng parses it (header)', () => {
  const oracle = useOracle(() => SyslogNgOracle.start({ inputs: [{ protocol: 'tcp' }] }));

  it.each(PREFIXED)('parses every field as sent with options %j', async (options) => {
    const { parsed, messages, received } = await oracleRoundTrip(oracle(), makeFormatter, options, EVENTS);
    received.forEach((record, i) => expectPrefix(record, EVENTS[i] as SecurityEvent, messages[i] as string, parsed, 'syslog-ng'));
  });
});
