import { describe, expect, it } from 'vitest';
import { relpOptions } from './options.js';

const issues = (input: unknown) => {
  const result = relpOptions.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => [issue.path.join('.'), issue.message]);
};

describe('relpOptions', () => {
  it('applies the defaults', () => {
    expect(relpOptions.parse({ address: 'siem.example.com' })).toEqual({
      address: 'siem.example.com',
      port: 2514,
      window: 128,
      ackTimeout: 90_000,
      connectTimeout: 10_000,
      keepAlive: 60_000,
      reconnect: { initialDelay: 500, maxDelay: 30_000 },
    });
  });

  it('reads every key', () => {
    expect(
      relpOptions.parse({
        address: '10.0.0.5',
        port: 20514,
        window: 1024,
        ackTimeout: '30s',
        tls: { ca: './ca.pem', cert: './c.pem', key: './k.pem', serverName: 'siem' },
        connectTimeout: '3s',
        keepAlive: '0s',
        reconnect: { initialDelay: '1s', maxDelay: '2m' },
      }),
    ).toEqual({
      address: '10.0.0.5',
      port: 20514,
      window: 1024,
      ackTimeout: 30_000,
      tls: { ca: './ca.pem', cert: './c.pem', key: './k.pem', serverName: 'siem' },
      connectTimeout: 3_000,
      keepAlive: 0,
      reconnect: { initialDelay: 1_000, maxDelay: 120_000 },
    });
  });

  it('says what is wrong, in the words of the config', () => {
    expect(issues({})).toEqual([['address', 'is required; set the syslog server host name or IP']]);
    expect(issues({ address: 'a', window: 0 })).toEqual([['window', 'must be a whole number, 1–100000']]);
    expect(issues({ address: 'a', window: 2.5 })).toEqual([['window', 'must be a whole number, 1–100000']]);
    expect(issues({ address: 'a', window: '128' })).toEqual([['window', 'must be a whole number, 1–100000']]);
    expect(issues({ address: 'a', ackTimeout: '0s' })).toEqual([['ackTimeout', 'must be longer than 0ms']]);
    expect(issues({ address: 'a', tls: { cert: './c.pem' } })).toEqual([['tls.key', 'cert and key go together: set both for client authentication, or neither']]);
    expect(issues({ address: 'a', framing: 'lf' })).toEqual([['', 'Unrecognized key: "framing"']]);
  });
});
