import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configPlace, describeError, SyslogConnectorError, type SourceBatch } from '@syslog-connector/core';
import { createCertificateAuthority, issueCertificate, ManualClock, RecordingLogger, type LogRecord, rejectionOf } from '@syslog-connector/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { loadGraphCredential } from '../src/graph-credential.js';
import { mdiOptions } from '../src/mdi-options.js';
import { MdiSource } from '../src/mdi-source.js';
import { GraphSimulator, type GraphSimulatorOptions } from '@syslog-connector/testing';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const SECRET = 'auth~Zx9.secret-VALUE_77';
const sims: GraphSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

const setup = async (sim: GraphSimulatorOptions = {}, secret = SECRET, notifications = ['new-alerts', 'updated-alerts']) => {
  const clock = new ManualClock(NOW);
  const graph = await GraphSimulator.start({ clock, clientSecret: SECRET, seed: 5, ...sim });
  sims.push(graph);
  const logs: LogRecord[] = [];
  const options = mdiOptions.parse({ tenantId: graph.tenantId, clientId: graph.clientId, clientSecret: secret, authorityHost: graph.baseUrl, graphHost: graph.baseUrl, since: '2h', notifications });
  const source = new MdiSource(configPlace('sources', 'mdi', process.cwd()), options, { kind: 'secret', secret }, { clock, logger: new RecordingLogger(logs) }, { random: () => 0.5 });
  const poll = async () => {
    const batches: SourceBatch[] = [];
    for await (const batch of source.read(undefined, AbortSignal.timeout(10_000))) batches.push(batch);
    return batches;
  };
  return { clock, graph, logs, source, poll };
};

const failure = (promise: Promise<unknown>): Promise<SyslogConnectorError> => rejectionOf(promise, SyslogConnectorError.is);

