import { Buffer } from 'node:buffer';
import type { SecurityEvent } from '@syslog-connector/core';
import {
  FORMATTER_TEST_HOST,
  RecordingMetrics,
  RsyslogOracle,
  SyslogNgOracle,
  expectedCefFields,
  expectedPri,
  formatterMaker,
  interopEvents,
  oracleRoundTrip,
  parseCef,
  requireOracle,
  useOracle,
  type ParsedRecord,
} from '@syslog-connector/testing';
import { describe, expect, it } from 'vitest';
import { Rfc3164Formatter, rfc3164Options, rfc3164Tag, type Rfc3164Options } from '../src/index.js';

/*
 * Interop: real syslog daemons we did not write receive our RFC 3164 messages over TCP (octet counting), and every
 * field they parse must equal what we sent — rsyslog 8 (its RFC 3164 parser; liblognorm's `cef` type through
 * mmnormalize for the CEF body) and syslog-ng 3 (its RFC 3164 parser). One daemon start per oracle for the file;
 * each option set sends the golden samples, the hostile corpus and 300 simulator events in one connection.
 * A message cut to maxLength must still decode, as the test kit's strict CEF parser reads the cut line.
 */

const EVENTS = interopEvents();
const OPTION_SETS: ReadonlyArray<Record<string, unknown>> = [
  {},
  { body: 'json', maxLength: 65_507, facility: 'local4' },
  { tag: 'VisionOne', timeZone: 'Europe/Berlin', cefTimeFormat: 'iso8601', maxLength: 8_192 },
  { maxLength: 480, timeZone: 'America/New_York', cefTimeFormat: 'epoch-ms' },
];

/** `MM-DDThh:mm:ss` of the event's wall-clock time in `timeZone`: what both daemons report, with a guessed year. */
const wallClock = (ms: number, timeZone: string): string => {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(ms)
      .map((part) => [part.type, part.value]),
  );
  return `${parts['month']}-${parts['day']}T${parts['hour']}:${parts['minute']}:${parts['second']}`;
};

const makeFormatter = formatterMaker(rfc3164Options, Rfc3164Formatter);

/** MSG after the HOSTNAME: TAG + CONTENT, as we wrote it. */
const msgOf = (message: string): string => message.slice(message.indexOf(' ', message.indexOf('>') + 17) + 1);

const expectHeader = (record: ParsedRecord, event: SecurityEvent, message: string, options: Rfc3164Options) => {
  const pri = expectedPri(options.facility, event.record);
  expect(Buffer.byteLength(message, 'utf8')).toBeLessThanOrEqual(options.maxLength);
  expect([record.pri, record.facility, record.severity, record.timestamp.slice(5, 19), record.hostname, record.appName, record.procId, record.msgId]).toEqual([
    pri,
    pri >> 3,
    pri & 7,
    wallClock(event.time, options.timeZone),
    'sensor-01',
    rfc3164Tag(options),
    null,
    null,
  ]);
};

describe.skipIf(requireOracle('rsyslog'))('RFC 3164 as rsyslog parses it (header, TAG, liblognorm CEF)', () => {
  const oracle = useOracle(() => RsyslogOracle.start({ inputs: [{ protocol: 'tcp' }], parseCef: true }));

  it.each(OPTION_SETS)('parses every field as sent with options %j', async (options) => {
    const { parsed, messages, received } = await oracleRoundTrip(oracle(), makeFormatter, options, EVENTS);
    const unlimited = new Rfc3164Formatter({ ...parsed, maxLength: 1_048_576 }, { host: FORMATTER_TEST_HOST, metrics: new RecordingMetrics() });
    let cut = 0;
    received.forEach((record, i) => {
      const event = EVENTS[i] as SecurityEvent;
      const message = messages[i] as string;
      expectHeader(record, event, message, parsed);
      const tag = rfc3164Tag(parsed);
      // rsyslog's MSG starts right after `TAG:` (keeping the space we write after a configured tag).
      expect(record.msg).toBe(msgOf(message).slice(tag.length + 1));
      if (parsed.body === 'json') {
        expect(JSON.parse(record.msg)).toEqual(event.raw);
        return;
      }
      const line = msgOf(message).slice(tag === 'CEF' ? 0 : tag.length + 2);
      if (message === unlimited.format(event)) {
        expect(record.cef).toEqual(expectedCefFields(event.record, parsed.cefTimeFormat));
        return;
      }
      cut += 1;
      let sent;
      try {
        sent = parseCef(line);
      } catch {
        // A cut inside the CEF header (a 5 kB signature id) leaves no CEF line: liblognorm refuses it too.
        expect(record.cef).toHaveProperty('error');
        return;
      }
      // A cut line: liblognorm reads what the test kit's strict parser reads (README "Maximum length").
      expect(record.cef).toEqual(sent);
    });
    // Every CEF set cuts some events (the 5 kB hostile one is longer than 8 KiB as CEF), so cut lines were checked.
    if (parsed.body === 'cef') expect(cut).toBeGreaterThan(0);
  });
});

describe.skipIf(requireOracle('syslog-ng'))('RFC 3164 as syslog-ng parses it (header, PROGRAM)', () => {
  const oracle = useOracle(() => SyslogNgOracle.start({ inputs: [{ protocol: 'tcp' }] }));

  it.each(OPTION_SETS)('parses every field as sent with options %j', async (options) => {
    const { parsed, messages, received } = await oracleRoundTrip(oracle(), makeFormatter, options, EVENTS);
    received.forEach((record, i) => {
      const event = EVENTS[i] as SecurityEvent;
      const message = messages[i] as string;
      expectHeader(record, event, message, parsed);
      // syslog-ng's MESSAGE starts after `TAG:` and one space, if there is one.
      expect(record.msg).toBe(msgOf(message).slice(rfc3164Tag(parsed).length + 1).replace(/^ /, ''));
    });
  });
});
