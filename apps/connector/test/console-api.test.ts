import { createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CertificateAuthority,
  createCertificateAuthority,
  type IssuedCertificate,
  issueCertificate,
  SyslogReceiver,
  VisionOneSimulator,
} from '@syslog-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Answer, ConsoleClient } from './console-api-client.js';
import { type ConnectorProcess, deadPort, SEQUENCE_SOURCE, startConnector, waitUntil } from './connector-process.js';
import { runCli } from './run-cli.js';

/**
 * The console's admin API against the real daemon (`syslog-connector run` as a child process), over real HTTP on
 * loopback, with a real store, real syslog receivers (TCP, UDP, TLS with client authentication) and the Vision One
 * simulator. One daemon serves the whole file, in order: security, the Vision One screen, MDI, status, dead letters.
 */
const ADMIN_TOKEN = 'Xv7q-admin-token-3b9f1c7e5a2d4f60';
const VISION_ONE_TOKEN = 'v1-api-key-Zq8Wm2Rt6Yp4Lx0Nc5Vb';
const MDI_SECRET = 'mdi-client-secret-Hk3Jd9Fs7Ga1Pw5Q';
const KEY_PASSPHRASE = 'key-passphrase-Ue4Ti8Oy2Rw6';
const PICKY_FORMATTER = fileURLToPath(new URL('./fixtures/console-api-picky-formatter.mjs', import.meta.url));

let dir: string;
let configPath: string;
let marker: string;
let ca: CertificateAuthority;
let server: IssuedCertificate;
let clientCert: IssuedCertificate;
let encryptedKey: string;
let siem: SyslogReceiver;
let picky: SyslogReceiver;
let tlsSiem: SyslogReceiver;
let mdiSyslog: SyslogReceiver;
let simulator: VisionOneSimulator;
let daemon: ConnectorProcess;
let api: ConsoleClient;
let base: string;