describe('MDI source sign-in', () => {
  it('a wrong secret gives one SOURCE_AUTH error naming clientSecret, without the secret', async () => {
    const { graph, poll, logs } = await setup({}, 'wrong~secret-value_00');
    const error = await failure(poll());
    expect([error.code, error.path]).toEqual(['SOURCE_AUTH', 'sources.mdi.clientSecret']);
    expect(error.message).toBe('Microsoft Entra ID rejected the client secret (AADSTS7000215, HTTP 401)');
    expect(describeError(error)).not.toContain('wrong~secret-value_00');
    expect(JSON.stringify(logs)).not.toContain('wrong~secret-value_00');
    // Not retried: one token request.
    expect(graph.requests.map((r) => [r.path.endsWith('/token'), r.status])).toEqual([[true, 401]]);
  });

  it('an expired secret says so and how to fix it', async () => {
    const { graph, poll } = await setup();
    graph.expireSecret();
    const error = await failure(poll());
    expect(error.describe()).toBe(
      'sources.mdi.clientSecret: The client secret has expired (AADSTS7000222, HTTP 401) — create a new client secret in Entra ID → App registrations → your app → Certificates & secrets, and set MDI_CLIENT_SECRET to its Value',
    );
    expect(error.describe()).not.toContain(SECRET);
  });

  it('caches the token and renews it 5 minutes before expiry', async () => {
    const { clock, graph, poll } = await setup({ tokenLifetimeSeconds: 3599 });
    await poll();
    clock.advance(30 * 60_000);
    await poll();
    expect(graph.tokensIssued).toBe(1);
    clock.advance(25 * 60_000); // 55 min: within 5 minutes of the 59:59 lifetime
    await poll();
    expect(graph.tokensIssued).toBe(2);
  });

  it('signs in again once after a revoked token, transparently', async () => {
    const { graph, poll } = await setup();
    await poll();
    graph.revokeTokens();
    await poll();
    expect(graph.tokensIssued).toBe(2);
    expect(graph.requests.filter((r) => r.status === 401).length).toBe(1);
  });

  it('waits out a 429 for its Retry-After, then goes on', async () => {
    const { clock, graph, poll } = await setup();
    graph.addAlerts(2);
    graph.failNext(1, 429, 7);
    const batches = await poll();
    expect(clock.sleeps).toEqual([7_000]);
    expect(batches.flatMap((b) => b.events).length).toBe(2);
    expect(graph.requests.filter((r) => !r.path.endsWith('/token')).map((r) => [r.status, r.retryAfter])).toEqual([[429, '7'], [200, undefined]]);
  });

  it('keeps under its per-minute budget instead of hitting 429', async () => {
    const clock = new ManualClock(NOW);
    const graph = await GraphSimulator.start({ clock, clientSecret: SECRET, pageSize: 1, requestsPerMinute: 150, hostileRatio: 0 });
    sims.push(graph);
    graph.addAlerts(5);
    const options = mdiOptions.parse({ tenantId: graph.tenantId, clientId: graph.clientId, clientSecret: SECRET, authorityHost: graph.baseUrl, graphHost: graph.baseUrl, since: '2h', requestsPerMinute: 2, notifications: ['new-alerts'] });
    const source = new MdiSource(configPlace('sources', 'mdi', process.cwd()), options, { kind: 'secret', secret: SECRET }, { clock, logger: new RecordingLogger([]) });
    let events = 0;
    for await (const batch of source.read(undefined, AbortSignal.timeout(10_000))) events += batch.events.length;
    expect(events).toBe(5);
    // 5 pages at 2 per minute: two waits of a minute each.
    expect(clock.sleeps).toEqual([60_000, 60_000]);
    expect(graph.requests.every((r) => r.status === 200)).toBe(true);
  });

  it('signs in with a certificate assertion, its files relative to the config file\'s folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mdi-cert-'));
    try {
      const ca = await createCertificateAuthority({ keyType: 'rsa' });
      const leaf = await issueCertificate(ca, { commonName: 'mdi-connector', keyType: 'rsa' });
      await writeFile(join(dir, 'cert.pem'), leaf.cert);
      await writeFile(join(dir, 'key.pem'), leaf.key);
      const clock = new ManualClock(NOW);
      const graph = await GraphSimulator.start({ clock, certificate: leaf.cert });
      sims.push(graph);
      graph.addAlerts(1);
      const raw = { tenantId: graph.tenantId, clientId: graph.clientId, certificate: { cert: 'cert.pem', key: './key.pem' }, authorityHost: graph.baseUrl, graphHost: graph.baseUrl, since: '2h' };
      const options = mdiOptions.parse(raw);
      // The config file is in `dir`; this process runs elsewhere.
      const place = configPlace('sources', 'mdi', dir);
      const source = new MdiSource(place, options, await loadGraphCredential(place, options), { clock, logger: new RecordingLogger([]) });
      let events = 0;
      for await (const batch of source.read(undefined, AbortSignal.timeout(10_000))) events += batch.events.length;
      expect(events).toBe(1);
      expect(graph.requests[0]?.clientAuth).toBe('assertion');

      // Another key than the certificate's: one error naming `certificate`.
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
      await writeFile(join(dir, 'other.pem'), other);
      const wrong = mdiOptions.parse({ ...raw, certificate: { cert: 'cert.pem', key: 'other.pem' } });
      const bad = new MdiSource(place, wrong, await loadGraphCredential(place, wrong), { clock, logger: new RecordingLogger([]) });
      const error = await failure((async () => {
        for await (const _ of bad.read(undefined, AbortSignal.timeout(10_000))) void _;
      })());
      expect([error.code, error.path, error.message]).toEqual(['SOURCE_AUTH', 'sources.mdi.certificate', 'Microsoft Entra ID rejected the certificate assertion (AADSTS700027, HTTP 401)']);

      // A missing file is named as resolved, with the key to fix.
      const missing = await failure(loadGraphCredential(place, { certificate: { cert: 'nope.pem', key: 'key.pem' } }));
      expect([missing.path, missing.message]).toEqual(['sources.mdi.certificate.cert', `Cannot read ${join(dir, 'nope.pem')} (ENOENT)`]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('mdiOptions', () => {
  const base = { tenantId: '4b2462a4-bbee-495a-a0e1-f23ae524cc9c', clientId: '0f3e7a51-5c1d-4f2b-9d8e-6a7b8c9d0e1f', clientSecret: 'x' };
  it('defaults to all three notifications and the public cloud', () => {
    const options = mdiOptions.parse(base);
    expect([options.notifications, options.authorityHost, options.graphHost, options.pollInterval, options.requestsPerMinute]).toEqual([
      ['new-alerts', 'updated-alerts', 'health-issues'],
      'https://login.microsoftonline.com',
      'https://graph.microsoft.com',
      60_000,
      150,
    ]);
  });
  it('rejects an empty selection, both or neither credential, and more than 150 requests a minute', () => {
    const issues = (input: object) => mdiOptions.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues({ ...base, notifications: [] })).toEqual(['notifications: choose at least one of new-alerts, updated-alerts, health-issues']);
    expect(issues({ ...base, clientSecret: undefined })).toEqual(['clientSecret: set `clientSecret` (e.g. ${MDI_CLIENT_SECRET}) or `certificate`']);
    expect(issues({ ...base, certificate: { cert: 'c.pem', key: 'k.pem' } })).toEqual(['clientSecret: set either `clientSecret` or `certificate`, not both']);
    expect(issues({ ...base, requestsPerMinute: 151 })).toEqual(['requestsPerMinute: Graph allows 150 requests per minute per app and tenant on /security (FACTS §D.3)']);
    expect(issues({ ...base, graphHost: 'http://graph.example.com' })).toEqual(['graphHost: http:// is only accepted for loopback addresses; use https://graph.example.com']);
  });
});
