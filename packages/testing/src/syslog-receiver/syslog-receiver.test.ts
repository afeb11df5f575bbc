import { once } from 'node:events';
import { createSocket } from 'node:dgram';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueCertificate } from '../certificates/certificate-factory.js';
import { SyslogReceiver } from '@syslog-connector/simulators';
import { UnresponsiveListener } from './unresponsive-listener.js';

const frame = (message: string) => `${Buffer.byteLength(message)} ${message}`;
const M1 = '<13>1 2024-01-31T10:00:00.000Z host app - - - héllo';
const M2 = '<14>Jan 31 10:00:00 host CEF:0|V|P|1|s|n|5|msg=a\\=b';

const open: Array<{ stop(): Promise<void> }> = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(open.splice(0).map((o) => o.stop()));
});

const start = async (options: Parameters<typeof SyslogReceiver.start>[0]) => {
  const receiver = await SyslogReceiver.start(options);
  open.push(receiver);
  return receiver;
};

const tcpClient = async (port: number): Promise<Socket> => {
  const socket = connectTcp({ host: '127.0.0.1', port });
  sockets.push(socket);
  await once(socket, 'connect');
  return socket;
};

describe('SyslogReceiver', () => {
  it('receives UDP datagrams, one message each, parsed', async () => {
    const receiver = await start({ protocol: 'udp' });
    const client = createSocket('udp4');
    client.send(M1, receiver.port, '127.0.0.1');
    client.send(M2, receiver.port, '127.0.0.1');
    const messages = await receiver.waitFor(2, 5_000);
    client.close();
    expect(messages.map((m) => m.raw).sort()).toEqual([M1, M2].sort());
    const first = messages.find((m) => m.raw === M1);
    expect(first).toMatchObject({ connection: 0, remoteAddress: '127.0.0.1', parseError: null, tls: null });
    expect(first?.bytes).toEqual(Buffer.from(M1));
    expect(first?.parsed).toMatchObject({ format: 'rfc5424', hostname: 'host', appName: 'app', msg: 'héllo' });
    expect(receiver.address).toBe('127.0.0.1');
    expect(receiver.connections).toBe(0);
  });

  it('receives octet-counted TCP frames, several per write and one split over writes', async () => {
    const receiver = await start({ protocol: 'tcp' });
    const seen: string[] = [];
    const unsubscribe = receiver.onMessage((m) => seen.push(m.raw));
    const client = await tcpClient(receiver.port);
    const second = Buffer.from(frame(M2));
    client.write(frame(M1) + frame('x'));
    client.write(second.subarray(0, 7));
    await new Promise((resolve) => setTimeout(resolve, 20));
    client.write(second.subarray(7));
    const messages = await receiver.waitFor(3, 5_000);
    expect(messages.map((m) => m.raw)).toEqual([M1, 'x', M2]);
    expect(messages.map((m) => m.connection)).toEqual([1, 1, 1]);
    expect(messages[1]?.parseError).toBe('a syslog message starts with <PRI>, 1 to 3 digits in angle brackets');
    expect(messages[2]?.parsed?.cef?.extensions).toEqual({ msg: 'a=b' });
    expect(seen).toEqual([M1, 'x', M2]);
    unsubscribe();
    expect(receiver.connections).toBe(1);
    client.end();
    await once(client, 'close');
    await waitUntil(() => receiver.connections === 0);
    expect(receiver.errors).toEqual([]);
  });

  it('receives LF-framed TCP messages', async () => {
    const receiver = await start({ protocol: 'tcp', framing: 'lf' });
    const client = await tcpClient(receiver.port);
    client.write(`${M1}\n${M2}\n`);
    expect((await receiver.waitFor(2, 5_000)).map((m) => m.raw)).toEqual([M1, M2]);
  });

  it('records a framing error and closes that connection', async () => {
    const receiver = await start({ protocol: 'tcp' });
    const client = await tcpClient(receiver.port);
    client.write(`${M1}\n`);
    await once(client, 'close');
    expect(receiver.errors).toEqual([
      'connection 1: byte 0 of the stream is "<" where MSG-LEN (a number without leading zeros, then a space) was expected',
    ]);
  });

  it('receives over mutual TLS and reports who the client is', async () => {
    const ca = await createCertificateAuthority();
    const server = await issueCertificate(ca, { commonName: 'localhost', altNames: ['localhost', '127.0.0.1'] });
    const client = await issueCertificate(ca, { commonName: 'sensor-01' });
    const receiver = await start({ protocol: 'tls', tls: { key: server.key, cert: server.cert, ca: ca.cert, requestCert: true } });
    const socket = connectTls({ host: '127.0.0.1', port: receiver.port, servername: 'localhost', ca: ca.cert, key: client.key, cert: client.cert });
    sockets.push(socket);
    await once(socket, 'secureConnect');
    socket.write(frame(M1) + frame(M2));
    const messages = await receiver.waitFor(2, 5_000);
    expect(messages.map((m) => m.raw)).toEqual([M1, M2]);
    expect(messages[0]?.tls).toEqual({ authorized: true, commonName: 'sensor-01', protocol: 'TLSv1.3' });
    expect(receiver.connections).toBe(1);
  });

  it('refuses a TLS client without a certificate when it asks for one', async () => {
    const ca = await createCertificateAuthority();
    const server = await issueCertificate(ca, { commonName: 'localhost', altNames: ['localhost'] });
    const receiver = await start({ protocol: 'tls', tls: { key: server.key, cert: server.cert, ca: ca.cert, requestCert: true } });
    const socket = connectTls({ host: '127.0.0.1', port: receiver.port, servername: 'localhost', ca: ca.cert });
    sockets.push(socket);
    const [error] = (await once(socket, 'error')) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED');
    await waitUntil(() => receiver.errors.length > 0);
    expect(receiver.errors[0]).toMatch(/^tls handshake from 127\.0\.0\.1: .*peer did not return a certificate/);
    expect(receiver.connections).toBe(0);
  });

  it('stalls the sender while paused and delivers everything on resume', async () => {
    const receiver = await start({ protocol: 'tcp' });
    const client = await tcpClient(receiver.port);
    await waitUntil(() => receiver.connections === 1);
    receiver.pause();
    const message = `<13>1 - - - - - ${'x'.repeat(1_000)}`;
    const count = 8_000; // 8 MB: more than loopback's socket buffers hold.
    let written = 0;
    for (let i = 0; i < count; i++) if (client.write(frame(message))) written += 1;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.messages.length).toBeLessThan(count);
    expect(client.writableLength).toBeGreaterThan(0);
    receiver.resume();
    await receiver.waitFor(count, 10_000);
    expect(receiver.messages.every((m) => m.raw === message)).toBe(true);
    expect(written).toBeLessThan(count);
  });

  it('drops connections but keeps listening, and restarts on the same port keeping the messages', async () => {
    const receiver = await start({ protocol: 'tcp' });
    const port = receiver.port;
    const first = await tcpClient(port);
    first.write(frame(M1));
    await receiver.waitFor(1, 5_000);
    const closed = once(first, 'close');
    await receiver.dropConnections();
    await closed;
    expect(receiver.connections).toBe(0);

    const second = await tcpClient(port);
    second.write(frame(M2));
    await receiver.waitFor(2, 5_000);
    await receiver.restart();
    expect(receiver.port).toBe(port);
    const third = await tcpClient(port);
    third.write(frame('<13>1 - - - - - - third'));
    const messages = await receiver.waitFor(3, 5_000);
    expect(messages.map((m) => [m.connection, m.raw])).toEqual([
      [1, M1],
      [2, M2],
      [3, '<13>1 - - - - - - third'],
    ]);
    expect(receiver.acceptedConnections).toBe(3);
    expect(receiver.errors).toEqual([]);
  });

  it('says how many messages arrived when waitFor times out', async () => {
    const receiver = await start({ protocol: 'tcp' });
    const client = await tcpClient(receiver.port);
    client.write(frame('bad'));
    await expect(receiver.waitFor(2, 300)).rejects.toThrow(
      'received 1 of 2 messages within 300 ms; problems: parse: a syslog message starts with <PRI>, 1 to 3 digits in angle brackets',
    );
  });

  it('stops idempotently and refuses connections afterwards', async () => {
    const receiver = await SyslogReceiver.start({ protocol: 'tcp' });
    await tcpClient(receiver.port);
    await receiver.stop();
    await receiver.stop();
    const socket = connectTcp({ host: '127.0.0.1', port: receiver.port });
    sockets.push(socket);
    const [error] = (await once(socket, 'error')) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNREFUSED');
  });

  it('listens on IPv6 loopback', async () => {
    const receiver = await start({ protocol: 'tcp', host: '::1' });
    expect(receiver.address).toBe('::1');
    const socket = connectTcp({ host: '::1', port: receiver.port });
    sockets.push(socket);
    await once(socket, 'connect');
    socket.write(frame(M1));
    expect((await receiver.waitFor(1, 5_000))[0]?.remoteAddress).toBe('::1');
  });
});

describe('UnresponsiveListener', () => {
  it('leaves a connect hanging: the SYN is never answered', async () => {
    const listener = await UnresponsiveListener.start();
    open.push(listener);
    const socket = connectTcp({ host: listener.host, port: listener.port });
    sockets.push(socket);
    const outcome = await Promise.race([
      once(socket, 'connect').then(() => 'connected'),
      once(socket, 'error').then(() => 'error'),
      new Promise((resolve) => setTimeout(() => resolve('still connecting'), 500)),
    ]);
    expect(outcome).toBe('still connecting');
    expect(socket.pending).toBe(true);
  });
});

/** Polls a condition every 5 ms for at most 5 s. */
const waitUntil = async (condition: () => boolean): Promise<void> => {
  for (let i = 0; i < 1_000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
};
