import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { copyFile } from 'node:fs/promises';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { promisify } from 'node:util';
import { configPlace, systemClock, TransportError, type CheckStep } from '@syslog-connector/core';
import { createPkiFolder, SyslogReceiver, UnresponsiveListener, type PkiFolder, type ReceiverTlsOptions, RecordingLogger, rejectionOf } from '@syslog-connector/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tlsOptions } from '../src/options.js';
import { TlsTransport, tlsTransport } from '../src/tls-transport.js';

const never = new AbortController().signal;
let pki: PkiFolder;
beforeAll(async () => {
  pki = await createPkiFolder();
}, 30_000);
afterAll(async () => pki.remove());

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const startReceiver = async (tls: Partial<ReceiverTlsOptions> = {}) => {
  const receiver = await SyslogReceiver.start({ protocol: 'tls', tls: { key: pki.server.key, cert: pki.server.cert, ...tls } });
  cleanups.push(() => receiver.stop());
  return receiver;
};

const transport = (input: Record<string, unknown>, logger = new RecordingLogger()) => {
  const { tls, ...rest } = input;
  const options = tlsOptions.parse({ address: '127.0.0.1', connectTimeout: '3s', tls: { ca: pki.file('ca.pem'), ...(tls as object) }, ...rest });
  const instance = new TlsTransport(configPlace('destinations', 'siem', process.cwd()), options, { logger, clock: systemClock });
  cleanups.push(() => instance.close());
  return instance;
};

const message = (i: number) => `<14>1 2024-01-31T10:00:00.000Z host app - - - message ${i} ünïcødé ✓ 😀`;
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => message(from + k));

const rejection = (promise: Promise<unknown>): Promise<TransportError> => rejectionOf(promise, TransportError.is);

const checkSteps = async (t: TlsTransport): Promise<CheckStep[]> => {
  const steps: CheckStep[] = [];
  for await (const step of t.check(never)) steps.push(step);
  return steps;
};
const failed = (steps: CheckStep[]) => steps.find((s) => !s.ok);

