import { createSocket, type Socket } from 'node:dgram';
import {
  defineTransport,
  services,
  TransportError,
  type CheckStep,
  type Delivery,
  type Logger,
  type Metrics,
  type PluginPlace,
  type Transport,
} from '@syslog-connector/core';
import {
  closedTransportError,
  elapsed,
  failedStep,
  resolveStep,
  resolveHost,
  shutdownError,
  target,
  type Destination,
  type ResolvedAddress,
} from '@syslog-connector/stream-transport';
import { udpOptions, type UdpOptions } from './options.js';
import { truncateUtf8 } from './truncate-utf8.js';

/** Counter of messages over `maxMessageSize` (labels: destination, action = truncated | dropped). */
export const UDP_OVERSIZE_METRIC = 'udp_oversize_messages';

/** At most this many datagrams wait in the socket's send queue: what keeps memory bounded for a large batch. */
export const UDP_SEND_WINDOW = 256;

/** What `check` says about what a UDP test proves. */
export const UDP_CHECK_LIMITS =
  'UDP has no handshake, so this check proves only that the name resolves and this machine has a route to the ' +
  'address; it cannot prove that a syslog server listens or that datagrams get through firewalls (they are dropped ' +
  "silently). While sending, a closed port is noticed when the server's host answers ICMP port unreachable. Run " +
  'send-test and look for the test event on the server.';

export interface UdpTransportDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

interface Connection {
  readonly socket: Socket;
  readonly address: ResolvedAddress;
  error: Error | undefined;
}

/**
 * Syslog over UDP (RFC 5426): one message per datagram, on a *connected* socket, so that an ICMP port-unreachable
 * from the server's host surfaces as ECONNREFUSED on a later send instead of being ignored. The host name is
 * resolved when the socket is opened, and again after any error. Delivery is best-effort: a message is
 * "confirmed" once the kernel took the datagram, which says nothing about its arrival.
 */
export class UdpTransport implements Transport {
  readonly #id: string;
  readonly #options: UdpOptions;
  readonly #destination: Destination;
  readonly #logger: Logger;
  readonly #metrics: Metrics;
  #connection: Connection | undefined;
  #sending: Promise<unknown> = Promise.resolve();
  #closed = false;

  /** `udp 10.0.0.5:514`: what the host's screens print. */
  describeTarget(): string {
    return `udp ${target(this.#destination)}`;
  }

  constructor(place: PluginPlace, options: UdpOptions, deps: UdpTransportDeps) {
    this.#id = place.id;
    this.#options = options;
    // A UDP "connect" sends nothing; 10s bounds only the name lookup.
    this.#destination = { path: place.configPath, host: options.address, port: options.port, connectTimeoutMs: 10_000 };
    this.#logger = deps.logger.child({ destination: place.id, protocol: 'udp' });
    this.#metrics = deps.metrics;
  }

  /**
   * With `oversize: truncate`, the datagram size: the formatter then shortens an event's free text to fit and keeps
   * the fields a SIEM needs, instead of this transport cutting the end of the line. With `drop`, none: a message
   * that does not fit is dropped whole, as configured.
   */
  get maxMessageBytes(): number | undefined {
    return this.#options.oversize === 'truncate' ? this.#options.maxMessageSize : undefined;
  }

  send(messages: readonly string[], signal: AbortSignal): Promise<Delivery> {
    const run = this.#sending.then(() => this.#send(messages, signal));
    this.#sending = run.catch(() => undefined);
    return run;
  }

  async *check(signal: AbortSignal): AsyncIterable<CheckStep> {
    const d = this.#destination;
    const resolved = await resolveStep(d, d.connectTimeoutMs, signal);
    yield resolved.step;
    const addresses = resolved.addresses;
    if (addresses === undefined) return;
    const started = performance.now();
    let connection: Connection;
    try {
      connection = await this.#open(addresses[0] as ResolvedAddress);
    } catch (error) {
      yield failedStep('connect', error, started, signal);
      return;
    }
    const local = connection.socket.address();
    connection.socket.close();
    yield {
      step: 'connect',
      ok: true,
      detail: `UDP socket ${local.address}:${local.port} → ${connection.address.address}:${d.port} (a route exists; no packet was sent)`,
      durationMs: elapsed(started),
    };
    yield { step: 'udp-limits', ok: true, detail: UDP_CHECK_LIMITS, durationMs: 0 };
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#sending;
    const connection = this.#connection;
    this.#connection = undefined;
    if (connection !== undefined) await new Promise<void>((resolve) => connection.socket.close(() => resolve()));
  }

