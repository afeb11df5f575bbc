import { connect, type Socket } from 'node:net';
import { type CheckStep, defineTransport, type Delivery, type Logger, services, type Transport, TransportError, z } from '@syslog-connector/core';

/** Frames are written in groups of about this many bytes; the next group waits until the kernel took the last. */
const WRITE_GROUP_BYTES = 64 * 1024;

export const unixSocketOptions = z.strictObject({
  path: z.string().min(1).describe('The Unix-domain stream socket to write to (rsyslog: `input(type="imptcp" path="…")`); relative to the config file.'),
  connectTimeout: z.number().int().positive().default(5_000).describe('Milliseconds to wait for the socket to accept a connection.'),
});

interface Connection {
  readonly socket: Socket;
  /** The peer closed, or the socket failed: never write to it again. */
  broken: boolean;
  /** True once the peer ended its side (after our end: it read everything); false if the socket closed without. */
  readonly peerEnded: Promise<boolean>;
}

/**
 * Syslog over a Unix-domain stream socket, one message per line (RFC 6587 §3.4.2 non-transparent framing, as
 * rsyslog's imptcp reads it). A message is confirmed once handed to the kernel (the write callback); `finish` ends
 * the connection and is true only when the server answers with its own end of stream, so it read everything.
 * An example of an out-of-tree transport: it depends on `@syslog-connector/core` alone.
 */
export class UnixSocketTransport implements Transport {
  readonly #path: string;
  readonly #timeoutMs: number;
  readonly #logger: Logger;
  #connection: Connection | undefined;
  /** Sends run one after another, in the order they were called. */
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(path: string, timeoutMs: number, logger: Logger) {
    this.#path = path;
    this.#timeoutMs = timeoutMs;
    this.#logger = logger;
  }

  get connected(): boolean {
    return this.#connection !== undefined && !this.#connection.broken;
  }

  describeTarget(): string {
    return `unix ${this.#path}`;
  }

  send(messages: readonly string[], signal: AbortSignal): Promise<Delivery> {
    const run = this.#queue.then(() => this.#send(messages, signal));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async *check(signal: AbortSignal): AsyncIterable<CheckStep> {
    const started = performance.now();
    try {
      const connection = await this.#connect(signal);
      connection.socket.destroy();
      yield { step: 'connect', ok: true, detail: `connected to ${this.#path}`, durationMs: Math.round(performance.now() - started) };
    } catch (error) {
      const hint = TransportError.is(error) ? error.hint : undefined;
      yield { step: 'connect', ok: false, detail: (error as Error).message, ...(hint === undefined ? {} : { hint }), durationMs: Math.round(performance.now() - started) };
    }
  }

  async finish(signal: AbortSignal): Promise<boolean> {
    await this.#queue;
    const connection = this.#connection;
    this.#connection = undefined;
    if (connection === undefined || connection.broken) return false;
    connection.socket.end();
    const aborted = new Promise<false>((resolve) => {
      if (signal.aborted) resolve(false);
      signal.addEventListener('abort', () => resolve(false), { once: true });
    });
    const confirmed = await Promise.race([connection.peerEnded, aborted]);
    connection.socket.destroy();
    return confirmed;
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed = true;
      await this.#queue;
      const connection = this.#connection;
      this.#connection = undefined;
      if (connection === undefined || connection.socket.destroyed) return;
      const closed = new Promise<void>((resolve) => connection.socket.once('close', () => resolve()));
      connection.socket.end();
      const timer = setTimeout(() => connection.socket.destroy(), this.#timeoutMs);
      await closed;
      clearTimeout(timer);
    })();
    return this.#closing;
  }

  async #send(messages: readonly string[], signal: AbortSignal): Promise<Delivery> {
    if (this.#closed) throw new TransportError('TRANSPORT_CLOSED', `the transport to ${this.#path} is closed`, 0);
    if (messages.length === 0) return { written: 0 };
    let connection = this.#connection;
    if (connection === undefined || connection.broken) {
      connection?.socket.destroy();
      this.#connection = undefined;
      connection = await this.#connect(signal);
      this.#connection = connection;
    }
    let written = 0;
    let group: string[] = [];
    let groupBytes = 0;
    const flush = async () => {
      const count = group.length;
      await this.#write(connection, group.join(''), written, messages.length);
      written += count;
      group = [];
      groupBytes = 0;
    };
    for (const message of messages) {
      const frame = `${message}\n`;
      group.push(frame);
      groupBytes += Buffer.byteLength(frame);
      if (groupBytes >= WRITE_GROUP_BYTES) await flush();
    }
    if (group.length > 0) await flush();
    return { written };
  }

  #write(connection: Connection, chunk: string, written: number, total: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (connection.broken) {
        reject(new TransportError('TRANSPORT_WRITE', `the connection to ${this.#path} closed after ${written} of ${total} messages`, written));
        return;
      }
      connection.socket.write(chunk, (error) => {
        if (error === undefined || error === null) resolve();
        else {
          connection.broken = true;
          reject(new TransportError('TRANSPORT_WRITE', `writing to ${this.#path} failed after ${written} of ${total} messages: ${error.message}`, written, { cause: error }));
        }
      });
    });
  }

  #connect(signal: AbortSignal): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ path: this.#path });
      const fail = (error: Error & { code?: string }) => {
        cleanup();
        socket.destroy();
        const missing = error.code === 'ENOENT' || error.code === 'ECONNREFUSED';
        reject(
          new TransportError('TRANSPORT_CONNECT', `cannot connect to ${this.#path}: ${error.message}`, 0, {
            path: 'path',
            hint: missing ? 'start the syslog server (rsyslog: `input(type="imptcp" path="…")`) or fix `path`' : 'check the permissions of the socket',
            cause: error,
          }),
        );
      };
      const timer = setTimeout(() => fail(Object.assign(new Error(`no connection within ${this.#timeoutMs} ms`), { code: 'ETIMEDOUT' })), this.#timeoutMs);
      const onAbort = () => fail(new Error('aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      const cleanup = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        socket.off('error', fail);
      };
      socket.once('error', fail);
      socket.once('connect', () => {
        cleanup();
        const { promise: peerEnded, resolve: ended } = Promise.withResolvers<boolean>();
        const connection: Connection = { socket, broken: false, peerEnded };
        socket.on('end', () => {
          connection.broken = true;
          ended(true);
        });
        socket.on('close', () => {
          connection.broken = true;
          ended(false);
        });
        socket.on('error', (error) => {
          connection.broken = true;
          this.#logger.warn({ path: this.#path, error: error.message }, 'Unix socket connection failed; the next send reconnects.');
        });
        // Nothing is expected from the server; read so its end of stream is seen.
        socket.resume();
        resolve(connection);
      });
    });
  }
}

export const unixSocketTransport = defineTransport({
  type: 'unix-socket',
  meta: { summary: 'Example plugin: syslog over a Unix-domain stream socket, one message per line', stability: 'experimental', delivery: 'at-least-once' },
  options: unixSocketOptions,
  deps: { logger: services.logger },
  create: ({ options, deps, resolvePath, id }) => new UnixSocketTransport(resolvePath(options.path), options.connectTimeout, deps.logger.child({ destination: id })),
});
