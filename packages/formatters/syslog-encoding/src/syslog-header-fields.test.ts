import type { CefRecord } from '@syslog-connector/core';
import { describe, expect, it } from 'vitest';
import {
  rfc3164Hostname,
  rfc3164Timestamp,
  rfc5424Hostname,
  rfc5424MessageId,
  rfc5424MicrosecondTimestamp,
  rfc5424Timestamp,
  syslogPriority,
  toPrintUsAscii,
} from './syslog-header-fields.js';

describe('rfc3164Timestamp', () => {
  it('pads a day below 10 with a space (RFC 3164 §4.1.2)', () => {
    expect(rfc3164Timestamp(Date.parse('2025-10-01T07:08:09.999Z'))).toBe('Oct  1 07:08:09');
  });

  it('writes a two-digit day as is', () => {
    expect(rfc3164Timestamp(Date.parse('2025-02-28T23:59:59Z'))).toBe('Feb 28 23:59:59');
  });

  it('uses UTC whatever the machine time zone', () => {
    expect(rfc3164Timestamp(Date.parse('2025-06-30T23:30:00-02:00'))).toBe('Jul  1 01:30:00');
  });

  it('gives undefined for a time it cannot write', () => {
    expect(rfc3164Timestamp(Number.NaN)).toBeUndefined();
  });
});

describe('rfc5424Timestamp', () => {
  it('writes RFC 3339 UTC with milliseconds', () => {
    expect(rfc5424Timestamp(1_670_218_005_000)).toBe('2022-12-05T05:26:45.000Z');
  });

  it('writes NILVALUE for a time without a 4-digit year', () => {
    expect(rfc5424Timestamp(8.64e15)).toBe('-');
    expect(rfc5424Timestamp(Number.NaN)).toBe('-');
  });
});

describe('toPrintUsAscii', () => {
  it('replaces each space, control and non-ASCII code point with one underscore', () => {
    expect(toPrintUsAscii('a b\tc😀dé\u007f', 100)).toBe('a_b_c_d__');
  });

  it('cuts to the maximum length', () => {
    expect(toPrintUsAscii('abcdef', 4)).toBe('abcd');
  });
});

describe('rfc3164Hostname', () => {
  it('drops the domain (RFC 3164 §4.1.2)', () => {
    expect(rfc3164Hostname('sensor-01.example.com')).toBe('sensor-01');
  });

  it('keeps an IPv4 address whole', () => {
    expect(rfc3164Hostname('192.0.2.10')).toBe('192.0.2.10');
  });

  it('keeps an IPv6 address with an embedded IPv4 address whole', () => {
    expect(rfc3164Hostname('::ffff:192.0.2.10')).toBe('::ffff:192.0.2.10');
  });

  it('replaces a space in the instance name', () => {
    expect(rfc3164Hostname('my sensor')).toBe('my_sensor');
  });

  it('writes - when nothing is left', () => {
    expect(rfc3164Hostname('.example.com')).toBe('-');
  });
});

describe('rfc5424Hostname', () => {
  it('keeps the FQDN (RFC 5424 §6.2.4)', () => {
    expect(rfc5424Hostname('sensor-01.example.com')).toBe('sensor-01.example.com');
  });

  it('cuts to 255 characters', () => {
    expect(rfc5424Hostname('h'.repeat(300))).toBe('h'.repeat(255));
  });
});

describe('rfc5424MessageId', () => {
  it('cuts the signature id to 32 characters (RFC 5424 §6.2.7)', () => {
    expect(rfc5424MessageId('GoldenTicketEncryptionDowngradeSecurityAlert')).toBe('GoldenTicketEncryptionDowngradeS');
  });

  it('replaces characters outside PRINTUSASCII', () => {
    expect(rfc5424MessageId('Sign in')).toBe('Sign_in');
  });

  it('writes NILVALUE for an empty signature id', () => {
    expect(rfc5424MessageId('')).toBe('-');
  });
});

describe('rfc5424MicrosecondTimestamp', () => {
  it("writes MDI's form: 6 fraction digits and +00:00 (FACTS §C.5)", () => {
    expect(rfc5424MicrosecondTimestamp(Date.parse('2018-02-21T14:19:27.540Z'))).toBe('2018-02-21T14:19:27.540000+00:00');
  });

  it('writes NILVALUE for a time without a 4-digit year', () => {
    expect(rfc5424MicrosecondTimestamp(Number.NaN)).toBe('-');
  });
});

describe('syslogPriority', () => {
  const record = (severity: number, syslog?: object) => ({ vendor: 'v', product: 'p', version: '1', signatureId: 's', name: 'n', severity, extensions: [], ...(syslog === undefined ? {} : { syslog }) }) as CefRecord;
  const severities = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

  it("writes <PRI> for CEF severities 0–10 through core's table, facility user by default (RFC 5424 §6.2.1)", () => {
    expect(severities.map((s) => syslogPriority(record(s), undefined))).toEqual(['<14>', '<13>', '<13>', '<13>', '<12>', '<12>', '<12>', '<11>', '<11>', '<10>', '<10>']);
    expect(severities.map((s) => syslogPriority(record(s), 'local4'))).toEqual(['<166>', '<165>', '<165>', '<165>', '<164>', '<164>', '<164>', '<163>', '<163>', '<162>', '<162>']);
  });

  it("writes the vendor's facility and severity when the record declares them: MDI's Auth.Warning <36> and Auth.Error <35>", () => {
    expect(syslogPriority(record(5, { facility: 'auth', severity: 4 }), undefined)).toBe('<36>');
    expect(syslogPriority(record(10, { facility: 'auth', severity: 3 }), undefined)).toBe('<35>');
  });

  it("lets the destination's facility override the vendor's, keeping the vendor's severity", () => {
    expect(syslogPriority(record(10, { facility: 'auth', severity: 3 }), 'local4')).toBe('<163>');
  });

  it("maps the CEF severity when the vendor gives a facility only, and uses user when it gives a severity only", () => {
    expect(syslogPriority(record(10, { facility: 'auth' }), undefined)).toBe('<34>');
    expect(syslogPriority(record(5, { severity: 4 }), undefined)).toBe('<12>');
  });

  it('rejects a vendor facility or severity that RFC 5424 does not have', () => {
    expect(() => syslogPriority(record(5, { facility: 'constructor' }), undefined)).toThrow(/facility "constructor"/);
    expect(() => syslogPriority(record(5, { severity: 8 }), undefined)).toThrow(/severity 8/);
  });
});

describe('timestamps across days', () => {
  it('writes each event of an unordered stream with its own day', () => {
    const times = ['2025-12-31T23:59:59.999Z', '2026-01-01T00:00:00.000Z', '2025-12-31T00:00:00.001Z', '1969-12-31T23:59:59.999Z'];
    expect(times.map((iso) => rfc5424Timestamp(Date.parse(iso)))).toEqual(times);
    expect(times.map((iso) => rfc3164Timestamp(Date.parse(iso)))).toEqual(['Dec 31 23:59:59', 'Jan  1 00:00:00', 'Dec 31 00:00:00', 'Dec 31 23:59:59']);
  });

  it('drops a fraction of a millisecond toward zero, as Date does', () => {
    expect(rfc5424Timestamp(-0.5)).toBe('1970-01-01T00:00:00.000Z');
    expect(rfc5424Timestamp(1.9)).toBe('1970-01-01T00:00:00.001Z');
  });
});