const CONFIG = (siemPort: number, pickyPort: number): string => `# syslog-connector: written by hand, then by the console
instance: console-test
stateDir: ./state
logLevel: info
admin:
  listen: 127.0.0.1:0
  token: \${SYSLOG_CONNECTOR_ADMIN_TOKEN}   # from the environment
plugins:
  - ${JSON.stringify(SEQUENCE_SOURCE)}
  - ${JSON.stringify(PICKY_FORMATTER)}
sources:
  # numbered test events
  seq:
    type: test-sequence
    total: 20
    batchSize: 20
    pollIntervalMs: 25
destinations:
  siem:   # the SOC's SIEM: kept as written
    protocol: tcp
    address: 127.0.0.1
    port: ${siemPort}
    sources: [seq]
  picky:
    protocol: tcp
    address: 127.0.0.1
    port: ${pickyPort}
    format: test-picky
    test-picky: { refuseWhile: ${JSON.stringify(join(tmpdir(), 'unused'))} }
    sources: [seq]
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sc-console-api-'));
  configPath = join(dir, 'syslog-connector.yaml');
  marker = join(dir, 'refuse');
  await writeFile(marker, 'refuse while this file exists\n');
  ca = await createCertificateAuthority({ commonName: 'Console Test CA' });
  server = await issueCertificate(ca, { commonName: 'siem.test', altNames: ['127.0.0.1', 'localhost'] });
  clientCert = await issueCertificate(ca, { commonName: 'syslog-connector-client' });
  encryptedKey = createPrivateKey(clientCert.key).export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: KEY_PASSPHRASE }) as string;
  siem = await SyslogReceiver.start({ protocol: 'tcp', framing: 'octet-counting' });
  picky = await SyslogReceiver.start({ protocol: 'tcp', framing: 'octet-counting' });
  tlsSiem = await SyslogReceiver.start({
    protocol: 'tls',
    framing: 'octet-counting',
    tls: { key: server.key, cert: server.cert, ca: ca.cert, requestCert: true, rejectUnauthorized: true },
  });
  mdiSyslog = await SyslogReceiver.start({ protocol: 'udp' });
  simulator = await VisionOneSimulator.start({ token: VISION_ONE_TOKEN, seed: 17, hostileRatio: 0 });
  simulator.addWorkbenchAlerts(3);
  await writeFile(configPath, CONFIG(siem.port, picky.port).replace(JSON.stringify(join(tmpdir(), 'unused')), JSON.stringify(marker)));
  daemon = startConnector(configPath, ['--drain-timeout', '2s'], { SYSLOG_CONNECTOR_ADMIN_TOKEN: ADMIN_TOKEN });
  let url: string | undefined;
  await waitUntil(() => (url = /Admin listener on (https?:\/\/[^\s)]+)/.exec(daemon.logs())?.[1]) !== undefined, 20_000, 'the admin listener');
  base = url as string;
  api = new ConsoleClient(base);
}, 60_000);

afterAll(async () => {
  // SIGTERM, then SIGKILL after 10 s: the daemon never outlives the file, even one that stopped answering.
  await daemon?.stop(10_000);
  await Promise.all([siem, picky, tlsSiem, mdiSyslog].map((r) => r?.stop()));
  await simulator?.stop();
  await rm(dir, { recursive: true, force: true });
}, 30_000);

const SECRETS = (): string[] => [ADMIN_TOKEN, VISION_ONE_TOKEN, MDI_SECRET, KEY_PASSPHRASE, clientCert.key.split('\n')[1] as string, encryptedKey.split('\n')[1] as string];

const expectNoSecret = (answers: readonly string[]) => {
  for (const body of answers) for (const secret of SECRETS()) expect(body).not.toContain(secret);
};

const upload = async (body: unknown): Promise<string> => {
  const answer = await api.post('/api/uploads', body);
  expect(answer.status, answer.body).toBe(200);
  return answer.json<{ id: string }>().id;
};

const visionOne = async () => (await api.get('/api/screens/vision-one')).json<{ revision: string; servers: Array<Record<string, unknown>> }>();

describe('security of the console', () => {
  it('answers 401 without a session, signs in with the token only, and sets an HttpOnly SameSite=Strict cookie', async () => {
    const anonymous = new ConsoleClient(base);
    const refused = await anonymous.get('/api/screens/vision-one');
    expect(refused.status).toBe(401);
    expect(refused.json()).toMatchObject({ error: expect.stringContaining('sign in') });
    expect((await anonymous.signIn('not-the-token-at-all')).status).toBe(401);

    const signIn = await api.signIn(ADMIN_TOKEN);
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^sc_session=[\w-]{40,}; /);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/');
    // Plain HTTP on loopback: a Secure cookie would never come back.
    expect(cookie).not.toContain('Secure');
    expect((await api.get('/api/session')).json()).toEqual({ csrfToken: api.csrf });
  });

  it('sends the content security policy and the other headers on every answer', async () => {
    for (const answer of [await api.get('/api/status'), await api.get('/console/'), await api.get('/healthz')]) {
      const csp = answer.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
    }
    expect((await api.get('/api/status')).headers.get('cache-control')).toBe('no-store');
    expect((await api.get('/')).headers.get('location')).toBe('/console/');
  });

  it('refuses a change without the CSRF token, with a wrong one, or from another origin; a Bearer client needs none', async () => {
    const { revision } = await visionOne();
    const body = { revision, connection: {}, dataTypes: { workbench: false, oat: { enabled: false, riskLevels: [] }, audit: { enabled: false, logTypes: [] } }, servers: [] };
    expect((await api.send('PUT', '/api/screens/vision-one', body, { csrf: false })).status).toBe(403);
    expect((await api.send('PUT', '/api/screens/vision-one', body, { csrf: false, headers: { 'x-csrf-token': 'guessed' } })).status).toBe(403);
    expect((await api.send('PUT', '/api/screens/vision-one', body, { headers: { origin: 'https://evil.example' } })).status).toBe(403);
    const bearer = new ConsoleClient(base);
    const answer = await bearer.send('PUT', '/api/screens/vision-one', body, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    // Authorized; refused for what it says (no data type), not for who sent it.
    expect(answer.status).toBe(400);
    expect(answer.json<{ issues: Array<{ field: string }> }>().issues.map((i) => i.field)).toContain('dataTypes');
  });
});

describe('uploads', () => {
  it('keeps a CA and a client certificate with its encrypted key, and refuses what is not PEM, expired, mismatched or wrongly unlocked', async () => {
    const caUpload = await api.post('/api/uploads', { kind: 'ca', pem: ca.cert });
    expect(caUpload.status).toBe(200);
    expect(caUpload.json()).toMatchObject({ summary: { subject: expect.stringContaining('Console Test CA'), fingerprint: expect.stringMatching(/^[0-9A-F:]+$/) } });

    const refusals: Array<[unknown, RegExp]> = [
      [{ kind: 'ca', pem: 'hello' }, /not a PEM certificate/],
      [{ kind: 'ca', pem: (await issueCertificate(ca, { commonName: 'old', expired: true })).cert }, /expired/],
      [{ kind: 'client', certificate: clientCert.cert, key: server.key }, /does not match/],
      [{ kind: 'client', certificate: clientCert.cert, key: encryptedKey }, /encrypted and no passphrase/],
      [{ kind: 'client', certificate: clientCert.cert, key: encryptedKey, passphrase: 'wrong' }, /passphrase is wrong/],
      [{ kind: 'client', certificate: clientCert.cert, key: 'not a key' }, /not a PEM private key/],
    ];
    for (const [body, reason] of refusals) {
      const answer = await api.post('/api/uploads', body);
      expect(answer.status, answer.body).toBe(400);
      expect(answer.json<{ error: string; hint: string }>().error).toMatch(reason);
      expect(answer.json<{ hint: string }>().hint.length).toBeGreaterThan(10);
    }
    expect((await api.post('/api/uploads', { kind: 'client', certificate: clientCert.cert, key: encryptedKey, passphrase: KEY_PASSPHRASE })).status).toBe(200);
  });
});

describe('Test Connection', () => {
  it('passes for a draft TLS server with the uploaded CA and client certificate, step by step', async () => {
    const server = {
      address: '127.0.0.1',
      port: tlsSiem.port,
      protocol: 'tls',
      format: 'cef',
      caCertificate: await upload({ kind: 'ca', pem: ca.cert }),
      clientCertificate: await upload({ kind: 'client', certificate: clientCert.cert, key: encryptedKey, passphrase: KEY_PASSPHRASE }),
    };
    const answer = (await api.post('/api/test-connection', { server })).json<{ ok: boolean; steps: Array<{ step: string; ok: boolean }> }>();
    expect(answer.steps.map((s) => s.step)).toEqual(expect.arrayContaining(['resolve', 'connect', 'tls-handshake']));
    expect(answer).toMatchObject({ ok: true });
  });

  it('shows the cause and the fix for a wrong port and for an untrusted server, as test-connection does', async () => {
    // A LEEF (IBM QRadar) server is a format the screen offers like CEF: the draft passes and reaches the check.
    const wrongPort = (await api.post('/api/test-connection', { server: { address: '127.0.0.1', port: await deadPort(), protocol: 'tcp', format: 'leef' } })).json<{
      ok: boolean;
      steps: Array<{ step: string; ok: boolean; detail: string; hint?: string }>;
    }>();
    expect(wrongPort.ok).toBe(false);
    const refused = wrongPort.steps.find((s) => !s.ok);
    expect(refused).toMatchObject({ step: 'connect', detail: expect.stringMatching(/nothing is listening/), hint: expect.any(String) });

    // No CA uploaded: the system's CAs do not know the test CA.
    const untrusted = (await api.post('/api/test-connection', { server: { address: '127.0.0.1', port: tlsSiem.port, protocol: 'tls', format: 'cef' } })).json<{
      ok: boolean;
      steps: Array<{ step: string; ok: boolean; detail: string; hint?: string }>;
    }>();
    expect(untrusted.ok).toBe(false);
    const failed = untrusted.steps.find((s) => !s.ok);
    expect(failed?.step).toBe('tls-handshake');
    expect(failed?.hint).toMatch(/CA|ca/);
  });
});

describe('Trend Vision One screen', () => {
  it('refuses a save with the problems at their fields and writes nothing', async () => {
    const before = await readFile(configPath, 'utf8');
    const { revision } = await visionOne();
    const answer = await api.put('/api/screens/vision-one', {
      revision,
      connection: { baseUrl: simulator.baseUrl, apiToken: VISION_ONE_TOKEN, companyId: 'not-a-uuid' },
      dataTypes: { workbench: false, oat: { enabled: true, riskLevels: [] }, audit: { enabled: false, logTypes: [] } },
      servers: [],
    });
    expect(answer.status).toBe(400);
    expect(answer.json<{ issues: Array<{ field: string }> }>().issues.map((i) => i.field)).toEqual(['dataTypes.oat.riskLevels']);
    // The screen's own rules pass; the schema of `validate` finds the company ID.
    const schema = await api.put('/api/screens/vision-one', {
      revision,
      connection: { baseUrl: simulator.baseUrl, apiToken: VISION_ONE_TOKEN, companyId: 'not-a-uuid' },
      dataTypes: { workbench: true, oat: { enabled: false, riskLevels: [] }, audit: { enabled: false, logTypes: [] } },
      servers: [{ address: '127.0.0.1', port: 601, protocol: 'tcp', format: 'cef' }],
    });
    expect(schema.status).toBe(400);
    expect(schema.json<{ issues: Array<{ field: string; path: string }> }>().issues).toEqual([
      expect.objectContaining({ field: 'connection.companyId', path: 'sources.workbench.companyId' }),
    ]);
    const port = await api.put('/api/screens/vision-one', {
      revision,
      connection: {},
      dataTypes: { workbench: true, oat: { enabled: false, riskLevels: [] }, audit: { enabled: false, logTypes: [] } },
      servers: [{ address: '127.0.0.1', port: 70_000, protocol: 'tcp', format: 'cef' }],
    });
    expect(port.json<{ issues: Array<{ field: string }> }>().issues.map((i) => i.field)).toEqual(['servers[0].port']);
    expect(await readFile(configPath, 'utf8')).toBe(before);
  });

  it('saves the connection, data types and a TLS server: comments kept, secrets in 0600 files, applied live, events at the server', async () => {
    const { revision } = await visionOne();
    const answer = await api.put('/api/screens/vision-one', {
      revision,
      connection: { baseUrl: simulator.baseUrl, apiToken: VISION_ONE_TOKEN },
      dataTypes: { workbench: true, oat: { enabled: true, riskLevels: ['critical', 'high'] }, audit: { enabled: true, logTypes: ['account'] } },
      servers: [
        {
          address: '127.0.0.1',
          port: tlsSiem.port,
          protocol: 'tls',
          format: 'cef',
          caCertificate: await upload({ kind: 'ca', pem: ca.cert }),
          clientCertificate: await upload({ kind: 'client', certificate: clientCert.cert, key: encryptedKey, passphrase: KEY_PASSPHRASE }),
        },
      ],
    });
    expect(answer.status, answer.body).toBe(200);
    expect(answer.json()).toMatchObject({ applied: true, changed: expect.arrayContaining(['sources.workbench', 'sources.oat', 'sources.audit', 'destinations.syslog-1']) });

    const text = await readFile(configPath, 'utf8');
    for (const comment of ['# syslog-connector: written by hand, then by the console', '# from the environment', '# numbered test events', '# the SOC\'s SIEM: kept as written']) {
      expect(text).toContain(comment);
    }
    // The user's order: the new sources after seq, the new server after picky.
    expect(text.indexOf('  seq:')).toBeLessThan(text.indexOf('  workbench:'));
    expect(text.indexOf('  picky:')).toBeLessThan(text.indexOf('  syslog-1:'));
    expect(text).toContain('token: ${file:state/secrets/vision-one-token}');
    expect(text).toContain('passphrase: ${file:state/secrets/syslog-1-passphrase}');
    for (const secret of SECRETS()) expect(text).not.toContain(secret);
    for (const name of ['vision-one-token', 'syslog-1-passphrase', 'syslog-1-client-key.pem', 'syslog-1-ca.pem', 'syslog-1-client.pem']) {
      expect(((await stat(join(dir, 'state', 'secrets', name))).mode & 0o777).toString(8)).toBe('600');
    }
    expect(((await stat(join(dir, 'state', 'secrets'))).mode & 0o777).toString(8)).toBe('700');
    expect(await readFile(join(dir, 'state', 'secrets', 'vision-one-token'), 'utf8')).toBe(VISION_ONE_TOKEN);

    // Live: the workbench alerts reach the TLS server (client authenticated) without a restart.
    await tlsSiem.waitFor(3, 20_000);
    expect(tlsSiem.messages.some((m) => m.raw.includes('CEF:0|Trend Micro|Trend Vision One|'))).toBe(true);

    const screen = await visionOne();
    expect(screen).toMatchObject({
      connection: { baseUrl: simulator.baseUrl, apiToken: { set: true } },
      dataTypes: { workbench: true, oat: { enabled: true, riskLevels: ['critical', 'high'] }, audit: { enabled: true, logTypes: ['account'] } },
      servers: [
        {
          id: 'syslog-1',
          protocol: 'tls',
          port: tlsSiem.port,
          caCertificate: { subject: expect.stringContaining('Console Test CA') },
          clientCertificate: { subject: expect.stringContaining('syslog-connector-client') },
          clientKey: { set: true },
          passphrase: { set: true },
        },
      ],
    });
    // `validate` reads the new file: the token shows as its reference, never its value.
    const validate = await runCli(['validate', '-c', configPath], { env: { SYSLOG_CONNECTOR_ADMIN_TOKEN: ADMIN_TOKEN } });
    expect(validate.code, validate.stderr).toBe(0);
    expect(`${validate.stdout}${validate.stderr}`).not.toContain(VISION_ONE_TOKEN);
    // The change is logged by key, never by value.
    expect(daemon.logs()).toContain('Console saved the config (vision-one)');
    for (const secret of SECRETS()) expect(daemon.logs()).not.toContain(secret);
  }, 60_000);

  it('refuses to overwrite a file changed on disk since the page read it (409 with the new revision)', async () => {
    const { revision, servers } = await visionOne();
    await writeFile(configPath, `${await readFile(configPath, 'utf8')}# edited by hand meanwhile\n`);
    const answer = await api.put('/api/screens/vision-one', {
      revision,
      connection: {},
      dataTypes: { workbench: true, oat: { enabled: false, riskLevels: [] }, audit: { enabled: false, logTypes: [] } },
      servers: servers.map((s) => ({ id: s['id'], address: s['address'], port: s['port'], protocol: s['protocol'], format: s['format'], caCertificate: 'keep', clientCertificate: 'keep' })),
    });
    expect(answer.status).toBe(409);
    expect(answer.json()).toMatchObject({ error: expect.stringContaining('changed on disk'), revision: expect.not.stringMatching(revision) });
    expect(await readFile(configPath, 'utf8')).toContain('# edited by hand meanwhile');
    expect(await readFile(configPath, 'utf8')).toContain('  oat:');
  });
});

