import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { createPkiFolder, SyslogReceiver, UnresponsiveListener, VisionOneSimulator, type PkiFolder } from '@syslog-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

interface Step {
  readonly step: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly hint?: string;
  readonly durationMs: number;
}
interface Report {
  readonly ok: boolean;
  readonly sources: ReadonlyArray<{ source: string; type: string; checked: boolean; ok: boolean; steps: Step[] }>;
  readonly destinations: ReadonlyArray<{ destination: string; protocol: string; ok: boolean; steps: Step[] }>;
}

/** The kit's CA, server (localhost), expired server and client (sensor-01) certificates, and another CA, as files. */
let pki: PkiFolder;
let visionOne: VisionOneSimulator;
const stops: Array<() => Promise<unknown>> = [];
const ports: Record<string, number> = {};
const file = (name: string) => pki.file(name);

const listen = async (s: Server): Promise<number> => {
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  stops.push(() => new Promise((done) => s.close(done)));
  return (s.address() as AddressInfo).port;
};

const tlsReceiver = async (name: string, tls: Record<string, unknown> = {}) => {
  const receiver = await SyslogReceiver.start({ protocol: 'tls', tls: { key: pki.server.key, cert: pki.server.cert, ...tls } });
  stops.push(() => receiver.stop());
  ports[name] = receiver.port;
};

beforeAll(async () => {
  pki = await createPkiFolder();
  const { ca, server, expiredServer: expired } = pki;
  visionOne = await VisionOneSimulator.start({ seed: 3 });
  stops.push(() => visionOne.stop());

  await tlsReceiver('good', { ca: ca.cert, requestCert: true });
  await tlsReceiver('unknownCa');
  await tlsReceiver('wrongName');
  await tlsReceiver('expired', { key: expired.key, cert: expired.cert });
  await tlsReceiver('needsClientCert', { ca: ca.cert, requestCert: true });
  await tlsReceiver('oldTls', { maxVersion: 'TLSv1.2' });
  // rsyslog's default GnuTLS driver: the TLS 1.3 handshake completes, then a silent close (REAL-PEERS).
  ports.gnutlsClose = await listen(
    createTlsServer({ key: server.key, cert: server.cert, ca: ca.cert, requestCert: true, rejectUnauthorized: false }, (socket) => {
      if (socket.getPeerCertificate().subject === undefined) socket.destroy();
    }),
  );
  const closed = createTcpServer();
  ports.nothingListening = await listen(closed);
  await new Promise((done) => closed.close(done));
  stops.pop();
  const blocked = await UnresponsiveListener.start();
  stops.push(() => blocked.stop());
  ports.blocked = blocked.port;
  const udp = await SyslogReceiver.start({ protocol: 'udp' });
  stops.push(() => udp.stop());
  ports.udp = udp.port;

  const tls = (name: string, extra = '') =>
    [`  ${name}:`, '    protocol: tls', '    address: 127.0.0.1', `    port: ${ports[name]}`, '    format: cef', '    connectTimeout: 3s', `    tls: { ca: ${file('ca.pem')}${extra} }`];
  await writeFile(
    file('syslog-connector.yaml'),
    [
      'instance: sensor-01',
      'stateDir: ./data',
      'sources:',
      '  workbench:',
      '    type: vision-one-workbench',
      `    baseUrl: ${visionOne.baseUrl}`,
      `    token: ${visionOne.token}`,
      '    companyId: 68960c94-9be6-4343-a4ca-6408de7aa331',
      'destinations:',
      ...tls('good', `, cert: ${file('client.pem')}, key: ${file('client-key.pem')}`),
      ...tls('unknownCa').map((line) => line.replace(file('ca.pem'), file('other-ca.pem'))),
      ...tls('wrongName', ', serverName: siem.example.com'),
      ...tls('expired'),
      ...tls('needsClientCert'),
      ...tls('gnutlsClose'),
      ...tls('oldTls', ', minVersion: "1.3"'),
      '  nothingListening:',
      '    protocol: tcp',
      '    address: 127.0.0.1',
      `    port: ${ports.nothingListening}`,
      '    format: cef',
      '  noDns:',
      '    protocol: tcp',
      '    address: siem.invalid',
      '    format: cef',
      '    connectTimeout: 3s',
      '  blocked:',
      '    protocol: tls',
      '    address: 127.0.0.1',
      `    port: ${ports.blocked}`,
      '    format: cef',
      '    connectTimeout: 500ms',
      '  udp:',
      '    protocol: udp',
      '    address: 127.0.0.1',
      `    port: ${ports.udp}`,
      '    format: cef',
      '',
    ].join('\n'),
  );
}, 60_000);

afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  await pki.remove();
});

const cfg = () => file('syslog-connector.yaml');

describe('syslog-connector test-connection', () => {
  let report: Report;
  const failedStep = (destination: string): Step | undefined =>
    report.destinations.find((d) => d.destination === destination)?.steps.find((s) => !s.ok);

  beforeAll(async () => {
    const result = await runCli(['test-connection', '-c', cfg(), '--json'], { timeoutMs: 60_000 });
    expect(result.code).toBe(1);
    report = JSON.parse(result.stdout) as Report;
  }, 70_000);

  it('reports every step with its time, and passes a good TLS server with a client certificate', () => {
    const good = report.destinations.find((d) => d.destination === 'good');
    expect(good?.ok).toBe(true);
    expect(good?.steps.map((s) => s.step)).toEqual(['resolve', 'connect', 'tls-handshake', 'tls-session']);
    for (const step of good?.steps ?? []) expect(step.durationMs).toBeGreaterThanOrEqual(0);
    expect(report.ok).toBe(false);
  });

  it('checks every source too when no -d or -s narrows it', () => {
    expect(report.sources).toHaveLength(1);
    expect(report.sources[0]).toMatchObject({ source: 'workbench', type: 'vision-one-workbench', checked: true, ok: true });
    expect(report.sources[0]?.steps.map((s) => s.ok)).toEqual([true, true]);
  });

  it('nothing listening', () => {
    expect(failedStep('nothingListening')).toMatchObject({
      step: 'connect',
      detail: `nothing is listening on 127.0.0.1:${ports.nothingListening}`,
      hint: expect.stringContaining('check the port, and that the syslog server is running'),
    });
  });

  it('name does not resolve', () => {
    expect(failedStep('noDns')?.step).toBe('resolve');
    // RFC 6761: .invalid never resolves; a machine with no DNS server at all answers "did not answer" instead.
    expect([
      'host name siem.invalid does not resolve, so siem.invalid:601 cannot be reached',
      'host name siem.invalid could not be looked up: the DNS server did not answer',
      'looking up host name siem.invalid took longer than 3s',
    ]).toContain(failedStep('noDns')?.detail);
  });

  it('certificate not signed by the given CA', () => {
    expect(failedStep('unknownCa')).toMatchObject({
      step: 'tls-handshake',
      detail: expect.stringMatching(/issued by "CN=syslog-connector test CA", is not signed by the CA in tls.ca \(.*other-ca\.pem\)/),
      hint: expect.stringContaining('set tls.ca to the certificate of the CA that issued'),
    });
  });

  it('name mismatch', () => {
    expect(failedStep('wrongName')).toMatchObject({
      step: 'tls-handshake',
      detail: `the server's certificate at 127.0.0.1:${ports.wrongName} is for localhost, 127.0.0.1, ::1, not for siem.example.com (name mismatch)`,
    });
  });

  it('expired certificate', () => {
    expect(failedStep('expired')).toMatchObject({ step: 'tls-handshake', detail: expect.stringMatching(/"CN=localhost" .* expired on /) });
  });

  it('the server demands a client certificate', () => {
    expect(failedStep('needsClientCert')).toMatchObject({
      step: 'tls-session',
      detail: `the server at 127.0.0.1:${ports.needsClientCert} requires a client certificate and none was given (certificate_required)`,
      hint: expect.stringContaining('set tls.cert and tls.key'),
    });
  });

  it("names rsyslog's GnuTLS close right after a TLS 1.3 handshake", () => {
    expect(failedStep('gnutlsClose')).toMatchObject({
      step: 'tls-session',
      detail: expect.stringContaining("it likely requires a client certificate — rsyslog's default GnuTLS driver does exactly this when none is given"),
    });
  });

  it('TLS version refused', () => {
    expect(failedStep('oldTls')).toMatchObject({
      step: 'tls-handshake',
      detail: expect.stringContaining('refused the TLS version: this connector offers TLS 1.3'),
      hint: expect.stringContaining('set tls.minVersion to 1.2'),
    });
  });

  it('port blocked (time-out)', () => {
    expect(failedStep('blocked')).toMatchObject({
      step: 'connect',
      detail: `no answer from 127.0.0.1:${ports.blocked} within 500ms: a firewall may be dropping packets`,
    });
  });

  it('says what a UDP test cannot prove', () => {
    const udp = report.destinations.find((d) => d.destination === 'udp');
    expect(udp?.ok).toBe(true);
    expect(udp?.steps.at(-1)?.detail).toMatch(/cannot prove that a syslog server listens/);
  });

  it('exits 0 when every check of the chosen destination passes, with a readable report', async () => {
    const result = await runCli(['test-connection', '-c', cfg(), '-d', 'good'], { timeoutMs: 30_000 });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^good: tls 127\\.0\\.0\\.1:${ports.good}\\n  ok   resolve +\\d+ ms  127\\.0\\.0\\.1 is an IP address`));
    expect(result.stdout).toMatch(/\n {2}ok {3}tls-handshake +\d+ ms {2}TLSv1\.3 /);
    expect(result.stdout.endsWith('All connection checks passed.\n')).toBe(true);
  });

  it('prints the cause and the fix of a failure, and exits 1', async () => {
    const result = await runCli(['test-connection', '-c', cfg(), '-d', 'needsClientCert'], { timeoutMs: 30_000 });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('  FAIL tls-session');
    expect(result.stdout).toMatch(/\n {7}fix: +set tls.cert and tls.key/);
    expect(result.stdout.endsWith('Some connection checks failed.\n')).toBe(true);
  });
});

describe('syslog-connector test-connection on sources', () => {
  let sourceDir: string;
  let receiverPort: number;
  const config = () => join(sourceDir, 'syslog-connector.yaml');

  beforeAll(async () => {
    sourceDir = await mkdtemp(join(tmpdir(), 'sc-test-connection-sources-'));
    const udp = await SyslogReceiver.start({ protocol: 'udp' });
    stops.push(() => udp.stop());
    receiverPort = udp.port;
    const source = (id: string, token: string) => [
      `  ${id}:`,
      '    type: vision-one-workbench',
      `    baseUrl: ${visionOne.baseUrl}`,
      `    token: ${token}`,
      '    companyId: 68960c94-9be6-4343-a4ca-6408de7aa331',
    ];
    await writeFile(
      config(),
      [
        'sources:',
        ...source('rightToken', visionOne.token),
        // Long enough to be scrubbed if it were ever echoed; the simulator answers 401 as Vision One does.
        ...source('wrongToken', 'wrong-token-0123456789abcdef'),
        'destinations:',
        '  siem: { protocol: udp, address: 127.0.0.1, port: ' + String(receiverPort) + ' }',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => rm(sourceDir, { recursive: true, force: true }));

  it('fails a source whose API refuses the token: exit 1, the step, the cause and the fix', async () => {
    const result = await runCli(['test-connection', '-c', config(), '-s', 'wrongToken'], { timeoutMs: 30_000 });
    expect(result.code).toBe(1);
    // What the source says it reads (`describeTarget()`): the API base URL and company, never the key.
    expect(result.stdout).toMatch(/^wrongToken: Vision One workbench alerts at http:\/\/127\.0\.0\.1:\d+(?: \(company [0-9a-f-]+\))? \(source\)\n {2}ok {3}Resolve 127\.0\.0\.1 /);
    expect(result.stdout).toMatch(/\n {2}FAIL GET \/v3\.0\/workbench\/alerts with the API key +\d+ ms {2}.*401/);
    expect(result.stdout).toMatch(/\n {7}fix: +create a new API key in Vision One/);
    expect(result.stdout).not.toContain('wrong-token-0123456789abcdef');
    expect(result.stdout.endsWith('Some connection checks failed.\n')).toBe(true);
  });

  it('passes a source that signs in and reads a page', async () => {
    const result = await runCli(['test-connection', '-c', config(), '-s', 'rightToken'], { timeoutMs: 30_000 });
    expect(result.stdout).toMatch(/\n {2}ok {3}GET \/v3\.0\/workbench\/alerts with the API key +\d+ ms {2}HTTP 200/);
    expect(result.code).toBe(0);
    expect(result.stdout.endsWith('All connection checks passed.\n')).toBe(true);
  });

  it('never passes the whole config while one source fails, though every destination passes', async () => {
    const result = await runCli(['test-connection', '-c', config(), '--json'], { timeoutMs: 30_000 });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.ok).toBe(false);
    expect(report.sources.map((s) => [s.source, s.ok])).toEqual([
      ['rightToken', true],
      ['wrongToken', false],
    ]);
    expect(report.destinations.map((d) => [d.destination, d.ok])).toEqual([['siem', true]]);
  });

  it('names the sources there are when -s names none of them, and exits 2', async () => {
    const result = await runCli(['test-connection', '-c', config(), '-s', 'nope']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: source "nope" is not in the config; use one of rightToken, wrongToken\n');
  });
});

describe('relative paths in the config', () => {
  let configDir: string;
  let elsewhere: string;
  let receiver: SyslogReceiver;
  const config = () => join(configDir, 'syslog-connector.yaml');

  beforeAll(async () => {
    // The config and its certificate in one folder, the command started from another (systemd's WorkingDirectory=/).
    configDir = await mkdtemp(join(tmpdir(), 'sc-relative-config-'));
    elsewhere = await mkdtemp(join(tmpdir(), 'sc-relative-cwd-'));
    receiver = await SyslogReceiver.start({ protocol: 'tls', tls: { key: pki.server.key, cert: pki.server.cert } });
    await writeFile(join(configDir, 'ca.pem'), pki.ca.cert);
    await writeFile(
      config(),
      [
        'stateDir: ./state',
        'sources:',
        `  workbench: { type: vision-one-workbench, baseUrl: "${visionOne.baseUrl}", token: "${visionOne.token}", companyId: 68960c94-9be6-4343-a4ca-6408de7aa331 }`,
        'destinations:',
        '  siem:',
        '    protocol: tls',
        '    address: 127.0.0.1',
        `    port: ${receiver.port}`,
        '    tls: { ca: ./ca.pem, serverName: localhost }',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await receiver.stop();
    await rm(configDir, { recursive: true, force: true });
    await rm(elsewhere, { recursive: true, force: true });
  });

  it('reads tls.ca from the config file\'s folder, not the working directory: test-connection passes', async () => {
    const result = await runCli(['test-connection', '-c', config(), '-d', 'siem'], { cwd: elsewhere, timeoutMs: 30_000 });
    expect(result.stdout).toMatch(/\n {2}ok {3}tls-handshake /);
    expect(result.code).toBe(0);
  });

  it('and send-test delivers through it', async () => {
    const result = await runCli(['send-test', '-c', config()], { cwd: elsewhere, timeoutMs: 30_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [message] = await receiver.waitFor(1, 5_000);
    expect(message?.raw).toContain('syslog-connector-test');
  });

  it('names the resolved file when it is missing, and the rule', async () => {
    await rm(join(configDir, 'ca.pem'));
    const result = await runCli(['test-connection', '-c', config(), '-d', 'siem'], { cwd: elsewhere, timeoutMs: 30_000 });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`the CA certificate file ${join(configDir, 'ca.pem')} does not exist`);
    expect(result.stdout).toContain("a relative path is taken from the config file's folder");
    await writeFile(join(configDir, 'ca.pem'), pki.ca.cert);
  });
});
