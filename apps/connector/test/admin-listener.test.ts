import { request } from 'node:https';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateAuthority, issueCertificate, SyslogReceiver } from '@syslog-connector/testing';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConnectorProcess, deadPort, readStatus, SEQUENCE_SOURCE, sequenceNumbers, startConnector, waitUntil } from './connector-process.js';
import { runCli } from './run-cli.js';

/**
 * The production daemon's guard rails with the real CLI as child processes, a real store and real sockets, all on
 * loopback with ephemeral ports: one daemon per stateDir, and the admin listener (/metrics, /healthz, /readyz).
 */
const TOKEN = 'admin-token-7f3c9a1e5b2d4c6e8a0f';
const ENV = { SYSLOG_CONNECTOR_ADMIN_TOKEN: TOKEN };

let dir: string;
let configPath: string;
const receivers: SyslogReceiver[] = [];
const connectors: ConnectorProcess[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sc-admin-'));
  configPath = join(dir, 'syslog-connector.yaml');
});
afterEach(async () => {
  // Every daemon this test started, by its own handle; then the receivers.
  await Promise.all(connectors.splice(0).map((c) => (c.child.exitCode === null && c.child.signalCode === null ? c.kill() : undefined)));
  await Promise.all(receivers.splice(0).map((r) => r.stop()));
  await rm(dir, { recursive: true, force: true });
});

const receiver = async () => {
  const r = await SyslogReceiver.start({ protocol: 'tcp', framing: 'octet-counting' });
  receivers.push(r);
  return r;
};

const start = (): ConnectorProcess => {
  const connector = startConnector(configPath, ['--drain-timeout', '3s'], ENV);
  connectors.push(connector);
  return connector;
};

interface ConfigOptions {
  readonly total: number;
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  readonly port: number;
  readonly admin?: readonly string[];
  readonly extraDestinations?: readonly string[];
}

const writeConfig = async (options: ConfigOptions): Promise<void> => {
  const lines = [
    'instance: admin-test',
    'stateDir: ./state',
    'logLevel: info',
    ...(options.admin ?? ['admin:', '  listen: 127.0.0.1:0', '  token: ${SYSLOG_CONNECTOR_ADMIN_TOKEN}']),
    'plugins:',
    `  - ${JSON.stringify(SEQUENCE_SOURCE)}`,
    'sources:',
    '  seq:',
    '    type: test-sequence',
    `    total: ${options.total}`,
    `    batchSize: ${options.batchSize ?? 20}`,
    `    pollIntervalMs: ${options.pollIntervalMs ?? 25}`,
    'destinations:',
    '  siem:',
    '    protocol: tcp',
    '    address: 127.0.0.1',
    `    port: ${options.port}`,
    '    reconnect: { initialDelay: 100ms, maxDelay: 500ms }',
    '    connectTimeout: 1s',
    ...(options.extraDestinations ?? []),
  ];
  await writeFile(configPath, `${lines.join('\n')}\n`);
};

/** The admin listener's URL, from the daemon's log line (`listen: 127.0.0.1:0` binds an ephemeral port). */
const adminUrl = async (connector: ConnectorProcess): Promise<string> => {
  let url: string | undefined;
  await waitUntil(
    () => {
      url = /Admin listener on (https?:\/\/[^\s)]+)/.exec(connector.logs())?.[1];
      return url !== undefined;
    },
    15_000,
    'the admin listener',
  );
  return url as string;
};

const get = async (url: string, token?: string): Promise<{ status: number; body: string; headers: Headers }> => {
  const response = await fetch(url, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(5_000),
  });
  return { status: response.status, body: await response.text(), headers: response.headers };
};

/** One sample of a parsed exposition: the value of `name` with exactly these labels. */
const sample = (families: ReturnType<typeof parsePrometheusTextFormat>, name: string, labels: Record<string, string> = {}): number | undefined => {
  const family = families.find((f) => f.name === name);
  const metric = family?.metrics.find((m) => JSON.stringify(m.labels ?? {}) === JSON.stringify(labels));
  return metric?.value === undefined ? undefined : Number(metric.value);
};

