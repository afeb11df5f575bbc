import { readdir, readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import { SyslogReceiver, VisionOneSimulator } from '@syslog-connector/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateDocument } from '../src/config/load-connector-config.js';
import { createLogger } from '../src/logger.js';
import { type ConnectorProcess, startConnector } from './connector-process.js';
import { runCli } from './run-cli.js';

// Issue #16: a server that echoes part of the API key back must not get it into the log, the store or `status`.
const TOKEN = 'tmv1-Ab3dEf9hIj2kLm5nOp8qRs1tUv4wXy7z-0123456789abcdef';
const ADMIN_TOKEN = 'admin-Zq8Wx2Ev5Rt7Yu1Io4Pa6Sd9Fg3Hj0Kl';
const WINDOW = 8;
const COMPANY_ID = '68960c94-9be6-4343-a4ca-6408de7aa331';

/** Every run of eight characters of `secret` that `text` contains (none, when redaction holds). */
const leakedWindows = (text: string, secret: string): string[] => {
  const found = new Set<string>();
  for (let i = 0; i + WINDOW <= secret.length; i++) if (text.includes(secret.slice(i, i + WINDOW))) found.add(secret.slice(i, i + WINDOW));
  return [...found];
};

/** A Vision One stand-in that fails the way a real gateway may: quoting the key it refused, in part. */
type FailureMode = 'echo-401' | 'echo-503';
const startEchoingApi = async (): Promise<{ server: Server; baseUrl: string; setMode(mode: FailureMode): void; requests(): number }> => {
  let mode: FailureMode = 'echo-503';
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    req.resume();
    if (mode === 'echo-401') {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'InvalidToken', message: `The token ${TOKEN.slice(0, 12)}... is not valid` } }));
    } else {
      // Retry-After: 0 lets the client spend its retries at once.
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '0' });
      res.end(JSON.stringify({ error: { code: 'ServiceUnavailable', message: `upstream refused credential fragment ${TOKEN.slice(15, 37)}` } }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, baseUrl: `http://127.0.0.1:${port}`, setMode: (m) => (mode = m), requests: () => requests };
};

