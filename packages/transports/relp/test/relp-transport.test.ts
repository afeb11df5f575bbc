import { createServer, type AddressInfo, type Server } from 'node:net';
import { once } from 'node:events';
import { configPlace, systemClock, TransportError } from '@syslog-connector/core';
import { RecordingLogger, RelpSink } from '@syslog-connector/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { relpOptions } from '../src/options.js';
import { RelpTransport } from '../src/relp-transport.js';

const never = new AbortController().signal;
const message = (i: number) => `<134>1 2024-01-31T10:00:00.123Z sensor-01 syslog-connector - TEST${i} - message ${i} ünï ✓`;
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => message(from + k));

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sinkAndTransport = async (options: Record<string, unknown> = {}) => {
  const sink = await RelpSink.start();
  cleanups.push(() => sink.stop());
  const transport = make({ address: sink.address, port: sink.port, ...options });
  return { sink, transport };
};

const make = (options: Record<string, unknown>) => {
  const transport = new RelpTransport(
    configPlace('destinations', 'siem', process.cwd()),
    relpOptions.parse({ connectTimeout: '2s', reconnect: { initialDelay: '10ms', maxDelay: '20ms' }, ...options }),
    { logger: new RecordingLogger(), clock: systemClock },
  );
  cleanups.push(() => transport.close());
  return transport;
};

const failure = async (promise: Promise<unknown>): Promise<TransportError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TransportError);
  return error as TransportError;
};

