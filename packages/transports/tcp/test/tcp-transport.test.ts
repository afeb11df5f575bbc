import { lookup } from 'node:dns/promises';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { configPlace, systemClock, TransportError, type CheckStep } from '@syslog-connector/core';
import { SyslogReceiver, UnresponsiveListener, type SyslogReceiverOptions, RecordingLogger, rejectionOf } from '@syslog-connector/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { tcpOptions } from '../src/options.js';
import { TcpTransport, tcpTransport, WRITE_CHUNK_CHARS } from '../src/tcp-transport.js';

const never = new AbortController().signal;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const startReceiver = async (options: Partial<SyslogReceiverOptions> = {}) => {
  const receiver = await SyslogReceiver.start({ protocol: 'tcp', ...options });
  cleanups.push(() => receiver.stop());
  return receiver;
};

const transport = (input: Record<string, unknown>, logger = new RecordingLogger()) => {
  const instance = new TcpTransport(configPlace('destinations', 'siem', process.cwd()), tcpOptions.parse({ address: '127.0.0.1', ...input }), { logger, clock: systemClock });
  cleanups.push(() => instance.close());
  return instance;
};

/** A message with 1-, 2-, 3- and 4-byte UTF-8 characters. */
const message = (i: number) => `<14>1 2024-01-31T10:00:00.000Z host app - - - message ${i} ünïcødé ✓ 😀`;
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => message(from + k));

const rejection = (promise: Promise<unknown>): Promise<TransportError> => rejectionOf(promise, TransportError.is);