describe('Microsoft Defender for Identity screen', () => {
  it('saves the Graph connection, the Syslog Service and the three notifications; Send test Syslog message arrives', async () => {
    const { revision } = (await api.get('/api/screens/mdi')).json<{ revision: string }>();
    const syslog = { endpoint: '127.0.0.1', port: mdiSyslog.port, transport: 'udp', format: 'rfc5424' };
    const answer = await api.put('/api/screens/mdi', {
      revision,
      graph: { tenantId: '4b2462a4-bbee-495a-a0e1-f23ae524cc9c', clientId: '0f3e7a51-5c1d-4f2b-9d8e-6a7b8c9d0e1f', clientSecret: MDI_SECRET },
      syslog,
      notifications: { newAlerts: true, updatedAlerts: false, healthIssues: true },
    });
    expect(answer.status, answer.body).toBe(200);
    const text = await readFile(configPath, 'utf8');
    expect(text).toContain('clientSecret: ${file:state/secrets/mdi-client-secret}');
    expect(text).toMatch(/notifications: \[ ?new-alerts, health-issues ?\]/);
    expect(((await stat(join(dir, 'state', 'secrets', 'mdi-client-secret'))).mode & 0o777).toString(8)).toBe('600');
    expect((await api.get('/api/screens/mdi')).json()).toMatchObject({
      configured: true,
      graph: { clientSecret: { set: true } },
      syslog,
      notifications: { newAlerts: true, updatedAlerts: false, healthIssues: true },
      sourceId: 'mdi',
      destinationId: 'mdi-syslog',
    });

    const sent = (await api.post('/api/screens/mdi/send-test', { syslog })).json<{ ok: boolean; line: string }>();
    expect(sent.ok).toBe(true);
    await mdiSyslog.waitFor(1, 10_000);
    expect(mdiSyslog.messages.some((m) => m.raw.includes('syslog-connector-test') && m.raw === sent.line)).toBe(true);
  }, 30_000);
});