describe('relp transport against the test-kit RELP sink', () => {
  it('opens a session (relp_version=0, commands=syslog) and sends each message as one numbered syslog transaction', async () => {
    const { sink, transport } = await sinkAndTransport();
    const messages = [...range(0, 3), 'a message with a\nline feed inside'];
    await expect(transport.send(messages, never)).resolves.toEqual({ written: 4 });
    expect(sink.frames[0]).toMatchObject({ txnr: 1, command: 'open' });
    expect(sink.frames[0]?.data.split('\n')).toEqual(expect.arrayContaining(['relp_version=0', 'commands=syslog']));
    expect(sink.frames.slice(1).map((f) => [f.txnr, f.command])).toEqual([
      [2, 'syslog'],
      [3, 'syslog'],
      [4, 'syslog'],
      [5, 'syslog'],
    ]);
    expect(sink.messages.map((m) => m.raw)).toEqual(messages);
    // The next send continues the session and its numbering.
    await transport.send(range(3, 4), never);
    expect(sink.frames.at(-1)).toMatchObject({ txnr: 6, command: 'syslog', connection: 1 });
    expect(sink.acceptedConnections).toBe(1);
  });

  it('keeps at most `window` messages unacknowledged', async () => {
    const { sink, transport } = await sinkAndTransport({ window: 3 });
    sink.ackDelayMs = 100;
    const sending = transport.send(range(0, 10), never);
    await new Promise((resolve) => setTimeout(resolve, 60));
    // open answered after 100 ms: nothing yet; then 3 in flight until the first answer.
    expect(sink.frames.filter((f) => f.command === 'syslog').length).toBeLessThanOrEqual(3);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(sink.frames.filter((f) => f.command === 'syslog')).toHaveLength(3);
    await expect(sending).resolves.toEqual({ written: 10 });
    expect(sink.messages.map((m) => m.raw)).toEqual(range(0, 10));
  });

  it('reports written = exactly the acknowledged messages when the connection drops, and the re-sent rest arrives once, in order', async () => {
    const { sink, transport } = await sinkAndTransport({ window: 8 });
    sink.dropAfterMessages = 5;
    const error = await failure(transport.send(range(0, 20), never));
    expect(error.code).toBe('TRANSPORT_CLOSED');
    expect(error.written).toBe(5);
    expect(error.path).toBe('destinations.siem');
    expect(sink.messages).toHaveLength(5);
    // The caller re-sends what was not acknowledged: a new session, nothing twice.
    await expect(transport.send(range(5, 20), never)).resolves.toEqual({ written: 15 });
    expect(sink.messages.map((m) => m.raw)).toEqual(range(0, 20));
    expect(sink.frames.filter((f) => f.command === 'open')).toHaveLength(2);
    expect(sink.acceptedConnections).toBe(2);
  });

  it('fails a message the server refuses, with the acknowledged ones as written', async () => {
    const { sink, transport } = await sinkAndTransport();
    await transport.send(range(0, 2), never);
    sink.refuse = 'messages';
    const error = await failure(transport.send(range(2, 5), never));
    expect(error).toMatchObject({ code: 'TRANSPORT_WRITE', written: 0, path: 'destinations.siem' });
    expect(error.message).toMatch(/refused message 1 of 3: RELP 500 the sink refuses messages/);
  });

  it('fails the connect when the server refuses the session, naming the fix', async () => {
    const { sink, transport } = await sinkAndTransport();
    sink.refuse = 'open';
    const error = await failure(transport.send(range(0, 1), never));
    expect(error).toMatchObject({ code: 'TRANSPORT_CONNECT', written: 0, path: 'destinations.siem' });
    expect(error.message).toMatch(/refused the RELP session: 500/);
    expect(error.hint).toMatch(/imrelp/);
  });

  it('says so when the port answers nothing to open (a plain TCP syslog listener)', async () => {
    const { sink, transport } = await sinkAndTransport({ connectTimeout: '300ms' });
    sink.refuse = 'silent';
    const error = await failure(transport.send(range(0, 1), never));
    expect(error).toMatchObject({ code: 'TRANSPORT_TIMEOUT', written: 0, path: 'destinations.siem.port' });
    expect(error.hint).toMatch(/protocol: tcp/);
  });

  it('drops a session whose server stops acknowledging for ackTimeout', async () => {
    const { sink, transport } = await sinkAndTransport({ ackTimeout: '200ms' });
    await transport.send(range(0, 1), never);
    sink.ackDelayMs = 2_000;
    const error = await failure(transport.send(range(1, 4), never));
    expect(error).toMatchObject({ code: 'TRANSPORT_TIMEOUT', written: 0, path: 'destinations.siem.ackTimeout' });
  });

  it('sees the server\'s serverclose and reports what was acknowledged', async () => {
    const { sink, transport } = await sinkAndTransport();
    await transport.send(range(0, 2), never);
    sink.ackDelayMs = 300;
    const sending = failure(transport.send(range(2, 6), never));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await sink.serverClose();
    const error = await sending;
    expect(error.code).toBe('TRANSPORT_CLOSED');
    expect(error.written).toBe(0);
    sink.ackDelayMs = 0;
    await expect(transport.send(range(2, 6), never)).resolves.toEqual({ written: 4 });
  });

  it('stops at an aborted signal with the acknowledged count (SHUTDOWN)', async () => {
    const { sink, transport } = await sinkAndTransport({ window: 2 });
    sink.ackDelayMs = 50;
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop')), 180);
    const error = await failure(transport.send(range(0, 50), controller.signal));
    expect(error.code).toBe('SHUTDOWN');
    expect(error.written).toBeGreaterThan(0);
    expect(error.written).toBeLessThan(50);
    expect(sink.messages.length).toBeGreaterThanOrEqual(error.written);
  });

  it('finish sends close and is true only on the server\'s answer; false without a session', async () => {
    const { sink, transport } = await sinkAndTransport();
    expect(await transport.finish(AbortSignal.timeout(1_000))).toBe(false);
    await transport.send(range(0, 3), never);
    expect(await transport.finish(AbortSignal.timeout(1_000))).toBe(true);
    expect(sink.frames.at(-1)).toMatchObject({ txnr: 5, command: 'close', data: '' });
  });

  it('names the destination when nothing listens', async () => {
    const server: Server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const transport = make({ address: '127.0.0.1', port });
    const error = await failure(transport.send(range(0, 1), never));
    expect(error).toMatchObject({ code: 'TRANSPORT_CONNECT', path: 'destinations.siem' });
    expect(error.message).toBe(`nothing is listening on 127.0.0.1:${port}`);
  });

  it('check: resolve, connect, relp-open, each reported', async () => {
    const { transport } = await sinkAndTransport();
    const steps = [];
    for await (const step of transport.check(AbortSignal.timeout(5_000))) steps.push(step);
    expect(steps.map((s) => [s.step, s.ok])).toEqual([
      ['resolve', true],
      ['connect', true],
      ['relp-open', true],
    ]);
    expect(steps[2]?.detail).toMatch(/syslog-connector-test-kit/);
  });

  it('check: a refused open is the failed step, with the fix', async () => {
    const { sink, transport } = await sinkAndTransport();
    sink.refuse = 'open';
    const steps = [];
    for await (const step of transport.check(AbortSignal.timeout(5_000))) steps.push(step);
    expect(steps.map((s) => [s.step, s.ok])).toEqual([
      ['resolve', true],
      ['connect', true],
      ['relp-open', false],
    ]);
    expect(steps[2]?.hint).toMatch(/imrelp/);
  });
});