describe('one daemon per stateDir', () => {
  it('refuses a second `run` on the same stateDir with the holder PID, while the first keeps delivering and `status` reads', async () => {
    const siem = await receiver();
    await writeConfig({ total: 100_000, batchSize: 10, pollIntervalMs: 50, port: siem.port, admin: [] });
    const first = start();
    await waitUntil(() => siem.messages.length >= 200, 15_000, 'the first daemon delivering');

    const second = await runCli(['run', '-c', configPath], { env: ENV, timeoutMs: 15_000 });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('STORE_LOCKED');
    expect(second.stderr).toContain(`PID ${String(first.child.pid)}`);
    expect(second.stderr).toContain('stateDir');

    // The first daemon did not notice: it goes on delivering, and a reader still opens the store beside it.
    const before = siem.messages.length;
    await waitUntil(() => siem.messages.length >= before + 200, 15_000, 'more deliveries after the refused start');
    const status = await readStatus(configPath);
    expect(status.destinations[0]?.delivered).toBeGreaterThan(0);
    expect(await first.stop()).toBe(0);

    // Once it is gone the next daemon starts on the same stateDir, and continues where it stopped.
    const third = start();
    const after = siem.messages.length;
    await waitUntil(() => siem.messages.length >= after + 100, 15_000, 'the next daemon delivering');
    expect(await third.stop()).toBe(0);
    expect(third.logs()).not.toContain('STORE_LOCKED');
  });

  it('lets the next daemon in after the holder was SIGKILLed (the kernel drops the lock)', async () => {
    const siem = await receiver();
    await writeConfig({ total: 100_000, batchSize: 10, pollIntervalMs: 50, port: siem.port, admin: [] });
    const first = start();
    await waitUntil(() => siem.messages.length >= 100, 15_000, 'the first daemon delivering');
    await first.kill();
    const next = start();
    const after = siem.messages.length;
    await waitUntil(() => siem.messages.length >= after + 100, 15_000, 'the daemon after the SIGKILL delivering');
    expect(await next.stop()).toBe(0);
  });
});

