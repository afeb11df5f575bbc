import { describe, expect, it } from 'vitest';
import { describeError, SyslogConnectorError, TransportError } from './errors.js';

describe('SyslogConnectorError', () => {
  it('describes itself as path, message and fix', () => {
    const error = new SyslogConnectorError('CONFIG_INVALID', 'must be 1–65535', { path: 'destinations.siem.port', hint: 'use 6514 for TLS' });
    expect(error.describe()).toBe('destinations.siem.port: must be 1–65535 — use 6514 for TLS');
  });

  it('is recognised across copies of core by its brand, not its class', () => {
    const foreign = { [Symbol.for('@syslog-connector/SyslogConnectorError')]: true, code: 'SOURCE_AUTH' };
    expect(SyslogConnectorError.is(foreign)).toBe(true);
    expect(SyslogConnectorError.is(new Error('x'))).toBe(false);
  });

  it('keeps how many messages a failed send confirmed', () => {
    const error = new TransportError('TRANSPORT_CLOSED', 'closed', 3);
    expect(error.written).toBe(3);
    expect(SyslogConnectorError.hasCode(error, 'TRANSPORT_CLOSED')).toBe(true);
    expect(describeError(error)).toBe('closed');
  });
});

describe('TransportError', () => {
  it('is recognised across copies of core by its brand and its written count', () => {
    const foreign = {
      [Symbol.for('@syslog-connector/SyslogConnectorError')]: true,
      [Symbol.for('@syslog-connector/TransportError')]: true,
      code: 'TRANSPORT_CLOSED',
      written: 2,
    };
    expect(TransportError.is(foreign)).toBe(true);
    expect(TransportError.is({ ...foreign, written: '2' })).toBe(false);
    expect(TransportError.is(new SyslogConnectorError('TRANSPORT_CLOSED', 'closed'))).toBe(false);
    expect(TransportError.is(new TransportError('TRANSPORT_CLOSED', 'closed', 0))).toBe(true);
  });
});
