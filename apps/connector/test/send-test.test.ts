import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateAuthority, issueCertificate, SyslogReceiver } from '@syslog-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

let dir: string;
const receivers: Record<string, SyslogReceiver> = {};
let closedPort: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sc-send-test-'));
  const ca = await createCertificateAuthority();
  const server = await issueCertificate(ca, { commonName: 'localhost', altNames: ['127.0.0.1'] });
  const client = await issueCertificate(ca, { commonName: 'sensor-01' });
  await writeFile(join(dir, 'ca.pem'), ca.cert);
  await writeFile(join(dir, 'client.pem'), client.cert);
  await writeFile(join(dir, 'client-key.pem'), client.key);
  receivers.tcp = await SyslogReceiver.start({ protocol: 'tcp', framing: 'lf' });
  receivers.tls = await SyslogReceiver.start({ protocol: 'tls', tls: { key: server.key, cert: server.cert, ca: ca.cert, requestCert: true } });
  receivers.udp = await SyslogReceiver.start({ protocol: 'udp' });
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((done) => probe.close(done));
  await writeFile(
    join(dir, 'syslog-connector.yaml'),
    [
      'instance: sensor-01',
      'stateDir: ./data',
      'sources:',
      '  workbench: { type: vision-one-workbench, region: eu, token: not-used, companyId: 68960c94-9be6-4343-a4ca-6408de7aa331 }',
      'destinations:',
      `  tcp: { protocol: tcp, address: 127.0.0.1, port: ${receivers.tcp.port}, framing: lf, format: cef }`,
      `  tls: { protocol: tls, address: 127.0.0.1, port: ${receivers.tls.port}, format: cef, tls: { ca: ./ca.pem, cert: ./client.pem, key: ./client-key.pem } }`,
      `  udp: { protocol: udp, address: 127.0.0.1, port: ${receivers.udp.port}, format: cef }`,
      `  down: { protocol: tcp, address: 127.0.0.1, port: ${closedPort}, format: cef }`,
      '',
    ].join('\n'),
  );
}, 60_000);

afterAll(async () => {
  for (const receiver of Object.values(receivers)) await receiver.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('syslog-connector send-test', () => {
  it.each(['tcp', 'tls', 'udp'])('sends one recognisable test event through the real formatter and %s transport', async (name) => {
    const result = await runCli(['send-test', '-c', 'syslog-connector.yaml', '-d', name], { cwd: dir, timeoutMs: 30_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${name}: sent to ${name} 127\\.0\\.0\\.1:\\d+ .*\\n  look for: signature id syslog-connector-test, instance sensor-01, sent at \\d{4}-`));
    const [got] = await (receivers[name] as SyslogReceiver).waitFor(1);
    const cef = got?.parsed?.cef;
    expect(cef).toMatchObject({ signatureId: 'syslog-connector-test', name: 'syslog-connector test message' });
    expect(cef?.extensions.dvchost).toBe('sensor-01');
    expect(cef?.extensions.msg).toBe('Test message from syslog-connector instance sensor-01; if you can read this, delivery works.');
    expect(cef?.extensions.rt, 'rt: the time it was sent').toBeTruthy();
    if (name === 'tls') expect(got?.tls).toMatchObject({ authorized: true, commonName: 'sensor-01' });
  });

  it('says why it could not send, and exits 1', async () => {
    const result = await runCli(['send-test', '-c', 'syslog-connector.yaml', '-d', 'down'], { cwd: dir, timeoutMs: 30_000 });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('down: not sent\n');
    expect(result.stderr).toContain(`error TRANSPORT_CONNECT: destinations.down: nothing is listening on 127.0.0.1:${closedPort}`);
  });
});