describe('admin listener', () => {
  it('serves /metrics in the Prometheus text format to the token only, with the delivered counts', async () => {
    const siem = await receiver();
    const total = 300;
    // A TLS destination nobody listens on: its certificate files are what the expiry metric reads.
    const ca = await createCertificateAuthority();
    const client = await issueCertificate(ca, { commonName: 'connector', notAfter: new Date(Date.now() + 10 * 86_400_000) });
    await writeFile(join(dir, 'ca.pem'), ca.cert);
    await writeFile(join(dir, 'client.pem'), client.cert);
    await writeFile(join(dir, 'client-key.pem'), client.key);
    await writeConfig({
      total,
      port: siem.port,
      extraDestinations: [
        '  vault:',
        '    protocol: tls',
        '    address: 127.0.0.1',
        `    port: ${await deadPort()}`,
        '    connectTimeout: 1s',
        `    tls: { ca: ${JSON.stringify(join(dir, 'ca.pem'))}, cert: ${JSON.stringify(join(dir, 'client.pem'))}, key: ${JSON.stringify(join(dir, 'client-key.pem'))} }`,
      ],
    });
    const connector = start();
    const url = await adminUrl(connector);
    expect(new URL(url).hostname).toBe('127.0.0.1');

    // Probes need no token; everything else does, and a refusal never repeats what was sent.
    expect((await get(`${url}/healthz`)).status).toBe(200);
    const anonymous = await get(`${url}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
    const wrong = await get(`${url}/metrics`, 'not-the-token-but-long-enough');
    expect(wrong.status).toBe(401);
    expect(wrong.body).not.toContain('not-the-token');
    expect(`${anonymous.body}${wrong.body}`).not.toContain(TOKEN);
    expect((await get(`${url}/no-such-thing`)).status).toBe(401);
    expect((await get(`${url}/no-such-thing`, TOKEN)).status).toBe(404);

    await waitUntil(() => sequenceNumbers(siem.messages).length >= total, 15_000, 'every event at the receiver');
    // The cursor moves once the confirmation window (2 s) has passed: scrape until the counter shows them all.
    let families: ReturnType<typeof parsePrometheusTextFormat> = [];
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const scrape = await get(`${url}/metrics`, TOKEN);
      expect(scrape.status).toBe(200);
      expect(scrape.headers.get('content-type')).toContain('text/plain');
      families = parsePrometheusTextFormat(scrape.body);
      if (sample(families, 'syslog_connector_events_delivered_total', { destination: 'siem' }) === total) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(sample(families, 'syslog_connector_events_delivered_total', { destination: 'siem' })).toBe(total);
    expect(sample(families, 'syslog_connector_events_delivered_total', { destination: 'vault' })).toBe(0);
    expect(sample(families, 'syslog_connector_events_fetched_total', { source: 'seq' })).toBe(total);
    expect(sample(families, 'syslog_connector_events_stored_total', { source: 'seq' })).toBe(total);
    expect(sample(families, 'syslog_connector_destination_lag_events', { destination: 'siem' })).toBe(0);
    expect(sample(families, 'syslog_connector_destination_lag_events', { destination: 'vault' })).toBe(total);
    expect(sample(families, 'syslog_connector_events_dead_lettered_total', { destination: 'siem' })).toBe(0);
    expect(sample(families, 'syslog_connector_journal_bytes')).toBeGreaterThan(0);
    expect(families.find((f) => f.name === 'syslog_connector_events_delivered_total')?.type).toBe('COUNTER');
    expect(families.find((f) => f.name === 'syslog_connector_destination_lag_seconds')?.type).toBe('GAUGE');
    const clientExpiry = sample(families, 'syslog_connector_tls_certificate_expiry_seconds', { destination: 'vault', certificate: 'client' }) ?? 0;
    expect(Math.abs(clientExpiry - 10 * 86_400)).toBeLessThan(120);
    // The CA is valid for ten years.
    expect(sample(families, 'syslog_connector_tls_certificate_expiry_seconds', { destination: 'vault', certificate: 'ca' })).toBeGreaterThan(9 * 365 * 86_400);

    expect(await connector.stop()).toBe(0);
    expect(connector.logs()).not.toContain(TOKEN);
    expect(connector.logs()).toContain('Admin listener closed.');
  });

  it('/readyz turns 503 when the only receiver has been down longer than maxFailingFor, and 200 once it is back', async () => {
    const siem = await receiver();
    await writeConfig({
      total: 1_000_000,
      batchSize: 5,
      pollIntervalMs: 100,
      port: siem.port,
      admin: ['admin:', '  listen: 127.0.0.1:0', '  token: ${SYSLOG_CONNECTOR_ADMIN_TOKEN}', '  readiness: { maxFailingFor: 1s }'],
    });
    const connector = start();
    const url = await adminUrl(connector);
    const readyz = async () => get(`${url}/readyz`);
    let last = await readyz();
    const until = async (status: number, what: string) => {
      await waitUntil(() => last.status === status, 20_000, what).catch((error: unknown) => {
        throw new Error(`${(error as Error).message}; last /readyz: ${last.status} ${last.body}`);
      });
    };
    // Poll in the background: waitUntil's predicate is synchronous.
    let polling = true;
    const poller = (async () => {
      while (polling) {
        last = await readyz();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    try {
      await waitUntil(() => siem.messages.length >= 20, 15_000, 'deliveries');
      await until(200, '/readyz 200 while delivering');
      expect(last.body).toBe('ready\n');

      await siem.stop();
      await until(503, '/readyz 503 with the receiver down');
      expect(last.body).toContain('destination siem has been unable to deliver');
      expect(last.body).toContain('maxFailingFor: 1s');
      expect((await get(`${url}/healthz`)).status).toBe(200);

      await siem.restart();
      await until(200, '/readyz 200 with the receiver back');
    } finally {
      polling = false;
      await poller;
    }
    expect(await connector.stop()).toBe(0);
  });

  it('serves HTTPS with admin.tls (paths relative to the config file), and /metrics without the token when metricsPublic', async () => {
    const siem = await receiver();
    const ca = await createCertificateAuthority();
    const server = await issueCertificate(ca, { commonName: 'localhost', altNames: ['127.0.0.1'] });
    await writeFile(join(dir, 'admin.pem'), server.cert);
    await writeFile(join(dir, 'admin-key.pem'), server.key);
    await writeConfig({
      total: 50,
      port: siem.port,
      admin: ['admin:', '  listen: 127.0.0.1:0', '  token: ${SYSLOG_CONNECTOR_ADMIN_TOKEN}', '  tls: { cert: ./admin.pem, key: ./admin-key.pem }', '  metricsPublic: true'],
    });
    const connector = start();
    const url = await adminUrl(connector);
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    await waitUntil(() => siem.messages.length > 0, 15_000, 'a delivery');
    const metrics = await new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
      const req = request(`${url}/metrics`, { ca: ca.cert, timeout: 5_000 }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode, body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(metrics.status).toBe(200);
    expect(sample(parsePrometheusTextFormat(metrics.body), 'syslog_connector_events_fetched_total', { source: 'seq' })).toBeGreaterThan(0);
    expect(await connector.stop()).toBe(0);
  });

  it('refuses a non-loopback listen without tls, naming the path and the fix', async () => {
    await writeConfig({ total: 1, port: await deadPort(), admin: ['admin:', '  listen: 0.0.0.0:9514', '  token: ${SYSLOG_CONNECTOR_ADMIN_TOKEN}'] });
    const result = await runCli(['validate', '-c', configPath], { env: ENV });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/admin\.tls: is required because listen \(0\.0\.0\.0\) is not a loopback address.*tls: \{ cert/);
    expect(result.stdout + result.stderr).not.toContain(TOKEN);
  });
});