describe('status, last lines and dead letters', () => {
  it('shows per-source and per-destination status, as JSON and as a live event stream', async () => {
    await waitUntil(() => siem.messages.length >= 20, 15_000, 'the sequence delivered to siem');
    const status = (await api.get('/api/status')).json<{ running: boolean; sources: Array<{ id: string; fetched: number }>; destinations: Array<{ id: string; connected: boolean; delivered: number; target: string }> }>();
    expect(status.running).toBe(true);
    expect(status.sources.find((s) => s.id === 'seq')).toMatchObject({ fetched: 20 });
    expect(status.destinations.find((d) => d.id === 'siem')).toMatchObject({ connected: true, delivered: 20, target: `127.0.0.1:${siem.port}` });

    const controller = new AbortController();
    const response = await fetch(`${base}/api/status/stream`, { headers: { cookie: api.cookie ?? '' }, signal: controller.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let received = '';
    while (!received.includes('\n\n')) received += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(received).toMatch(/^event: status\ndata: \{/);
    expect(JSON.parse(received.split('\n')[1]?.slice('data: '.length) ?? '')).toMatchObject({ running: true });
  });

  it('shows the last lines each destination sent, exactly as sent', async () => {
    const { lines } = (await api.get('/api/destinations/siem/recent')).json<{ lines: Array<{ at: number; text: string }> }>();
    expect(lines.map((l) => l.text)).toEqual(siem.messages.slice(-50).map((m) => m.raw));
    expect((await api.get('/api/destinations/nope/recent')).status).toBe(404);
  });

  it('lists dead letters with their reason, and Retry delivers one and removes it', async () => {
    await waitUntil(() => /Event dead-lettered/.test(daemon.logs()), 15_000, 'the picky destination dead-lettering');
    let items: Array<{ id: string; kind: string; destination: string; reason: string; retriable: boolean; key: string }> = [];
    for (let i = 0; i < 50 && items.length < 20; i += 1) {
      items = (await api.get('/api/dead-letters')).json<{ items: typeof items }>().items;
      if (items.length < 20) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(items).toHaveLength(20);
    expect(items[0]).toMatchObject({ kind: 'destination', destination: 'picky', retriable: true, reason: expect.stringContaining('picky: refusing') });

    // Still refused: the letter stays.
    const refused = await api.post(`/api/dead-letters/${encodeURIComponent(items[0]?.id ?? '')}/retry`, {});
    expect(refused.status).toBe(422);
    await unlink(marker);
    const retried = await api.post(`/api/dead-letters/${encodeURIComponent(items[0]?.id ?? '')}/retry`, {});
    expect(retried.status, retried.body).toBe(200);
    expect(retried.json()).toEqual({ retried: true, line: `picky ${items[0]?.key}` });
    await picky.waitFor(1, 10_000);
    expect(picky.messages.map((m) => m.raw)).toContain(`picky ${items[0]?.key}`);
    const after = (await api.get('/api/dead-letters')).json<{ items: Array<{ id: string }> }>().items;
    expect(after).toHaveLength(19);
    expect(after.map((i) => i.id)).not.toContain(items[0]?.id);
    expect((await api.post(`/api/dead-letters/${encodeURIComponent(items[0]?.id ?? '')}/retry`, {})).status).toBe(404);
  }, 40_000);
});

describe('secrets never go back', () => {
  it('no answer of any route carried a token, secret, passphrase or key', async () => {
    // Read every screen once more after all the saves, then check everything this file received.
    await api.get('/api/screens/vision-one');
    await api.get('/api/screens/mdi');
    await api.get('/api/status');
    await api.get('/api/dead-letters');
    expect(api.bodies.length).toBeGreaterThan(30);
    expectNoSecret(api.bodies);
  });

  it('limits failed sign-ins: the sixth within a minute answers 429 with Retry-After, even with the right token', async () => {
    const guesser = new ConsoleClient(base);
    const answers: Answer[] = [];
    // Six tries at most: one failure came earlier in this file from this address (maybe more than a minute ago).
    for (let i = 0; i < 6 && answers.at(-1)?.status !== 429; i += 1) answers.push(await guesser.signIn(`wrong-token-${i}-xxxxxxxxxxxx`));
    expect(answers.at(-1)?.status).toBe(429);
    expect(answers.filter((a) => a.status === 401).length).toBeLessThanOrEqual(5);
    const limited = await guesser.signIn(ADMIN_TOKEN);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expectNoSecret(guesser.bodies);
  });
});
