import { describe, expect, it } from 'vitest';
import { tcpOptions } from './options.js';

const issues = (input: unknown) => {
  const result = tcpOptions.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => [issue.path.join('.'), issue.message]);
};

describe('tcpOptions', () => {
  it('applies the defaults', () => {
    expect(tcpOptions.parse({ address: 'siem.example.com' })).toEqual({
      address: 'siem.example.com',
      port: 601,
      framing: 'octet-counting',
      connectTimeout: 10_000,
      keepAlive: 60_000,
      reconnect: { initialDelay: 500, maxDelay: 30_000 },
    });
  });

  it('reads every key', () => {
    expect(
      tcpOptions.parse({
        address: 'fd00::5',
        port: 514,
        framing: 'lf',
        connectTimeout: '3s',
        keepAlive: '0s',
        reconnect: { initialDelay: '1s', maxDelay: '2m' },
      }),
    ).toEqual({ address: 'fd00::5', port: 514, framing: 'lf', connectTimeout: 3_000, keepAlive: 0, reconnect: { initialDelay: 1_000, maxDelay: 120_000 } });
  });

  it('says what is wrong, in the words of the config', () => {
    expect(issues({})).toEqual([['address', 'is required; set the syslog server host name or IP']]);
    expect(issues({ address: '  ' })).toEqual([['address', 'is required; set the syslog server host name or IP']]);
    expect(issues({ address: 'tcp://siem:514' })).toEqual([
      ['address', 'must be a host name (siem.example.com) or an IP address (10.0.0.5, fd00::5), without scheme or port'],
    ]);
    expect(issues({ address: 'a', port: 0 })).toEqual([['port', 'must be 1–65535']]);
    expect(issues({ address: 'a', port: 65_536 })).toEqual([['port', 'must be 1–65535']]);
    expect(issues({ address: 'a', port: 60.5 })).toEqual([['port', 'must be 1–65535']]);
    expect(issues({ address: 'a', port: '601' })).toEqual([['port', 'must be 1–65535']]);
    expect(issues({ address: 'a', framing: 'crlf' })).toEqual([['framing', 'Invalid option: expected one of "octet-counting"|"lf"']]);
    expect(issues({ address: 'a', connectTimeout: '10' })).toEqual([
      ['connectTimeout', '"10" is not a duration; write a number and a unit, e.g. 60s, 5m, 24h'],
    ]);
    expect(issues({ address: 'a', connectTimeout: '0s' })).toEqual([['connectTimeout', 'must be longer than 0ms']]);
    expect(issues({ address: 'a', reconnect: { initialDelay: '10s', maxDelay: '1s' } })).toEqual([
      ['reconnect.maxDelay', 'maxDelay must not be shorter than initialDelay'],
    ]);
    expect(issues({ address: 'a', tls: {} })).toEqual([['', 'Unrecognized key: "tls"']]);
  });
});
