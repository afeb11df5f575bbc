import type { SecurityEvent, Severity } from '@syslog-connector/core';
import { describe, expect, it } from 'vitest';
import { formatCefTimestamp } from './cef-timestamp.js';
import { SyslogEnvelope } from './syslog-envelope.js';

// 2022-12-05T05:26:45.000Z
const T = 1_670_218_005_000;
const event = (time: number, severity: Severity, facility?: 'auth'): SecurityEvent => ({
  key: `k${time}`,
  source: 's',
  type: 't',
  time,
  raw: null,
  record: { vendor: 'V', product: 'P', version: '1', signatureId: '1', name: 'N', severity, extensions: [], ...(facility === undefined ? {} : { syslog: { facility } }) },
});

// Times around second, minute and year edges, revisited out of order: a remembered header or time text must be
// used only for the same second (and, for the header, the same PRI).
const TIMES = [T, T + 999, T + 1_000, T + 999, T - 1, T - 1_000, T + 59_999, T + 60_000, Date.UTC(2022, 11, 31, 23, 59, 59, 999), Date.UTC(2023, 0, 1), T, 0, 999, 1_000];

describe('SyslogEnvelope', () => {
  it('writes the same RFC 3164 header as a fresh envelope for every event, whatever came before', () => {
    const envelope = new SyslogEnvelope({ prefix: 'rfc3164', appName: 'app' }, 'sensor-01.example.com');
    for (const time of TIMES) {
      for (const [severity, facility] of [[7, undefined], [2, undefined], [7, 'auth'], [7, undefined]] as const) {
        const e = event(time, severity, facility);
        expect(envelope.of(e)).toBe(new SyslogEnvelope({ prefix: 'rfc3164', appName: 'app' }, 'sensor-01.example.com').of(e));
      }
    }
    expect(envelope.of(event(T + 999, 7))).toBe('<11>Dec  5 05:26:45 sensor-01 ');
    expect(envelope.of(event(T + 1_000, 7))).toBe('<11>Dec  5 05:26:46 sensor-01 ');
  });

  it('still rejects a time without a 4-digit year right after a valid one', () => {
    const envelope = new SyslogEnvelope({ prefix: 'rfc3164', appName: 'app' }, 'sensor-01');
    envelope.of(event(T, 7));
    expect(() => envelope.of(event(Number.NaN, 7))).toThrow(/RFC 3164 timestamp/);
    expect(() => envelope.of(event(253_402_300_800_000, 7))).toThrow(/RFC 3164 timestamp/);
  });
});

describe('second-resolution time forms', () => {
  it('write each time as Date does, in any order', () => {
    for (const time of [...TIMES, ...TIMES.toReversed()]) {
      const iso = new Date(time).toISOString();
      const at = { epochMs: time, ticks: 0, form: 'iso8601-seconds' as const };
      expect(formatCefTimestamp(at, 'iso8601-seconds')).toBe(`${iso.slice(0, 19)}Z`);
      const month = new Date(time).toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
      expect(formatCefTimestamp(at, 'cef-date-seconds')).toBe(`${month} ${iso.slice(8, 10)} ${iso.slice(0, 4)} ${iso.slice(11, 19)}`);
    }
  });
});
