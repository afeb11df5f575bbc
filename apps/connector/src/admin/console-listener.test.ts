import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectorConfig } from '@syslog-connector/core/engine';
import { createCertificateAuthority, issueCertificate } from '@syslog-connector/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleClient } from '../../test/console-api-client.js';
import { silentLogger } from '../logger.js';
import { type AdminListener, startAdminListener } from './admin-listener.js';

/**
 * The real admin listener in-process, over real HTTP(S) on loopback: the console's static files from a folder
 * (what `@syslog-connector/console` builds), the cookie's Secure flag under TLS, and what no folder path may reach.
 */
const TOKEN = 'Jm4k-listener-token-8c2e6a0f4b1d';
let dir: string;
const listeners: AdminListener[] = [];

afterEach(async () => {
  await Promise.all(listeners.splice(0).map((l) => l.close()));
  await rm(dir, { recursive: true, force: true });
});

const start = async (admin: Record<string, unknown>, assetsDir: string): Promise<AdminListener> => {
  const configPath = join(dir, 'syslog-connector.yaml');
  await writeFile(configPath, 'sources: {}\ndestinations: {}\n');
  const config = {
    admin: { listen: '127.0.0.1:0', token: TOKEN, metricsPublic: false, readiness: { maxFailingFor: 60_000 }, ...admin },
    configDir: dir,
    stateDir: join(dir, 'state'),
  } as unknown as ConnectorConfig;
  const listener = await startAdminListener(config, dir, silentLogger(), () => undefined, {
    configPath,
    env: {},
    reload: async () => ({ applied: true }),
    assetsDir,
  });
  if (listener === undefined) throw new Error('admin is configured');
  listeners.push(listener);
  return listener;
};

describe('the console behind the admin listener', () => {
  it('serves the built files under /console/ with the CSP, its index for page paths, and nothing outside the folder', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sc-console-listener-'));
    const assets = join(dir, 'web');
    await mkdir(join(assets, 'assets'), { recursive: true });
    await writeFile(join(assets, 'index.html'), '<!doctype html><script type="module" src="/console/assets/app.js"></script>');
    await writeFile(join(assets, 'assets', 'app.js'), 'console.log("app")');
    await writeFile(join(dir, 'secret.txt'), 'outside the folder');
    const listener = await start({}, assets);
    const client = new ConsoleClient(listener.url);

    const index = await client.get('/console/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.body).toContain('/console/assets/app.js');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    const script = await client.get('/console/assets/app.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await client.get('/console/status')).body).toBe(index.body);
    expect((await client.get('/console/assets/missing.js')).status).toBe(404);
    for (const path of ['/console/%2e%2e/secret.txt', '/console/..%2fsecret.txt', '/console/%2e%2e%2fsecret.txt']) {
      const answer = await client.get(path);
      expect(answer.body).not.toContain('outside the folder');
    }
    expect((await client.get('/console')).headers.get('location')).toBe('/console/');
    // The API behind it needs a session.
    expect((await client.get('/api/status')).status).toBe(401);
  });

  it('marks the session cookie Secure when the listener has TLS', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sc-console-listener-'));
    const ca = await createCertificateAuthority({ commonName: 'Listener CA' });
    const certificate = await issueCertificate(ca, { commonName: 'admin.test', altNames: ['127.0.0.1'] });
    await writeFile(join(dir, 'admin.pem'), certificate.cert);
    await writeFile(join(dir, 'admin-key.pem'), certificate.key, { mode: 0o600 });
    const listener = await start({ tls: { cert: 'admin.pem', key: 'admin-key.pem' } }, join(dir, 'none'));
    const client = new ConsoleClient(listener.url, ca.cert);
    const signIn = await client.signIn(TOKEN);
    expect(signIn.status).toBe(200);
    expect(signIn.headers.get('set-cookie')).toMatch(/; HttpOnly; SameSite=Strict; Path=\/; Max-Age=\d+; Secure$/);
    expect((await client.get('/api/session')).json()).toEqual({ csrfToken: client.csrf });
    // Without the built folder the listener says how to build it.
    expect((await client.get('/console/')).body).toContain('pnpm build');
  });
});
