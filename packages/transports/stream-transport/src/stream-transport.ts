import type { Socket } from 'node:net';
import { isIP } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  SyslogConnectorError,
  type CheckStep,
  type PluginPlace,
  type Clock,
  type Delivery,
  type Logger,
  type Transport,
  type TransportError,
} from '@syslog-connector/core';
import { connectSocket } from './connect-socket.js';
import { connectWithBackoff } from './connect-with-backoff.js';
import { frameChunk, type StreamFraming } from './frame-message.js';
import type { StreamConnectionOptions } from './stream-options.js';
import { ReconnectBackoff } from './reconnect-backoff.js';
import { resolveHost, type ResolvedAddress } from './resolve-host.js';
import { closedTransportError, shutdownError, streamError, target, type Destination } from './transport-errors.js';

/** The services a `StreamTransport` uses. */
export interface StreamTransportDeps {
  readonly logger: Logger;
  readonly clock: Clock;
}

/** What an upgrade (the TLS handshake) is given: the TCP connection is open to `address`. */
export interface UpgradeContext {
  readonly destination: Destination;
  readonly address: ResolvedAddress;
  /** What is left of connectTimeout. */
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

/** What makes a stream transport tcp or tls. */
export interface StreamProfile {
  /** `tcp` or `tls`, for logs. */
  readonly protocol: string;
  readonly framing: StreamFraming;
  /**
   * Turns the connected TCP socket into the one to write to (the TLS handshake); absent for plain TCP. On failure
   * it destroys the socket and rejects with a `TransportError`.
   */
  readonly upgrade?: (socket: Socket, context: UpgradeContext) => Promise<Socket>;
  /**
   * The check steps after the TCP connect (`tls-handshake`, …) for `test-connection`. It owns `socket` and
   * destroys it. Absent: the connect step is the last.
   */
  readonly checkUpgrade?: (socket: Socket, context: UpgradeContext) => AsyncIterable<CheckStep>;
  /**
   * A clearer error for a connection that broke while sending (a TLS alert after the handshake); undefined keeps
   * the generic one. Must keep `written`.
   */
  readonly streamError?: (error: unknown, written: number, total: number) => TransportError | undefined;
  /** Log fields for a new connection (TLS version, peer certificate). */
  readonly describeConnection?: (socket: Socket) => Record<string, unknown>;
}

/**
 * Frames are grouped into writes of about this many bytes (the name predates byte chunks; kept for the transports
 * that re-export it): one write callback confirms the whole group,
 * and the socket's own buffer (`writableLength`) never holds more than one group, because the next group waits
 * until the kernel has taken the previous one (its write callback).
 */
export const WRITE_CHUNK_CHARS = 64 * 1024;

interface Connection {
  readonly socket: Socket;
  /** The IP address it is connected to. */
  readonly ip: string;
  /** The peer closed, or the socket failed: never write to it again. */
  broken: boolean;
  error: Error | undefined;
}

/**
 * Syslog over one TCP connection (RFC 6587), or TLS over it (RFC 5425) when the profile has an `upgrade`, framed by octet counting (§3.4.1) or LF (§3.4.2).
 *
 * `send` connects when there is no usable connection — resolving the host name again each time, after the
 * reconnect backoff if the last attempt failed — writes the frames in order while honouring backpressure, and
 * resolves once every message is **confirmed: handed to this machine's kernel** (the socket's write callback fired
 * without error; over TLS, encrypted and handed to the kernel). That is not an acknowledgement by the server: plain TCP syslog has none. Messages confirmed just
 * before a connection breaks may still be lost in the kernels' buffers; everything not confirmed is reported
 * through `TransportError.written`, so the destination sends it again.
 */
export class StreamTransport implements Transport {
  readonly #options: StreamConnectionOptions;
  readonly #profile: StreamProfile;
  readonly #destination: Destination;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #backoff: ReconnectBackoff;
  #connection: Connection | undefined;
  /** The send in progress (never rejects): sends run one after another on the one connection. */
  #sending: Promise<unknown> = Promise.resolve();
  #closed = false;
  #closing: Promise<void> | undefined;
  /**
   * The last connection ended with a confirmed `finish`: a destination confirming its window ends a connection every
   * few thousand messages while a backlog flows, so that close and the next connect are logged at debug, not info.
   */
  #finishedCleanly = false;

