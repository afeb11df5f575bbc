import { TransportError, type Transport } from '@syslog-connector/core';
import { afterEach, describe, expect, it } from 'vitest';
import { SyslogReceiver, type SyslogReceiverOptions } from '@syslog-connector/simulators';

/** Where a network transport under test must send: the receiver the suite started. */
export interface ConformanceTarget {
  readonly host: string;
  readonly port: number;
}

/**
 * The suite runs over any sink: a network receiver, a Unix-domain socket, a file. `T` is what the transport under
 * test is created with (`{ host, port }` by default; `{ path }` for a socket or a file), read from the sink by
 * `target`.
 */
export interface TransportConformanceOptions<T = ConformanceTarget> {
  /** Shown in the suite's title, e.g. `tcp (octet-counting)`. */
  readonly name: string;
  /** The receiver to start for each test (`protocol`, `framing`, `tls`…); host and port are chosen by the suite. */
  readonly receiver?: () => SyslogReceiverOptions | Promise<SyslogReceiverOptions>;
  /**
   * A new transport sending to `target`. Give it short reconnect delays (10–50 ms) and a connect timeout of a few
   * seconds, or the reconnect test is slow.
   */
  readonly create: (target: T) => Transport | Promise<Transport>;
  /**
   * What `create` is given, read from the started sink. Default `{ host: sink.address, port: sink.port }` (a
   * network receiver); a Unix-socket or file sink passes `(sink) => ({ path: sink.address })`.
   */
  readonly target?: (sink: ConformanceServer) => T;
  /**
   * `stream` (tcp, tls, a Unix socket): reconnect after the sink restarts, backpressure and clean close are checked.
   * `datagram` (udp): delivery, order and framing only; UDP has no connection to restore and no flow control.
   */
  readonly kind: 'stream' | 'datagram';
  /**
   * Leave out checks that cannot hold for this sink, each with the reason (shown in the test's title): a file
   * transport has no backpressure from a reader (`backpressure: 'a file takes every write'`). Default: none left out.
   */
  readonly skip?: Partial<Record<'reconnect' | 'backpressure' | 'finish', string>>;
  /**
   * The server to start instead of the kit's `SyslogReceiver`, for a transport with a protocol of its own (RELP:
   * the kit's `RelpSink`). When given, `receiver` is not used. A server whose every message is acknowledged makes
   * `send` wait for it: with `acknowledged: true` the finish test does not expect a send to a paused server to
   * resolve.
   */
  readonly server?: () => Promise<ConformanceServer>;
  /** `send` resolves only once the server acknowledged every message (RELP). Default false. */
  readonly acknowledged?: boolean;
}

/**
 * What the suite needs of the sink it sends to — start (the factory), read frames (`messages`, `waitFor`), stop
 * reading (`pause` / `resume`), restart — the face `SyslogReceiver` (network or Unix socket) and `RelpSink` share,
 * and any other sink a transport writes to can offer.
 */