/** Polls a condition every 5 ms for at most 5 s. */
const waitUntil = async (condition: () => boolean): Promise<void> => {
  for (let i = 0; i < 1_000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
};

/** A plain TCP server that keeps every byte it gets, for assertions on the exact wire format. */
const startByteSink = async (): Promise<{ server: Server; port: number; bytes: () => Buffer; closed: Promise<void> }> => {
  const chunks: Buffer[] = [];
  const { promise: closed, resolve } = Promise.withResolvers<void>();
  const server = createServer((socket) => {
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => new Promise((done) => server.close(done)));
  return { server, port: (server.address() as AddressInfo).port, bytes: () => Buffer.concat(chunks), closed };
};

describe('tcp transport: delivery', () => {
  it('writes octet-counted frames with UTF-8 byte lengths, byte for byte', async () => {
    const sink = await startByteSink();
    const tcp = transport({ port: sink.port });
    expect(await tcp.send(['<13>1 - - - - - - a', 'é✓😀', '<13>1 - - - - - - b'], never)).toEqual({ written: 3 });
    await tcp.close();
    await sink.closed;
    expect(sink.bytes()).toEqual(Buffer.from('19 <13>1 - - - - - - a9 é✓😀19 <13>1 - - - - - - b', 'utf8'));
  });

  it('writes LF-framed messages byte for byte', async () => {
    const sink = await startByteSink();
    const tcp = transport({ port: sink.port, framing: 'lf' });
    expect(await tcp.send(['<13>1 - - - - - - a', 'é✓😀'], never)).toEqual({ written: 2 });
    await tcp.close();
    await sink.closed;
    expect(sink.bytes()).toEqual(Buffer.from('<13>1 - - - - - - a\né✓😀\n', 'utf8'));
  });

  it.each(['octet-counting', 'lf'] as const)('delivers 1000 messages in order with %s framing', async (framing) => {
    const receiver = await startReceiver({ framing });
    const tcp = transport({ port: receiver.port, framing });
    const messages = range(0, 1_000);
    expect(await tcp.send(messages.slice(0, 400), never)).toEqual({ written: 400 });
    expect(await tcp.send(messages.slice(400), never)).toEqual({ written: 600 });
    const received = await receiver.waitFor(1_000, 5_000);
    expect(received.map((m) => m.raw)).toEqual(messages);
    expect(received.every((m, i) => m.bytes.equals(Buffer.from(messages[i] as string, 'utf8')))).toBe(true);
    expect(received.every((m) => m.connection === 1 && m.parseError === null)).toBe(true);
    expect(received[999]?.parsed).toMatchObject({ format: 'rfc5424', hostname: 'host', msg: 'message 999 ünïcødé ✓ 😀' });
    expect(receiver.errors).toEqual([]);
  });

  it('delivers messages larger than a write chunk and tiny ones around them, split and merged by TCP', async () => {
    const receiver = await startReceiver();
    const tcp = transport({ port: receiver.port });
    const big = `<13>1 - - - - - - ${'ü'.repeat(150_000)}`;
    const messages = [big, 'x', `<13>1 - - - - - - ${'y'.repeat(WRITE_CHUNK_CHARS)}`, 'z', big];
    expect(await tcp.send(messages, never)).toEqual({ written: 5 });
    expect((await receiver.waitFor(5, 5_000)).map((m) => m.raw)).toEqual(messages);
    expect(receiver.messages[0]?.bytes.length).toBe(300_018);
  });

  it('sends nothing and does not connect for an empty batch', async () => {
    const receiver = await startReceiver();
    const tcp = transport({ port: receiver.port });
    expect(await tcp.send([], never)).toEqual({ written: 0 });
    expect(tcp.connected).toBe(false);
    expect(receiver.acceptedConnections).toBe(0);
  });

  it('talks to an IPv6 address', async () => {
    const receiver = await startReceiver({ host: '::1' });
    const tcp = transport({ address: '::1', port: receiver.port });
    expect(await tcp.send(range(0, 3), never)).toEqual({ written: 3 });
    expect((await receiver.waitFor(3, 5_000)).map((m) => m.raw)).toEqual(range(0, 3));
    await receiver.stop();
    await waitUntil(() => !tcp.connected);
    const error = await rejection(tcp.send(range(3, 4), never));
    expect(error.message).toBe(`nothing is listening on [::1]:${receiver.port}`);
  });

  it('is the plugin definition the host registers', async () => {
    expect(tcpTransport.kind).toBe('transport');
    expect(tcpTransport.type).toBe('tcp');
    expect(tcpTransport.meta.delivery).toBe('at-least-once');
    const receiver = await startReceiver();
    const created = await tcpTransport.create({
      ...configPlace('destinations', 'siem', process.cwd()),
      options: tcpOptions.parse({ address: 'localhost', port: receiver.port }),
      deps: { logger: new RecordingLogger(), clock: systemClock },
      signal: never,
    });
    cleanups.push(() => created.close());
    expect(await created.send(['<13>1 - - - - - - via definition'], never)).toEqual({ written: 1 });
    expect((await receiver.waitFor(1, 5_000))[0]?.raw).toBe('<13>1 - - - - - - via definition');
  });
});

describe('tcp transport: connection failures', () => {
  it('says nothing is listening when the connection is refused, with written = 0', async () => {
    const receiver = await startReceiver();
    await receiver.stop();
    const tcp = transport({ port: receiver.port });
    const error = await rejection(tcp.send(range(0, 5), never));
    expect(error.code).toBe('TRANSPORT_CONNECT');
    expect(error.written).toBe(0);
    expect(error.message).toBe(`nothing is listening on 127.0.0.1:${receiver.port}`);
    expect(error.hint).toBe(`check the port, and that the syslog server is running and accepts TCP on port ${receiver.port}`);
    expect(error.path).toBe('destinations.siem');
  });

  it('says a host name does not resolve', async () => {
    const tcp = transport({ address: 'siem.invalid' });
    const error = await rejection(tcp.send(range(0, 1), never));
    expect(error.code).toBe('TRANSPORT_DNS');
    expect(error.written).toBe(0);
    expect(error.path).toBe('destinations.siem.address');
    // RFC 6761 §6.4: .invalid never resolves. A machine without any DNS server answers EAI_AGAIN instead.
    expect([
      'host name siem.invalid does not resolve, so siem.invalid:601 cannot be reached',
      'host name siem.invalid could not be looked up: the DNS server did not answer',
    ]).toContain(error.message);
  });

  it('gives up connecting after connectTimeout: a server whose SYNs are dropped', async () => {
    const blackHole = await UnresponsiveListener.start();
    cleanups.push(() => blackHole.stop());
    const tcp = transport({ port: blackHole.port, connectTimeout: '300ms' });
    const started = performance.now();
    const error = await rejection(tcp.send(range(0, 1), never));
    const took = performance.now() - started;
    expect(error.code).toBe('TRANSPORT_TIMEOUT');
    expect(error.written).toBe(0);
    expect(error.message).toBe(`no answer from 127.0.0.1:${blackHole.port} within 300ms: a firewall may be dropping packets`);
    expect(error.hint).toBe(
      `check that firewalls between this machine and the server allow TCP to port ${blackHole.port}, and that the address is right`,
    );
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(2_000);
  });

  it('waits the backoff delay before reconnecting after a failure', async () => {
    const receiver = await startReceiver();
    await receiver.stop();
    const tcp = transport({ port: receiver.port, reconnect: { initialDelay: '400ms', maxDelay: '400ms' } });
    await rejection(tcp.send(range(0, 1), never));
    await receiver.restart();
    const started = performance.now();
    expect(await tcp.send(range(0, 1), never)).toEqual({ written: 1 });
    // Equal jitter: at least half of the nominal delay.
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);
  });
});

describe('tcp transport: reconnection', () => {
  it('notices a server that closed the connection while idle and reconnects for the next send', async () => {
    const receiver = await startReceiver();
    const logger = new RecordingLogger();
    const tcp = transport({ port: receiver.port }, logger);
    expect(await tcp.send(range(0, 100), never)).toEqual({ written: 100 });
    await receiver.waitFor(100, 5_000);
    await receiver.restart();
    expect(await tcp.send(range(100, 200), never)).toEqual({ written: 100 });
    const received = await receiver.waitFor(200, 5_000);
    expect(received.map((m) => m.raw)).toEqual(range(0, 200));
    expect(received.map((m) => m.connection)).toEqual([...Array<number>(100).fill(1), ...Array<number>(100).fill(2)]);
    expect(logger.records.map((r) => `${r.level} ${r.message}`)).toEqual([
      'info Connected to the syslog server.',
      'info The syslog server closed the connection; the next send reconnects.',
      'info Connected to the syslog server.',
    ]);
    expect(logger.records[0]?.fields).toMatchObject({ destination: 'siem', protocol: 'tcp', address: '127.0.0.1', port: receiver.port });
  });

  it('loses none of the unconfirmed messages when the connection breaks mid-batch', async () => {
    const receiver = await startReceiver();
    const tcp = transport({ port: receiver.port, reconnect: { initialDelay: '20ms', maxDelay: '50ms' } });
    const batch = Array.from({ length: 5_000 }, (_, i) => `<13>1 - - - - - - ${i} ${'x'.repeat(2_000)}`);
    expect(await tcp.send(batch.slice(0, 1), never)).toEqual({ written: 1 });
    await receiver.waitFor(1, 5_000);
    receiver.pause();
    const sending = tcp.send(batch.slice(1), never);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(tcp.bufferedLength).toBeGreaterThan(0);
    await receiver.dropConnections('reset');
    const error = await rejection(sending);
    const code = (error.cause as NodeJS.ErrnoException).code;
    expect(['ECONNRESET', 'EPIPE']).toContain(code);
    expect(error.code).toBe('TRANSPORT_CLOSED');
    expect(error.message).toBe(`127.0.0.1:${receiver.port} closed the connection (${code}) after ${error.written} of 4999 messages`);
    expect(error.written).toBeLessThan(4_999);
    receiver.resume();
    // What a destination does: send again everything that was not confirmed.
    const unconfirmed = batch.slice(1 + error.written);
    expect(await tcp.send(unconfirmed, never)).toEqual({ written: unconfirmed.length });
    await waitUntil(() => receiver.messages.filter((m) => m.connection === 2).length === unconfirmed.length);
    expect(receiver.messages.filter((m) => m.connection === 2).map((m) => m.raw)).toEqual(unconfirmed);
    // Confirmed messages that were still in the kernel buffers when the server reset are the documented window.
    const first = receiver.messages.filter((m) => m.connection === 1).map((m) => m.raw);
    expect(first).toEqual(batch.slice(0, first.length));
    expect(receiver.errors).toEqual([]);
  });

  it('keeps re-sending the unconfirmed rest until a server that was down comes back', async () => {
    const receiver = await startReceiver();
    await receiver.stop();
    const tcp = transport({ port: receiver.port, reconnect: { initialDelay: '20ms', maxDelay: '40ms' } });
    let pending = range(0, 50);
    const failures: string[] = [];
    for (let attempt = 0; attempt < 200 && pending.length > 0; attempt++) {
      if (attempt === 3) await receiver.restart();
      try {
        const { written } = await tcp.send(pending, never);
        pending = pending.slice(written);
      } catch (error) {
        failures.push((error as TransportError).code);
        pending = pending.slice((error as TransportError).written);
      }
    }
    expect(failures).toEqual(['TRANSPORT_CONNECT', 'TRANSPORT_CONNECT', 'TRANSPORT_CONNECT']);
    expect((await receiver.waitFor(50, 5_000)).map((m) => m.raw)).toEqual(range(0, 50));
  });
});

describe('tcp transport: backpressure, abort and close', () => {
  it('keeps its own buffer bounded while the server does not read, and finishes when it reads again', async () => {
    const receiver = await startReceiver();
    const tcp = transport({ port: receiver.port });
    const line = `<13>1 - - - - - - ${'b'.repeat(1_000)}`;
    const batch = Array.from({ length: 20_000 }, () => line); // 20 MB, far more than the kernel buffers hold
    expect(await tcp.send([line], never)).toEqual({ written: 1 });
    receiver.pause();
    let settled = false;
    const sending = tcp.send(batch, never).finally(() => (settled = true));
    let peak = 0;
    for (let i = 0; i < 100; i++) {
      peak = Math.max(peak, tcp.bufferedLength);
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    expect(settled).toBe(false);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(WRITE_CHUNK_CHARS + line.length + 6);
    receiver.resume();
    while (!settled) {
      peak = Math.max(peak, tcp.bufferedLength);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(await sending).toEqual({ written: 20_000 });
    expect(peak).toBeLessThanOrEqual(WRITE_CHUNK_CHARS + line.length + 6);
    await receiver.waitFor(20_001, 10_000);
    expect(receiver.messages.every((m) => m.raw === line)).toBe(true);
  });

  it('stops when the signal aborts, reporting what was confirmed', async () => {
    const receiver = await startReceiver();
    const tcp = transport({ port: receiver.port });
    expect(await tcp.send(range(0, 1), never)).toEqual({ written: 1 });
    receiver.pause();
    const controller = new AbortController();
    const sending = tcp.send(Array.from({ length: 10_000 }, () => `<13>1 - - - - - - ${'a'.repeat(2_000)}`), controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort(new Error('shutting down'));
    const error = await rejection(sending);
    expect(error.code).toBe('SHUTDOWN');
    expect(error.message).toBe(`sending to 127.0.0.1:${receiver.port} stopped after ${error.written} messages: the connector is shutting down`);
    expect(error.written).toBeLessThan(10_000);
    expect(tcp.connected).toBe(false);
    await rejection(tcp.send(range(0, 1), controller.signal));
  });

  it('closes gracefully and idempotently, after everything sent has arrived', async () => {
    const receiver = await startReceiver();
    const logger = new RecordingLogger();
    const tcp = transport({ port: receiver.port }, logger);
    expect(await tcp.send(range(0, 10), never)).toEqual({ written: 10 });
    const first = tcp.close();
    expect(tcp.close()).toBe(first);
    await first;
    await tcp.close();
    expect(receiver.messages.map((m) => m.raw)).toEqual(range(0, 10));
    await waitUntil(() => receiver.connections === 0);
    expect(receiver.errors).toEqual([]);
    expect(logger.records.at(-1)?.message).toBe('Connection to the syslog server closed.');
    const error = await rejection(tcp.send(range(10, 11), never));
    expect(error.code).toBe('TRANSPORT_CLOSED');
    expect(error.message).toBe(`the transport to 127.0.0.1:${receiver.port} is closed`);
  });

  it('finish: resolves true once the server has read to the end of the stream; the next send connects again', async () => {
    const receiver = await startReceiver();
    const tcp = transport({ port: receiver.port });
    expect(await tcp.send(range(0, 500), never)).toEqual({ written: 500 });
    expect(await tcp.finish(AbortSignal.timeout(5_000))).toBe(true);
    // The server read every message before it answered our FIN with its own.
    expect(receiver.messages.map((m) => m.raw)).toEqual(range(0, 500));
    expect(tcp.connected).toBe(false);
    expect(await tcp.send(range(500, 501), never)).toEqual({ written: 1 });
    await receiver.waitFor(501);
    expect(receiver.acceptedConnections).toBe(2);
  });

  it('finish: a confirmed end of stream and the next connect are logged at debug (a destination confirms every window)', async () => {
    const receiver = await startReceiver();
    const logger = new RecordingLogger();
    const tcp = transport({ port: receiver.port }, logger);
    expect(await tcp.send(range(0, 10), never)).toEqual({ written: 10 });
    expect(await tcp.finish(AbortSignal.timeout(5_000))).toBe(true);
    expect(await tcp.send(range(10, 20), never)).toEqual({ written: 10 });
    await receiver.waitFor(20);
    await receiver.restart();
    expect(await tcp.send(range(20, 30), never)).toEqual({ written: 10 });
    await receiver.waitFor(30);
    expect(logger.records.map((r) => `${r.level} ${r.message}`)).toEqual([
      'info Connected to the syslog server.',
      'debug Connection to the syslog server closed.',
      'debug Connected to the syslog server.',
      'info The syslog server closed the connection; the next send reconnects.',
      'info Connected to the syslog server.',
    ]);
    await tcp.close();
  });

  it('finish: resolves false when the server stopped reading (its FIN never comes), once the signal aborts', async () => {
    const receiver = await startReceiver();
    const tcp = transport({ port: receiver.port });
    expect(await tcp.send(range(0, 1), never)).toEqual({ written: 1 });
    await receiver.waitFor(1);
    receiver.pause();
    // Confirmed by the kernel, but still unread in the server's socket buffer.
    expect(await tcp.send(range(1, 100), never)).toEqual({ written: 99 });
    const started = performance.now();
    expect(await tcp.finish(AbortSignal.timeout(300))).toBe(false);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(tcp.connected).toBe(false);
    expect(receiver.messages).toHaveLength(1);
  });

  it('finish: resolves false without a connection, and when the server had closed it already', async () => {
    const never10 = AbortSignal.timeout(10_000);
    expect(await transport({ port: 9 }).finish(never10)).toBe(false);
    const receiver = await startReceiver();
    const tcp = transport({ port: receiver.port });
    expect(await tcp.send(range(0, 1), never)).toEqual({ written: 1 });
    await receiver.waitFor(1);
    await receiver.dropConnections('close');
    await waitUntil(() => !tcp.connected);
    expect(await tcp.finish(never10)).toBe(false);
  });

  it('close() does not wait for connectTimeout when the server stopped reading', async () => {
    const receiver = await startReceiver();
    const tcp = transport({ port: receiver.port, connectTimeout: '20s' });
    expect(await tcp.send(range(0, 1), never)).toEqual({ written: 1 });
    await receiver.waitFor(1);
    receiver.pause();
    const started = performance.now();
    await tcp.close();
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('closes at once when it never connected', async () => {
    const tcp = transport({ port: 9 });
    await tcp.close();
    expect(tcp.connected).toBe(false);
  });
});

describe('tcp transport: check', () => {
  const steps = async (iterable: AsyncIterable<CheckStep>) => {
    const all: CheckStep[] = [];
    for await (const step of iterable) all.push(step);
    return all.map(({ durationMs, ...rest }) => {
      expect(durationMs).toBeGreaterThanOrEqual(0);
      return rest;
    });
  };

  it('reports resolve and connect for a reachable server', async () => {
    const receiver = await startReceiver();
    // What this machine's resolver says about localhost (/etc/hosts may list ::1 too).
    const localhost = (await lookup('localhost', { all: true, order: 'verbatim' })).map((a) => a.address).join(', ');
    expect(await steps(transport({ address: 'localhost', port: receiver.port }).check(never))).toEqual([
      { step: 'resolve', ok: true, detail: `localhost → ${localhost}` },
      { step: 'connect', ok: true, detail: `TCP connection to 127.0.0.1:${receiver.port} opened (framing: octet-counting)` },
    ]);
    expect(await steps(transport({ port: receiver.port, framing: 'lf' }).check(never))).toEqual([
      { step: 'resolve', ok: true, detail: '127.0.0.1 is an IP address; nothing to resolve' },
      { step: 'connect', ok: true, detail: `TCP connection to 127.0.0.1:${receiver.port} opened (framing: lf)` },
    ]);
    await waitUntil(() => receiver.connections === 0);
    expect(receiver.messages).toEqual([]);
  });

  it('stops at the failing step with its cause and fix', async () => {
    const receiver = await startReceiver();
    await receiver.stop();
    expect(await steps(transport({ port: receiver.port }).check(never))).toEqual([
      { step: 'resolve', ok: true, detail: '127.0.0.1 is an IP address; nothing to resolve' },
      {
        step: 'connect',
        ok: false,
        detail: `nothing is listening on 127.0.0.1:${receiver.port}`,
        hint: `check the port, and that the syslog server is running and accepts TCP on port ${receiver.port}`,
      },
    ]);
    const dns = await steps(transport({ address: 'siem.invalid' }).check(never));
    expect(dns).toHaveLength(1);
    expect(dns[0]).toMatchObject({ step: 'resolve', ok: false });
    expect([
      "check the spelling of address, or write the server's IP address",
      "check this machine's DNS settings (/etc/resolv.conf) and that it can reach its DNS server, or write the server's IP address",
    ]).toContain(dns[0]?.hint);
  });
});