  constructor(place: PluginPlace, options: StreamConnectionOptions, profile: StreamProfile, deps: StreamTransportDeps) {
    this.#options = options;
    this.#profile = profile;
    this.#destination = { path: place.configPath, host: options.address, port: options.port, connectTimeoutMs: options.connectTimeout };
    this.#logger = deps.logger.child({ destination: place.id, protocol: profile.protocol });
    this.#clock = deps.clock;
    this.#backoff = new ReconnectBackoff(options.reconnect.initialDelay, options.reconnect.maxDelay);
  }

  /** `tcp 10.0.0.5:6514`, `tls [::1]:6514`: what the host's screens print. */
  describeTarget(): string {
    return `${this.#profile.protocol} ${target(this.#destination)}`;
  }

  /** True while a connection is open and not known to be broken. */
  get connected(): boolean {
    return this.#connection !== undefined && !this.#connection.broken;
  }

  /** The socket's buffered output (characters), 0 when not connected: what backpressure keeps bounded. */
  get bufferedLength(): number {
    return this.#connection?.socket.writableLength ?? 0;
  }

  send(messages: readonly string[], signal: AbortSignal): Promise<Delivery> {
    const run = this.#sending.then(() => this.#send(messages, signal));
    this.#sending = run.catch(() => undefined);
    return run;
  }

  async *check(signal: AbortSignal): AsyncIterable<CheckStep> {
    const d = this.#destination;
    const timeout = this.#options.connectTimeout;
    const { step, addresses } = await resolveStep(d, timeout, signal);
    yield step;
    if (addresses === undefined) return;
    const started = performance.now();
    try {
      const { socket, address } = await connectSocket(d, addresses, timeout, signal);
      // A reset while the caller prints the step must not be an unhandled 'error'; the next step reports it.
      socket.on('error', () => undefined);
      const profile = this.#profile;
      yield {
        step: 'connect',
        ok: true,
        detail: `TCP connection to ${address.address}:${d.port} opened${profile.upgrade === undefined ? ` (framing: ${profile.framing})` : ''}`,
        durationMs: elapsed(started),
      };
      if (profile.checkUpgrade === undefined) {
        // A check sends nothing: closing right away is a plain FIN, which syslog servers log as a short connection.
        socket.destroy();
        return;
      }
      yield* profile.checkUpgrade(socket, { destination: d, address, timeoutMs: timeout, signal });
    } catch (error) {
      yield failedStep('connect', error, started, signal);
    }
  }

  /** Flushes what is being sent, then ends the connection with a FIN; idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  /**
   * Ends the current connection (FIN; over TLS, close_notify first) after what is being sent, and resolves true
   * once the server has answered with its own end of stream: it read everything to the end. False when there is
   * no usable connection, the connection fails, or `signal` aborts first (the socket is then destroyed). The next
   * `send` connects again.
   */
  async finish(signal: AbortSignal): Promise<boolean> {
    await this.#sending;
    const connection = this.#connection;
    if (connection === undefined || connection.broken || signal.aborted) return false;
    this.#connection = undefined;
    const confirmed = await this.#end(connection, signal, true);
    this.#finishedCleanly = confirmed;
    return confirmed;
  }

  /** end() and wait for the server's end of stream; true when it came, without error, before `signal` aborted. */
  async #end(connection: Connection, signal: AbortSignal, finishing = false): Promise<boolean> {
    const { socket } = connection;
    // From here on the server's FIN is the answer we wait for, not a connection lost.
    connection.broken = true;
    let answered = false;
    const onEnd = () => (answered = true);
    socket.on('end', onEnd);
    const { promise: done, resolve } = Promise.withResolvers<void>();
    socket.once('close', () => resolve());
    signal.addEventListener('abort', () => resolve(), { once: true });
    // end() sends our FIN after the buffered data; the server answers with its own, then 'close'.
    socket.end();
    await done;
    socket.off('end', onEnd);
    const confirmed = answered && connection.error === undefined && !signal.aborted;
    socket.destroy();
    const log = finishing && confirmed ? this.#logger.debug : this.#logger.info;
    log.call(this.#logger, { confirmed }, 'Connection to the syslog server closed.');
    return confirmed;
  }

