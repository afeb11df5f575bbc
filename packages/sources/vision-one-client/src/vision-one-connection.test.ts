import { z } from '@syslog-connector/core';
import { describe, expect, it } from 'vitest';
import { visionOneBaseUrl, visionOneConnection } from './vision-one-connection.js';

const TOKEN = 'secret-token-a1b2c3';

const issues = (input: Record<string, unknown>): Array<[string, string]> => {
  const result = visionOneConnection.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) => [issue.path.join('.'), issue.message]);
};

describe('visionOneConnection', () => {
  it('applies the defaults: region us, since 24h, pollInterval and requestTimeout 60s, pageSize 200', () => {
    const options = visionOneConnection.parse({ token: TOKEN });
    expect(visionOneBaseUrl(options)).toBe('https://api.xdr.trendmicro.com');
    expect([options.pollInterval, options.requestTimeout, options.pageSize]).toEqual([60_000, 60_000, 200]);
    expect(options.since.at(100_000_000)).toBe(100_000_000 - 86_400_000);
  });

  it.each([
    ['eu', 'https://api.eu.xdr.trendmicro.com'],
    ['jp', 'https://api.xdr.trendmicro.co.jp'],
    ['mea', 'https://api.mea.xdr.trendmicro.com'],
    ['usgov', 'https://api.usgov.xdr.trendmicro.com'],
  ])('maps region %s to %s', (region, url) => {
    expect(visionOneBaseUrl(visionOneConnection.parse({ token: TOKEN, region }))).toBe(url);
  });

  it.each(['http://127.0.0.1:8080', 'http://127.10.0.5', 'http://localhost:3000/', 'http://[::1]:9', 'https://proxy.example.com/trend/'])(
    'accepts baseUrl %s',
    (baseUrl) => {
      expect(visionOneBaseUrl(visionOneConnection.parse({ token: TOKEN, baseUrl }))).toBe(baseUrl.replace(/\/$/, ''));
    },
  );

  it('rejects http:// for a host that is not loopback, naming the https fix', () => {
    expect(issues({ token: TOKEN, baseUrl: 'http://api.xdr.trendmicro.com' })).toEqual([
      ['baseUrl', 'http:// is only accepted for loopback addresses (127.0.0.0/8, ::1, localhost); use https://api.xdr.trendmicro.com'],
    ]);
    expect(issues({ token: TOKEN, baseUrl: 'http://10.0.0.1:8080/api' })).toEqual([
      ['baseUrl', 'http:// is only accepted for loopback addresses (127.0.0.0/8, ::1, localhost); use https://10.0.0.1:8080/api'],
    ]);
  });

  it('rejects region and baseUrl together, credentials in the URL, unknown keys and odd page sizes', () => {
    expect(issues({ token: TOKEN, region: 'eu', baseUrl: 'https://api.eu.xdr.trendmicro.com' })).toEqual([
      ['baseUrl', 'set either `region` or `baseUrl`, not both'],
    ]);
    expect(issues({ token: TOKEN, baseUrl: 'https://user:pw@api.xdr.trendmicro.com' })).toEqual([
      ['baseUrl', 'must not contain a user name or password; the API key goes in `token`'],
    ]);
    expect(issues({ token: TOKEN, pageSize: 75 })).toEqual([
      ['pageSize', 'must be 50, 100 or 200, the page sizes the Vision One API accepts for `top` (FACTS §B.6, §B.7)'],
    ]);
    const unknown = visionOneConnection.safeParse({ token: TOKEN, regoin: 'eu' });
    expect(unknown.success ? [] : unknown.error.issues.map((i) => [i.code, (i as z.core.$ZodIssueUnrecognizedKeys).keys])).toEqual([
      ['unrecognized_keys', ['regoin']],
    ]);
  });

  it('rejects an empty token or one with a line break, without echoing the token', () => {
    expect(issues({ token: '' })).toEqual([['token', 'is empty; set it to ${VISION_ONE_TOKEN} and export the API key in that variable']]);
    const withNewline = visionOneConnection.safeParse({ token: `${TOKEN}\n` });
    expect(withNewline.success).toBe(false);
    expect(JSON.stringify(withNewline.error)).not.toContain(TOKEN);
    expect(issues({ token: `${TOKEN}\n` })).toEqual([
      ['token', 'contains a line break or control character; remove it from the variable'],
      ['token', 'has leading or trailing spaces; remove them from the variable'],
    ]);
  });

  it('keeps its checks when a source extends it', () => {
    const extended = visionOneConnection.extend({ include: z.array(z.string()).default(['new']) });
    expect(extended.safeParse({ token: TOKEN, region: 'eu', baseUrl: 'https://x.example' }).success).toBe(false);
    expect(extended.parse({ token: TOKEN }).include).toEqual(['new']);
    expect(extended.safeParse({ token: TOKEN, extra: 1 }).success).toBe(false);
  });
});
