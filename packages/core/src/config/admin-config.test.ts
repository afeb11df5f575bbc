import { describe, expect, it } from 'vitest';
import { adminConfigSchema, isLoopbackHost, parseListenAddress } from './admin-config.js';

const TOKEN = '0123456789abcdef0123';

describe('admin config', () => {
  it('is off when absent and fills its defaults when present', () => {
    expect(adminConfigSchema.parse(undefined)).toBeUndefined();
    expect(adminConfigSchema.parse({ token: TOKEN })).toEqual({
      listen: '127.0.0.1:9514',
      token: TOKEN,
      metricsPublic: false,
      readiness: { maxFailingFor: 60_000 },
    });
  });

  it('parses host:port and [ipv6]:port, and knows loopback', () => {
    expect(parseListenAddress('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseListenAddress('[::1]:9514')).toEqual({ host: '::1', port: 9514 });
    expect(parseListenAddress('localhost:9514')).toEqual({ host: 'localhost', port: 9514 });
    expect(parseListenAddress('127.0.0.1')).toBeUndefined();
    expect(parseListenAddress('127.0.0.1:70000')).toBeUndefined();
    expect(parseListenAddress('[nope]:1')).toBeUndefined();
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '::', '10.0.0.5', 'admin.example.com'].some(isLoopbackHost)).toBe(false);
  });

  it('requires tls for a non-loopback listen, at admin.tls with the fix', () => {
    const result = adminConfigSchema.safeParse({ listen: '0.0.0.0:9514', token: TOKEN });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ['tls'], message: expect.stringMatching(/is required because listen \(0\.0\.0\.0\) is not a loopback address: add tls: \{ cert/) }),
    ]);
    expect(adminConfigSchema.safeParse({ listen: '0.0.0.0:9514', token: TOKEN, tls: { cert: 'a.pem', key: 'b.pem' } }).success).toBe(true);
  });

  it('refuses a short or missing token without echoing it', () => {
    const result = adminConfigSchema.safeParse({ token: 'short-secret' });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues.map((i) => i.message))).not.toContain('short-secret');
    expect(result.error?.issues[0]?.message).toContain('at least 16 characters');
    expect(adminConfigSchema.safeParse({}).error?.issues[0]?.message).toContain('SYSLOG_CONNECTOR_ADMIN_TOKEN');
  });
});