  async #send(messages: readonly string[], signal: AbortSignal): Promise<Delivery> {
    if (this.#closed) throw closedTransportError(this.#destination);
    if (signal.aborted) throw shutdownError(this.#destination, 0, signal.reason);
    if (messages.length === 0) return { written: 0 };
    const connection = await this.#connected(signal);
    return this.#write(connection, messages, signal);
  }

  /** The open connection, or a new one after the backoff delay. */
  async #connected(signal: AbortSignal): Promise<Connection> {
    const current = this.#connection;
    if (current !== undefined && !current.broken) {
      // A server that closed the connection while we were idle has already sent its FIN; one turn of the event
      // loop lets it be read, so we do not write into a connection the server has left.
      await nextTurn();
      if (!current.broken) return current;
    }
    if (current !== undefined) this.#discard(current);
    const d = this.#destination;
    let opened;
    try {
      opened = await connectWithBackoff(
        {
          destination: d,
          backoff: this.#backoff,
          clock: this.#clock,
          logger: this.#logger,
          options: this.#options,
          failureMessage: 'Connecting to the syslog server failed.',
          open: async (tcp, timeoutMs) => {
            const upgrade = this.#profile.upgrade;
            const socket = upgrade === undefined ? tcp.socket : await upgrade(tcp.socket, { destination: d, address: tcp.address, timeoutMs, signal });
            return { socket, address: tcp.address, startedAt: tcp.startedAt };
          },
        },
        signal,
      );
    } catch (error) {
      this.#finishedCleanly = false;
      throw error;
    }
    const { socket, address, startedAt: started } = opened;
    if (this.#closed) {
      socket.destroy();
      throw closedTransportError(d);
    }
    const connection: Connection = { socket, ip: address.address, broken: false, error: undefined };
    // Syslog servers send nothing; reading (and discarding) is what lets us see their FIN while idle.
    socket.resume();
    socket.on('end', () => {
      if (!connection.broken) this.#logger.info({}, 'The syslog server closed the connection; the next send reconnects.');
      connection.broken = true;
    });
    socket.on('error', (error) => {
      connection.broken = true;
      connection.error ??= error;
    });
    socket.on('close', () => {
      connection.broken = true;
      if (this.#connection === connection) this.#connection = undefined;
    });
    this.#connection = connection;
    const log = this.#finishedCleanly ? this.#logger.debug : this.#logger.info;
    this.#finishedCleanly = false;
    log.call(
      this.#logger,
      {
        address: d.host,
        port: d.port,
        ip: address.address,
        framing: this.#profile.framing,
        connectMs: elapsed(started),
        ...this.#profile.describeConnection?.(socket),
      },
      'Connected to the syslog server.',
    );
    return connection;
  }

  /**
   * Writes the frames in order, at most one chunk ahead of the kernel, and counts the confirmed ones. Stops at
   * the first sign of trouble (error, the server's FIN, close, abort) so that little is written into a dying
   * connection.
   */
  async #write(connection: Connection, messages: readonly string[], signal: AbortSignal): Promise<Delivery> {
    const { socket } = connection;
    const framing = this.#profile.framing;
    const total = messages.length;
    let confirmed = 0;
    let writeError: Error | undefined;
    let failure: { readonly error: unknown } | undefined;
    let aborted = false;
    let wake: (() => void) | undefined;
    const rouse = () => {
      const resume = wake;
      wake = undefined;
      resume?.();
    };
    const stop = (error: unknown) => {
      failure ??= { error };
      rouse();
    };
    const onError = (error: Error) => stop(error);
    const onEnd = () => stop(undefined);
    const onClose = () => stop(connection.error);
    const onAbort = () => {
      aborted = true;
      stop(signal.reason);
    };
    const asleep = () => new Promise<void>((resolve) => (wake = resolve));
    socket.on('error', onError);
    socket.on('end', onEnd);
    socket.on('close', onClose);
    socket.on('drain', rouse);
    signal.addEventListener('abort', onAbort, { once: true });
    if (connection.broken) stop(connection.error);
    try {
      let index = 0;
      while (index < total && failure === undefined) {
        // Bytes, not a string: each message is encoded once, straight into the chunk (see frameChunk).
        const { chunk, next } = frameChunk(messages, index, framing, WRITE_CHUNK_CHARS);
        const group = next - index;
        index = next;
        // Callbacks run in write order, and after the first failed one every later one fails too: `confirmed`
        // is always a prefix of the batch.
        socket.write(chunk, (error) => {
          if (error) {
            writeError ??= error;
            stop(error);
            return;
          }
          if (writeError === undefined) confirmed += group;
          rouse();
        });
        // One chunk in the socket's buffer at a time: wait until the kernel has taken it (its callback) or the
        // stream drained. Not `write()`'s return value alone: a chunk below the socket's high-water mark (64 KiB
        // on Node 24) returns true while it still sits in the buffer.
        while (failure === undefined && socket.writableLength > 0) await asleep();
      }
      while (confirmed < total && failure === undefined) await asleep();
    } finally {
      socket.off('error', onError);
      socket.off('end', onEnd);
      socket.off('close', onClose);
      socket.off('drain', rouse);
      signal.removeEventListener('abort', onAbort);
    }
    if (failure === undefined) {
      this.#backoff.succeeded();
      return { written: total };
    }
    // Write callbacks the stream has queued already (the kernel took that data before the failure surfaced)
    // still count as confirmed; they run within this turn.
    await nextTurn();
    const written = confirmed;
    this.#discard(connection);
    if (aborted) throw shutdownError(this.#destination, written, signal.reason);
    const delay = this.#backoff.failed(this.#clock.now());
    const cause = failure.error ?? writeError ?? connection.error;
    const error = this.#profile.streamError?.(cause, written, total) ?? streamError(cause, this.#destination, written, total);
    this.#logger.debug({ error: error.message, written, total, retryInMs: delay }, 'The connection broke while sending.');
    throw error;
  }

  #discard(connection: Connection): void {
    connection.broken = true;
    connection.socket.destroy();
    if (this.#connection === connection) this.#connection = undefined;
  }

  async #shutdown(): Promise<void> {
    this.#closed = true;
    const graceMs = this.#options.connectTimeout;
    // Flush: the send in progress may finish, within the grace period.
    await withTimeout(this.#sending, graceMs);
    const connection = this.#connection;
    this.#connection = undefined;
    if (connection === undefined || connection.socket.destroyed) return;
    // Nothing is waiting on the answer here (a destination that needs it calls finish): the FIN exchange gets a
    // short wait, so a server that stopped reading does not hold up the exit for the whole connectTimeout.
    await this.#end(connection, AbortSignal.timeout(Math.min(graceMs, CLOSE_WAIT_MS)));
  }
}

/** How long close() waits for the server's FIN after sending its own. */
const CLOSE_WAIT_MS = 1_000;

export const elapsed = (since: number): number => Math.round(performance.now() - since);

/**
 * The `resolve` step of a check (`test-connection`, the console's Test Connection): the step to print, and the
 * addresses to connect to when it passed. Shared by every network transport, so they all print the same line.
 */
export const resolveStep = async (
  d: Destination,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ readonly step: CheckStep; readonly addresses?: ResolvedAddress[] }> => {
  const started = performance.now();
  let addresses: ResolvedAddress[];
  try {
    addresses = await resolveHost(d, timeoutMs, signal);
  } catch (error) {
    return { step: failedStep('resolve', error, started, signal) };
  }
  const detail =
    isIP(d.host) === 0 ? `${d.host} → ${addresses.map((a) => a.address).join(', ')}` : `${d.host} is an IP address; nothing to resolve`;
  return { step: { step: 'resolve', ok: true, detail, durationMs: elapsed(started) }, addresses };
};

export const failedStep = (step: string, error: unknown, started: number, signal: AbortSignal): CheckStep => {
  if (signal.aborted) throw signal.reason;
  const known = SyslogConnectorError.is(error);
  return {
    step,
    ok: false,
    detail: known ? error.message : error instanceof Error ? error.message : String(error),
    ...(known && error.hint !== undefined ? { hint: error.hint } : {}),
    durationMs: elapsed(started),
  };
};

const withTimeout = async (promise: Promise<unknown>, ms: number): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise.then(() => undefined, () => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
};