const waitUntil = async (what: string, check: () => boolean, logs: () => string, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the log:\n${logs()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const config = (baseUrl: string, stateDir: string, destinationPort: number, extra: readonly string[] = []): string =>
  [
    'instance: redaction-test',
    `stateDir: ${stateDir}`,
    'sources:',
    '  workbench:',
    '    type: vision-one-workbench',
    `    baseUrl: ${baseUrl}`,
    '    token: ${V1_TOKEN}',
    `    companyId: ${COMPANY_ID}`,
    '    since: 24h',
    '    pollInterval: 1s',
    'destinations:',
    '  siem:',
    '    protocol: tcp',
    '    address: 127.0.0.1',
    `    port: ${destinationPort}`,
    '    format: cef',
    ...extra,
    '',
  ].join('\n');

describe('the host logger and config loader (in process)', () => {
  it('masks msg, nested fields, err.message and child bindings; a reload registers its new token beside the old one', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger('info', sink);
    const before = 'old-key-Pq7Rs2Tu9Vw4Xy6Za1';
    const after = 'new-key-Lm3No8Pq5Rs0Tu2Vw7';
    const document = (token: string) => ({
      sources: { workbench: { type: 'vision-one-workbench', region: 'eu', token, companyId: COMPANY_ID } },
      destinations: { siem: { protocol: 'tcp', address: '127.0.0.1', port: 601, format: 'cef' } },
    });
    // Literal tokens, no environment: registered because the plugin marks `token` secret.
    expect((await validateDocument(document(before), tmpdir(), {})).ok).toBe(true);
    expect((await validateDocument(document(after), tmpdir(), {})).ok).toBe(true);

    logger.child({ peer: `conn-${before.slice(2, 14)}` }).error(
      { err: new Error(`HTTP 401: ${after.slice(0, 12)}`), nested: { deeper: [{ why: `echo ${before.slice(8)}` }] }, count: 3 },
      `refused ${after}`,
    );
    const line = JSON.parse(lines.join('')) as Record<string, unknown>;
    expect(line).toMatchObject({
      peer: 'conn-[redacted]',
      err: { message: 'HTTP 401: [redacted]' },
      nested: { deeper: [{ why: 'echo [redacted]' }] },
      count: 3,
      msg: 'refused [redacted]',
    });
    for (const token of [before, after]) expect(leakedWindows(lines.join(''), token)).toEqual([]);
  });
});

describe('redaction that holds: a token echoed back in part', () => {
  let dir: string;
  let receiver: SyslogReceiver;
  const stoppers: (() => Promise<unknown>)[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sc-redaction-'));
    receiver = await SyslogReceiver.start({ protocol: 'tcp', framing: 'octet-counting' });
  });

  afterEach(async () => {
    // Every process and server this test started, by handle, newest first.
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
    stoppers.length = 0;
    await receiver.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the echoed prefix and middle part out of the log, the stored counters and status (text and --json)', async () => {
    const api = await startEchoingApi();
    stoppers.push(() => new Promise((resolve) => api.server.close(resolve)));
    const configPath = join(dir, 'echo.yaml');
    await writeFile(configPath, config(api.baseUrl, './echo-state', receiver.port));
    const env = { V1_TOKEN: TOKEN };

    const connector: ConnectorProcess = startConnector(configPath, [], env);
    stoppers.push(() => connector.stop());
    // A 503 quoting a middle part, retried at once (each retry logged with its reason), then the poll fails with it.
    await waitUntil('the 503 poll failure to be logged', () => /failed \d+ time\(s\), last with HTTP 503/.test(connector.logs()), connector.logs);
    // Then a 401 quoting the first 12 characters (after which the source waits a minute): the last error saved.
    api.setMode('echo-401');
    await waitUntil('the 401 to be logged', () => connector.logs().includes('rejected the API key'), connector.logs);
    // The counters are saved every second (and on stop).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await connector.stop()).toBe(0);

    const logs = connector.logs();
    expect(api.requests()).toBeGreaterThan(2);
    expect(logs).toContain('Vision One request failed; retrying.');
    expect(logs).toContain('upstream refused credential fragment [redacted]');
    expect(logs).toContain('The token [redacted]... is not valid');
    expect(leakedWindows(logs, TOKEN)).toEqual([]);

    // The store as bytes: the database, anything SQLite keeps beside it and the log engine's segments (journal/).
    const stateDir = join(dir, 'echo-state');
    const entries = await readdir(stateDir, { recursive: true, withFileTypes: true });
    const files = entries.filter((entry) => entry.isFile()).map((entry) => relative(stateDir, join(entry.parentPath, entry.name)));
    expect(files.some((f) => f.endsWith('.db'))).toBe(true);
    for (const file of files) {
      const bytes = (await readFile(join(stateDir, file))).toString('latin1');
      expect(leakedWindows(bytes, TOKEN), file).toEqual([]);
    }

    const text = await runCli(['status', '-c', configPath], { env });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/workbench: .*last error: .*HTTP 401 InvalidToken: The token \[redacted\]\.\.\. is not valid/);
    const json = await runCli(['status', '-c', configPath, '--json'], { env });
    expect(json.code).toBe(0);
    const status = JSON.parse(json.stdout) as { sources: { source: string; lastError?: string }[] };
    expect(status.sources.find((s) => s.source === 'workbench')?.lastError).toContain('The token [redacted]... is not valid');
    for (const output of [text, json]) expect(leakedWindows(`${output.stdout}${output.stderr}`, TOKEN)).toEqual([]);

    // test-connection prints what the server answered: the same 401, masked the same way.
    for (const args of [[], ['--json']]) {
      const check = await runCli(['test-connection', '-c', configPath, '-s', 'workbench', ...args], { env });
      expect(check.code).toBe(1);
      expect(check.stdout).toContain('The token [redacted]... is not valid');
      expect(leakedWindows(`${check.stdout}${check.stderr}`, TOKEN)).toEqual([]);
    }
  }, 60_000);

  it('forwards an event whose payload holds the token exactly as received: redaction never touches events', async () => {
    const simulator = await VisionOneSimulator.start({ token: TOKEN, hostileRatio: 0, seed: 16 });
    stoppers.push(() => simulator.stop());
    const now = Date.now();
    const [alert] = simulator.addWorkbenchAlerts(1, { from: now - 120_000, to: now - 60_000 });
    if (alert === undefined) throw new Error('the simulator made no alert');
    // The simulator serves its items as they are at request time: this alert's description quotes the token.
    (alert as { description?: string }).description = `credential found on host: ${TOKEN}`;
    const configPath = join(dir, 'event.yaml');
    await writeFile(configPath, config(simulator.baseUrl, './event-state', receiver.port));

    const connector = startConnector(configPath, [], { V1_TOKEN: TOKEN });
    stoppers.push(() => connector.stop());
    const [message] = await receiver.waitFor(1, 20_000);
    expect(await connector.stop()).toBe(0);

    expect(message?.parsed?.cef?.extensions.externalId).toBe(alert.id);
    expect(message?.parsed?.cef?.extensions.msg).toBe(`credential found on host: ${TOKEN}`);
    expect(message?.raw).toContain(TOKEN);
    expect(leakedWindows(connector.logs(), TOKEN)).toEqual([]);
  }, 40_000);

  it('validate never echoes a secret, or part of one, written in a key that is not secret', async () => {
    // The token written literally (a key its plugin marks secret), and its first 12 characters as a journal size.
    const literal = join(dir, 'literal.yaml');
    await writeFile(
      literal,
      config('https://api.eu.xdr.trendmicro.com', './state', 6514, ['journal:', `  maxSize: "${TOKEN.slice(0, 12)}"`]).replace('${V1_TOKEN}', TOKEN),
    );
    const sizes = await runCli(['validate', '-c', literal]);
    expect(sizes.code).toBe(1);
    expect(sizes.stderr).toContain('journal.maxSize: ');
    expect(sizes.stderr).toContain('[redacted]');
    expect(leakedWindows(`${sizes.stdout}${sizes.stderr}`, TOKEN)).toEqual([]);

    // The admin token, and a plugin path that quotes part of it: the error about the plugin must not repeat it.
    const admin = join(dir, 'admin.yaml');
    await writeFile(
      admin,
      config('https://api.eu.xdr.trendmicro.com', './state', 6514, [
        'admin:',
        `  token: ${ADMIN_TOKEN}`,
        'plugins:',
        `  - ./plugins/${ADMIN_TOKEN.slice(6, 20)}.mjs`,
      ]),
    );
    const plugin = await runCli(['validate', '-c', admin], { env: { V1_TOKEN: TOKEN } });
    expect(plugin.code).toBe(1);
    expect(plugin.stderr).toContain('plugins');
    expect(leakedWindows(`${plugin.stdout}${plugin.stderr}`, ADMIN_TOKEN)).toEqual([]);
    expect(leakedWindows(`${plugin.stdout}${plugin.stderr}`, TOKEN)).toEqual([]);
  }, 30_000);
});