  async #send(messages: readonly string[], signal: AbortSignal): Promise<Delivery> {
    const d = this.#destination;
    if (this.#closed) throw closedTransportError(d);
    if (signal.aborted) throw shutdownError(d, 0, signal.reason);
    if (messages.length === 0) return { written: 0 };
    let connection = this.#connection;
    if (connection === undefined) {
      const addresses = await resolveHost(d, d.connectTimeoutMs, signal);
      connection = await this.#open(addresses[0] as ResolvedAddress);
      this.#connection = connection;
      this.#logger.info({ address: d.host, port: d.port, ip: connection.address.address }, 'UDP socket ready.');
    }
    if (connection.error !== undefined) {
      // An ICMP error for an earlier datagram arrived since the last send (Linux reports it on the socket).
      this.#discard();
      throw udpSendError(connection.error, d, connection.address.address, 0, messages.length);
    }
    const { socket } = connection;
    const max = this.#options.maxMessageSize;
    // The first failed datagram: callbacks may complete out of order across a window, so keep the lowest.
    const failure: { index: number; error: Error | undefined } = { index: messages.length, error: undefined };
    let oversize = 0;
    let index = 0;
    const inFlight: Array<Promise<void>> = [];
    for (; index < messages.length && failure.error === undefined && !signal.aborted; index++) {
      let bytes: Buffer = Buffer.from(messages[index] as string, 'utf8');
      if (bytes.length > max) {
        oversize += 1;
        const action = this.#options.oversize === 'drop' ? 'dropped' : 'truncated';
        this.#metrics.increment(UDP_OVERSIZE_METRIC, { destination: this.#id, action });
        // A dropped message is handled on purpose and counted: nothing to send again.
        if (action === 'dropped') continue;
        bytes = truncateUtf8(bytes, max);
      }
      const position = index;
      inFlight.push(
        new Promise<void>((resolve) => {
          socket.send(bytes, (error) => {
            if (error && position < failure.index) Object.assign(failure, { index: position, error });
            resolve();
          });
        }),
      );
      if (inFlight.length >= UDP_SEND_WINDOW) await Promise.all(inFlight.splice(0));
    }
    await Promise.all(inFlight);
    if (oversize > 0) {
      this.#logger.warn(
        { count: oversize, maxMessageSize: max, action: this.#options.oversize },
        this.#options.oversize === 'drop' ? 'Messages over maxMessageSize were dropped.' : 'Messages over maxMessageSize were truncated.',
      );
    }
    if (failure.error !== undefined) {
      this.#discard();
      throw udpSendError(failure.error, d, connection.address.address, failure.index, messages.length);
    }
    if (index < messages.length) throw shutdownError(d, index, signal.reason);
    return { written: messages.length };
  }

  /** A UDP socket connected to `address`: the kernel then reports ICMP errors for it. */
  #open(address: ResolvedAddress): Promise<Connection> {
    const d = this.#destination;
    return new Promise<Connection>((resolve, reject) => {
      const socket = createSocket({ type: address.family === 6 ? 'udp6' : 'udp4' });
      const connection: Connection = { socket, address, error: undefined };
      const onError = (error: Error) => {
        socket.close();
        reject(
          new TransportError('TRANSPORT_CONNECT', `cannot open a UDP socket to ${target(d)} (${address.address}): ${error.message}`, 0, {
            path: d.path,
            hint: "check the address and this machine's network settings (routes, VPN)",
            cause: error,
          }),
        );
      };
      socket.once('error', onError);
      socket.connect(d.port, address.address, () => {
        socket.off('error', onError);
        // Later errors also arrive on send callbacks; this listener keeps them from being unhandled.
        socket.on('error', (error) => (connection.error ??= error));
        resolve(connection);
      });
    });
  }

  #discard(): void {
    const connection = this.#connection;
    this.#connection = undefined;
    connection?.socket.close();
  }
}

/** A datagram send failed: ECONNREFUSED means an ICMP port unreachable came back for an earlier datagram. */
export const udpSendError = (error: Error, d: Destination, ip: string, written: number, total: number): TransportError => {
  const code = (error as { code?: string }).code;
  const where = ip === d.host ? target(d) : `${target(d)} (${ip})`;
  const progress = `after ${written} of ${total} messages`;
  if (code === 'ECONNREFUSED') {
    return new TransportError(
      'TRANSPORT_CONNECT',
      `nothing is listening on UDP ${where}: its host answered ICMP port unreachable (noticed ${written === 0 ? 'before sending' : progress})`,
      written,
      {
        path: d.path,
        hint: `check the port, and that the syslog server is running and accepts UDP on port ${d.port}; datagrams sent before this may be lost`,
        cause: error,
      },
    );
  }
  if (code === 'EMSGSIZE') {
    return new TransportError('TRANSPORT_WRITE', `a datagram to ${where} is too large for this machine (EMSGSIZE) ${progress}`, written, {
      path: `${d.path}.maxMessageSize`,
      hint: 'lower maxMessageSize',
      cause: error,
    });
  }
  return new TransportError('TRANSPORT_WRITE', `sending to UDP ${where} failed ${progress}: ${error.message}`, written, {
    path: d.path,
    hint: "check the address and this machine's network settings (routes, firewall)",
    cause: error,
  });
};

/** The `udp` transport plugin: `protocol: udp` on a destination. */
export const udpTransport = defineTransport({
  type: 'udp',
  meta: {
    summary: 'Syslog over UDP (RFC 5426): one message per datagram, size policy, ICMP port-unreachable noticed',
    stability: 'beta',
    delivery: 'best-effort',
  },
  options: udpOptions,
  deps: { logger: services.logger, metrics: services.metrics },
  create: (context) => new UdpTransport(context, context.options, context.deps),
});