describe('tls transport: delivery', () => {
  it('delivers octet-counted messages over TLS, verifying the server against tls.ca', async () => {
    const receiver = await startReceiver();
    const t = transport({ port: receiver.port });
    await expect(t.send(range(0, 50), never)).resolves.toEqual({ written: 50 });
    const got = await receiver.waitFor(50);
    expect(got.map((m) => m.raw)).toEqual(range(0, 50));
    expect(got[0]?.tls?.protocol).toBe('TLSv1.3');
  });

  it('authenticates with a client certificate when the server requires one', async () => {
    const receiver = await startReceiver({ ca: pki.ca.cert, requestCert: true });
    const t = transport({ port: receiver.port, tls: { cert: pki.file('client.pem'), key: pki.file('client-key.pem') } });
    await t.send([message(1)], never);
    const [got] = await receiver.waitFor(1);
    expect(got?.tls).toMatchObject({ authorized: true, commonName: 'sensor-01' });
  });

  it('checks the name given in tls.serverName, and sends it as SNI', async () => {
    const receiver = await startReceiver();
    await transport({ port: receiver.port, tls: { serverName: 'localhost' } }).send([message(1)], never);
    await receiver.waitFor(1);
  });

  it('speaks TLS 1.2 when the server only does, and refuses it when minVersion is 1.3', async () => {
    const receiver = await startReceiver({ maxVersion: 'TLSv1.2' });
    await transport({ port: receiver.port }).send([message(1)], never);
    expect((await receiver.waitFor(1))[0]?.tls?.protocol).toBe('TLSv1.2');
    const error = await rejection(transport({ port: receiver.port, tls: { minVersion: '1.3' } }).send([message(2)], never));
    expect(error.code).toBe('TRANSPORT_TLS');
    expect(error.message).toMatch(/refused the TLS version: this connector offers TLS 1\.3/);
    expect(error.hint).toMatch(/set tls.minVersion to 1.2/);
  });

  it('reconnects after the server restarts and sends again what was not confirmed', async () => {
    const receiver = await startReceiver();
    const t = transport({ port: receiver.port, reconnect: { initialDelay: '10ms', maxDelay: '50ms' } });
    await t.send(range(0, 5), never);
    await receiver.waitFor(5);
    await receiver.restart();
    let sent = 5;
    for (let attempt = 0; attempt < 50 && sent < 10; attempt++) {
      try {
        sent += (await t.send(range(sent, 10), never)).written;
      } catch (error) {
        sent += (error as TransportError).written;
      }
    }
    const got = await receiver.waitFor(10);
    expect(new Set(got.map((m) => m.raw))).toEqual(new Set(range(0, 10)));
    expect(receiver.acceptedConnections).toBeGreaterThanOrEqual(2);
  });

  it('reads the certificate files again on the next connect, without a restart', async () => {
    const receiver = await startReceiver();
    const caFile = pki.file('rotating-ca.pem');
    await copyFile(pki.file('other-ca.pem'), caFile);
    const logger = new RecordingLogger();
    const t = transport({ port: receiver.port, reconnect: { initialDelay: '10ms', maxDelay: '10ms' }, tls: { ca: caFile } }, logger);
    expect((await rejection(t.send([message(1)], never))).message).toMatch(/is not signed by the CA in tls.ca/);
    await copyFile(pki.file('ca.pem'), caFile);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(t.send([message(1)], never)).resolves.toEqual({ written: 1 });
    await receiver.waitFor(1);
    expect(logger.records.map((r) => r.message)).toContain('TLS certificate files changed; the new ones are used from this connection on.');
  });

  it('turns verification off only when told to, and says so loudly', async () => {
    const receiver = await SyslogReceiver.start({ protocol: 'tls', tls: { key: pki.otherCaServer.key, cert: pki.otherCaServer.cert } });
    cleanups.push(() => receiver.stop());
    const logger = new RecordingLogger();
    const t = transport({ port: receiver.port, tls: { insecureSkipVerify: true } }, logger);
    await t.send([message(1)], never);
    await receiver.waitFor(1);
    const warnings = logger.records.filter((r) => r.level === 'warn').map((r) => r.message);
    expect(warnings).toContain('TLS server verification is OFF: any server, or anyone in between, can receive these events. Use tls.ca instead.');
    expect(warnings).toContain('TLS server verification is OFF (tls.insecureSkipVerify): this connection was not checked.');
  });

  it('is the `tls` plugin with port 6514 and TLS 1.2 minimum by default', () => {
    expect(tlsTransport.type).toBe('tls');
    expect(tlsOptions.parse({ address: 'siem.example.com' })).toMatchObject({ port: 6514, tls: { minVersion: '1.2', insecureSkipVerify: false } });
  });

  it('rejects a cert without a key, and a minVersion below 1.2', () => {
    const issues = (tls: unknown) => tlsOptions.safeParse({ address: 'x', tls }).error?.issues.map((i) => [i.path.join('.'), i.message]);
    expect(issues({ cert: 'c.pem' })).toEqual([['tls.key', 'cert and key go together: set both for client authentication, or neither']]);
    expect(issues({ minVersion: '1.1' })?.[0]?.[0]).toBe('tls.minVersion');
  });
});