export interface ConformanceServer {
  /** Host, socket path or file path: what `target` turns into the transport's target. */
  readonly address: string;
  /** 0 when the sink has no port. */
  readonly port: number;
  /** Every frame read so far, in order, exactly as written (`parseError` null when it parsed). */
  readonly messages: ReadonlyArray<{ readonly raw: string; readonly parseError: string | null }>;
  readonly errors: readonly string[];
  /** Connections accepted since start, across restarts; absent for a sink without connections (a file). */
  readonly acceptedConnections?: number;
  waitFor(count: number, timeoutMs?: number): Promise<ReadonlyArray<{ readonly raw: string; readonly parseError: string | null }>>;
  pause(): void;
  resume(): void;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const never = new AbortController().signal;

/** A message with 1-, 2-, 3- and 4-byte UTF-8 characters, and characters a framing could trip on. */
export const conformanceMessage = (i: number, pad = 0): string =>
  `<14>1 2024-01-31T10:00:00.000Z host app - - - message ${i} ünïcødé ✓ 😀 "q" [b] 10 \\ ${'x'.repeat(pad)}`;

const range = (from: number, to: number, pad = 0): string[] => Array.from({ length: to - from }, (_, k) => conformanceMessage(from + k, pad));

/**
 * The behaviour every transport plugin must show, against a sink — the test kit's `SyslogReceiver` on a port or a
 * Unix-domain socket (`receiver: () => ({ protocol: 'tcp', path })`), its `RelpSink`, or a sink of your own: delivery, order,
 * framing (the receiver's strict decoder gets back the exact bytes), and for stream transports reconnection after
 * the server restarts, backpressure (a send does not finish while the server reads nothing, memory stays bounded,
 * and everything arrives once it reads again), `finish` (true only once the server has read everything) and a
 * clean close (what was sent before `close` arrives; a send after it fails with TRANSPORT_CLOSED).
 *
 * ```ts
 * describeTransportConformance({
 *   name: 'tcp (lf)',
 *   kind: 'stream',
 *   receiver: () => ({ protocol: 'tcp', framing: 'lf' }),
 *   create: ({ host, port }) => new TcpTransport(configPlace('destinations', 'conformance', process.cwd()), tcpOptions.parse({ address: host, port, framing: 'lf' }), deps),
 * });
 * ```
 */
export const describeTransportConformance = <T = ConformanceTarget>(options: TransportConformanceOptions<T>): void => {
  const targetOf = options.target ?? ((sink: ConformanceServer) => ({ host: sink.address, port: sink.port }) as T);
  const skipped = options.skip ?? {};
  const check = (name: keyof typeof skipped) => (skipped[name] === undefined ? it : it.skip);
  const title = (name: keyof typeof skipped, text: string) => (skipped[name] === undefined ? text : `${text} (left out: ${skipped[name]})`);
  describe(`transport conformance: ${options.name}`, () => {
    const cleanups: Array<() => Promise<unknown>> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    const setUp = async () => {
      const receiver: ConformanceServer =
        options.server !== undefined
          ? await options.server()
          : options.receiver !== undefined
            ? await SyslogReceiver.start({ ...(await options.receiver()) })
            : failSetUp();
      cleanups.push(() => receiver.stop());
      const transport = await options.create(targetOf(receiver));
      cleanups.push(() => transport.close());
      return { receiver, transport };
    };

    it('delivers every message of a batch, each exactly as given (framing)', async () => {
      const { receiver, transport } = await setUp();
      // A datagram batch stays under what the receiver's socket buffer holds (~200 small datagrams on Linux):
      // the receiver runs in this process and reads only between sends, and UDP drops what does not fit.
      const count = options.kind === 'datagram' ? 100 : 300;
      const messages = range(0, count);
      await expect(transport.send(messages, never)).resolves.toEqual({ written: count });
      const got = await receiver.waitFor(count);
      expect(got.map((m) => m.raw)).toEqual(messages);
      expect(got.every((m) => m.parseError === null)).toBe(true);
      expect(receiver.errors).toEqual([]);
    });

    it('keeps the order across batches, also when sends are not awaited one by one', async () => {
      const { receiver, transport } = await setUp();
      const results = await Promise.all([transport.send(range(0, 50), never), transport.send(range(50, 51), never), transport.send(range(51, 120), never)]);
      expect(results.map((r) => r.written)).toEqual([50, 1, 69]);
      const got = await receiver.waitFor(120);
      expect(got.map((m) => m.raw)).toEqual(range(0, 120));
    });

    it('sends an empty batch without error', async () => {
      const { transport } = await setUp();
      await expect(transport.send([], never)).resolves.toEqual({ written: 0 });
    });

    if (options.kind === 'datagram') return;

    check('reconnect')(title('reconnect', 'reconnects after the server restarts, and everything not confirmed is sent again'), async () => {
      const { receiver, transport } = await setUp();
      await transport.send(range(0, 10), never);
      await receiver.waitFor(10);
      await receiver.restart();
      let next = 10;
      const end = 40;
      for (let attempt = 0; attempt < 200 && next < end; attempt++) {
        try {
          next += (await transport.send(range(next, end), never)).written;
        } catch (error) {
          // By brand, not class: the transport may have been built against another copy of core.
          expect(TransportError.is(error)).toBe(true);
          next += (error as TransportError).written;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }
      expect(next).toBe(end);
      await receiver.waitFor(end);
      // At least once: every message arrived (one confirmed just before a break may arrive twice), and in order
      // of first arrival.
      const raws = receiver.messages.map((m) => m.raw);
      const firstSeen = range(0, end).map((message) => raws.indexOf(message));
      expect(firstSeen.filter((index) => index < 0)).toEqual([]);
      expect(firstSeen).toEqual([...firstSeen].sort((a, b) => a - b));
      if (receiver.acceptedConnections !== undefined) expect(receiver.acceptedConnections).toBeGreaterThanOrEqual(2);
    });

    check('backpressure')(title('backpressure', 'honours backpressure: no send finishes while the server reads nothing, and memory stays bounded'), async () => {
      const { receiver, transport } = await setUp();
      // 24 MiB: more than loopback socket buffers hold, so writes must wait for the reader.
      const messages = range(0, 12_000, 2_000);
      receiver.pause();
      const before = memory();
      let finished = false;
      const sending = transport.send(messages, never).finally(() => (finished = true));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(finished).toBe(false);
      const grown = memory() - before;
      // An unbounded queue would copy the whole batch (24 MiB of strings, more as UTF-8 buffers).
      expect(grown).toBeLessThan(16 * 1024 * 1024);
      receiver.resume();
      await expect(sending).resolves.toEqual({ written: messages.length });
      const got = await receiver.waitFor(messages.length, 30_000);
      expect(got.length).toBe(messages.length);
      expect(got.at(-1)?.raw).toBe(messages.at(-1));
    }, 60_000);

    it('closes cleanly: what was sent arrives, close is idempotent, a send after close fails', async () => {
      const { receiver, transport } = await setUp();
      await transport.send(range(0, 500), never);
      await Promise.all([transport.close(), transport.close()]);
      await receiver.waitFor(500);
      await expect(transport.send(range(0, 1), never)).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
      expect(receiver.errors.filter((e) => /partial/i.test(e))).toEqual([]);
    });

    check('finish')(title('finish', 'finish (stream): true only once the server has read everything sent; false when it stopped reading'), async () => {
      const { receiver, transport } = await setUp();
      if (options.kind === 'datagram') {
        // Nothing to confirm over UDP: a datagram transport leaves finish out, and its window is taken at its word.
        expect(transport.finish).toBeUndefined();
        return;
      }
      // Without finish, a destination ending a drain could not tell whether a server that stopped reading has its
      // last messages, and would have to count them delivered.
      expect(typeof transport.finish).toBe('function');
      const finish = transport.finish?.bind(transport) as (signal: AbortSignal) => Promise<boolean>;
      await transport.send(range(0, 300), never);
      expect(await finish(AbortSignal.timeout(10_000))).toBe(true);
      expect(receiver.messages.map((m) => m.raw)).toEqual(range(0, 300));
      await transport.send(range(300, 301), never);
      await receiver.waitFor(301, 10_000);
      receiver.pause();
      if (options.acknowledged === true) {
        // Nothing is acknowledged while the server reads nothing: the send waits, and finish cannot confirm.
        const waiting = transport.send(range(301, 350), never).catch((error: unknown) => error);
        expect(await finish(AbortSignal.timeout(300))).toBe(false);
        expect(receiver.messages).toHaveLength(301);
        receiver.resume();
        expect(TransportError.is(await waiting)).toBe(true);
        return;
      }
      await transport.send(range(301, 350), never);
      expect(await finish(AbortSignal.timeout(300))).toBe(false);
      expect(receiver.messages).toHaveLength(301);
    }, 60_000);
  });
};

const failSetUp = (): never => {
  throw new TypeError('describeTransportConformance needs receiver (the kit\'s SyslogReceiver) or server');
};

const memory = (): number => {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};