describe('tls transport: what goes wrong, and what it says', () => {
  it('server certificate not signed by the given CA', async () => {
    const receiver = await startReceiver();
    const t = transport({ port: receiver.port, tls: { ca: pki.file('other-ca.pem') } });
    const error = await rejection(t.send([message(1)], never));
    expect(error.code).toBe('TRANSPORT_TLS');
    expect(error.message).toBe(
      `the server's certificate "CN=localhost" at 127.0.0.1:${receiver.port}, issued by "CN=syslog-connector test CA", is not signed by the CA in tls.ca (${pki.file('other-ca.pem')}) (UNABLE_TO_VERIFY_LEAF_SIGNATURE)`,
    );
    expect(error.path).toBe('destinations.siem.tls.ca');
    expect(receiver.messages).toHaveLength(0);
    const steps = await checkSteps(t);
    expect(steps.map((s) => [s.step, s.ok])).toEqual([['resolve', true], ['connect', true], ['tls-handshake', false]]);
    expect(failed(steps)?.hint).toMatch(/set tls.ca to the certificate of the CA that issued the server's certificate/);
  });

  it('name mismatch', async () => {
    const receiver = await startReceiver();
    const error = await rejection(transport({ port: receiver.port, tls: { serverName: 'siem.example.com' } }).send([message(1)], never));
    expect(error.message).toBe(
      `the server's certificate at 127.0.0.1:${receiver.port} is for localhost, 127.0.0.1, ::1, not for siem.example.com (name mismatch)`,
    );
    expect(error.path).toBe('destinations.siem.tls.serverName');
    expect(error.hint).toMatch(/set tls.serverName to a name the certificate lists/);
  });

  it('expired certificate', async () => {
    const receiver = await startReceiver({ key: pki.expiredServer.key, cert: pki.expiredServer.cert });
    const steps = await checkSteps(transport({ port: receiver.port }));
    expect(failed(steps)?.step).toBe('tls-handshake');
    expect(failed(steps)?.detail).toMatch(new RegExp(`^the server's certificate "CN=localhost" at 127.0.0.1:${receiver.port} expired on .+ GMT$`));
    expect(failed(steps)?.hint).toMatch(/renew its certificate/);
  });

  it('the server demands a client certificate (TLS 1.3: refused after the handshake)', async () => {
    const receiver = await startReceiver({ ca: pki.ca.cert, requestCert: true });
    const t = transport({ port: receiver.port });
    const steps = await checkSteps(t);
    expect(steps.map((s) => [s.step, s.ok])).toEqual([['resolve', true], ['connect', true], ['tls-handshake', true], ['tls-session', false]]);
    expect(failed(steps)?.detail).toBe(`the server at 127.0.0.1:${receiver.port} requires a client certificate and none was given (certificate_required)`);
    expect(failed(steps)?.hint).toMatch(/set tls.cert and tls.key/);
    const error = await rejection(t.send(range(0, 3), never));
    expect(error.code).toBe('TRANSPORT_TLS');
    expect(error.message).toMatch(/requires a client certificate and none was given/);
  });

  it('the server demands a client certificate (TLS 1.2: refused in the handshake)', async () => {
    const receiver = await startReceiver({ ca: pki.ca.cert, requestCert: true, maxVersion: 'TLSv1.2' });
    const steps = await checkSteps(transport({ port: receiver.port }));
    expect(failed(steps)?.step).toBe('tls-handshake');
    expect(failed(steps)?.detail).toBe(
      `the server at 127.0.0.1:${receiver.port} ended the TLS handshake (handshake_failure): it likely requires a client certificate, and none is configured`,
    );
    expect(failed(steps)?.hint).toMatch(/set tls.cert and tls.key/);
  });

  it('the server does not trust the client certificate', async () => {
    const receiver = await startReceiver({ ca: pki.ca.cert, requestCert: true });
    const steps = await checkSteps(transport({ port: receiver.port, tls: { cert: pki.file('other-client.pem'), key: pki.file('other-client-key.pem') } }));
    // Node's server (like rsyslog's GnuTLS driver) just closes after a TLS 1.3 handshake; no alert names the cause.
    expect(failed(steps)).toMatchObject({
      step: 'tls-session',
      detail: `the server at 127.0.0.1:${receiver.port} closed the connection right after the TLS handshake, without saying why: it likely does not accept this connector's client certificate`,
    });
    expect(failed(steps)?.hint).toMatch(/the server must trust the CA that issued tls.cert/);
  });

  it('names rsyslog\'s silent close after a TLS 1.3 handshake (GnuTLS driver, no client certificate)', async () => {
    // What rsyslog's default gtls driver does when it requires a client certificate and gets none (REAL-PEERS):
    // the handshake finishes, then the server closes without an alert.
    const server = createTlsServer({ key: pki.server.key, cert: pki.server.cert, ca: pki.ca.cert, requestCert: true, rejectUnauthorized: false }, (socket) => {
      if (socket.getPeerCertificate().subject === undefined) socket.destroy();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanups.push(() => new Promise((done) => server.close(done)));
    const steps = await checkSteps(transport({ port: (server.address() as AddressInfo).port }));
    expect(failed(steps)?.step).toBe('tls-session');
    expect(failed(steps)?.detail).toMatch(
      /closed the connection right after the TLS handshake.*without saying why: it likely requires a client certificate — rsyslog's default GnuTLS driver does exactly this when none is given/,
    );
  });

  it('TLS version refused', async () => {
    const receiver = await startReceiver({ maxVersion: 'TLSv1.2' });
    const steps = await checkSteps(transport({ port: receiver.port, tls: { minVersion: '1.3' } }));
    expect(failed(steps)).toMatchObject({ step: 'tls-handshake', detail: expect.stringMatching(/refused the TLS version/) });
  });

  it('a plain TCP port', async () => {
    const sockets = new Set<Socket>();
    const server = createTcpServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.end('this is not TLS\n');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanups.push(() => new Promise((done) => server.close(done)));
    cleanups.push(async () => sockets.forEach((s) => s.destroy()));
    const steps = await checkSteps(transport({ port: (server.address() as AddressInfo).port }));
    expect(failed(steps)?.detail).toMatch(/answered, but not with TLS .*this looks like a plain TCP port/);
  });

  it('nothing listening', async () => {
    const receiver = await startReceiver();
    const port = receiver.port;
    await receiver.stop();
    const steps = await checkSteps(transport({ port }));
    expect(failed(steps)).toMatchObject({ step: 'connect', detail: `nothing is listening on 127.0.0.1:${port}` });
  });

  it('port blocked (no answer: time-out)', async () => {
    const listener = await UnresponsiveListener.start();
    cleanups.push(() => listener.stop());
    const steps = await checkSteps(transport({ port: listener.port, connectTimeout: '300ms' }));
    expect(failed(steps)).toMatchObject({
      step: 'connect',
      detail: `no answer from 127.0.0.1:${listener.port} within 300ms: a firewall may be dropping packets`,
    });
  });

  it('a missing certificate file, and a wrong key passphrase', async () => {
    const receiver = await startReceiver();
    const missing = await rejection(transport({ port: receiver.port, tls: { ca: pki.file('nope.pem') } }).send([message(1)], never));
    expect(missing.message).toBe(`the CA certificate file ${pki.file('nope.pem')} does not exist`);
    expect(missing.path).toBe('destinations.siem.tls.ca');
    const encrypted = pki.file('encrypted-key.pem');
    await promisify(execFile)('openssl', ['pkey', '-in', pki.file('client-key.pem'), '-aes256', '-passout', 'pass:right', '-out', encrypted]);
    const wrong = await rejection(
      transport({ port: receiver.port, tls: { cert: pki.file('client.pem'), key: encrypted, passphrase: 'wrong' } }).send([message(1)], never),
    );
    expect(wrong.message).toMatch(/could not be decrypted: the passphrase is wrong/);
    await transport({ port: receiver.port, tls: { cert: pki.file('client.pem'), key: encrypted, passphrase: 'right' } }).send([message(1)], never);
  });

  it('all steps pass against a good server', async () => {
    const receiver = await startReceiver({ ca: pki.ca.cert, requestCert: true });
    const steps = await checkSteps(transport({ port: receiver.port, tls: { cert: pki.file('client.pem'), key: pki.file('client-key.pem') } }));
    expect(steps.map((s) => [s.step, s.ok])).toEqual([['resolve', true], ['connect', true], ['tls-handshake', true], ['tls-session', true]]);
    expect(steps[2]?.detail).toMatch(/^TLSv1\.3 TLS_\w+; server certificate "CN=localhost" issued by "CN=syslog-connector test CA", valid until .*; signed by the CA in tls.ca, name 127.0.0.1 matches; client certificate offered$/);
  });
});
