import { once } from 'node:events';
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { createServer as createTcpServer, isIPv6, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { LineFeedDecoder } from './line-feed-decoder.js';
import { FramingError, OctetCountingDecoder } from './octet-counting-decoder.js';
import { parseSyslogMessage, type SyslogMessage } from './parse-syslog-message.js';

export type ReceiverProtocol = 'udp' | 'tcp' | 'tls';
export type ReceiverFraming = 'octet-counting' | 'lf';

export interface ReceiverTlsOptions {
  /** PEM private key of the server certificate. */
  readonly key: string;
  /** PEM server certificate (and chain). */
  readonly cert: string;
  /** PEM CA bundle that signs client certificates (mutual TLS). */
  readonly ca?: string;
  /** Ask the client for a certificate. Default false. */
  readonly requestCert?: boolean;
  /** Refuse a client whose certificate does not verify against `ca`. Default: `requestCert`. */
  readonly rejectUnauthorized?: boolean;
  readonly minVersion?: 'TLSv1.2' | 'TLSv1.3';
  readonly maxVersion?: 'TLSv1.2' | 'TLSv1.3';
}

export interface SyslogReceiverOptions {
  readonly protocol: ReceiverProtocol;
  /** TCP only; TLS is always octet-counting (RFC 5425 §4.3). Default `octet-counting`. */
  readonly framing?: ReceiverFraming;
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 0: an ephemeral port, read it from `port`. */
  readonly port?: number;
  /**
   * TCP only: listen on this Unix-domain socket path instead of a host and port (rsyslog's imptcp `path`); `address`
   * is then the path and `port` 0. The socket file is removed on `stop` and made again on `restart`.
   */
  readonly path?: string;
  /** Required for `tls`. */
  readonly tls?: ReceiverTlsOptions;
  /** A frame longer than this closes the connection with a framing error. Default 64 MiB. */
  readonly maxFrameBytes?: number;
  /** Called for every message, after it is added to `messages`. */
  readonly onMessage?: MessageListener;
}

/** What the TLS handshake told about the client. */
export interface ReceivedTlsPeer {
  readonly authorized: boolean;
  /** The client certificate's subject CN, if the client sent one. */
  readonly commonName: string | null;
  /** `TLSv1.2`, `TLSv1.3`. */
  readonly protocol: string | null;
}

export interface ReceivedMessage {
  /** The frame decoded as UTF-8, exactly (no trailer, no MSG-LEN). */
  readonly raw: string;
  /** The frame's bytes, exactly. */
  readonly bytes: Buffer;
  /** `null` when the message breaks a rule; then `parseError` says which. */
  readonly parsed: SyslogMessage | null;
  readonly parseError: string | null;
  /** 1-based number of the connection it came on (in accept order since start), 0 for UDP. */
  readonly connection: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly receivedAt: number;
  /** TLS receivers only. */
  readonly tls: ReceivedTlsPeer | null;
}

export type MessageListener = (message: ReceivedMessage) => void;

interface Connection {
  readonly id: number;
  readonly socket: Socket;
  readonly decoder: OctetCountingDecoder | LineFeedDecoder;
  tls: ReceivedTlsPeer | null;
  /** Set when the receiver itself closes it, so a partial frame is not reported as the sender's fault. */
  dropped: boolean;
}

type Listening = { readonly kind: 'stream'; readonly server: TcpServer } | { readonly kind: 'udp'; readonly socket: UdpSocket };

/**
 * A syslog server for tests: UDP (RFC 5426), TCP (RFC 6587, octet-counting or LF) or TLS (RFC 5425). It keeps
 * every message with its bytes and its strict parse (RFC 5424 / 3164 header, CEF body), and lets a test stall
 * reads (`pause`), break connections (`dropConnections`) and bounce the server (`restart`, same port).
 *
 * ```ts
 * const receiver = await SyslogReceiver.start({ protocol: 'tcp' });
 * // … send to 127.0.0.1:receiver.port …
 * const [first] = await receiver.waitFor(1, 5_000);
 * await receiver.stop();
 * ```
 */
export class SyslogReceiver {
  /** Every message received since start (or `clear`), in arrival order. */
  readonly messages: ReceivedMessage[] = [];
  /** Framing errors, TLS handshake failures and socket errors, one line each. */
  readonly errors: string[] = [];
  readonly protocol: ReceiverProtocol;
  readonly framing: ReceiverFraming;
  readonly #options: SyslogReceiverOptions;
  readonly #listeners = new Set<MessageListener>();
  readonly #connections = new Set<Connection>();
  /** Sockets not yet through the TLS handshake, so stop() can close them too. */
  readonly #handshaking = new Set<Socket>();
  readonly #heldDatagrams: Array<{ readonly data: Buffer; readonly from: RemoteInfo }> = [];
  readonly #waiters = new Set<() => void>();
  #listening: Listening | undefined;
  #port: number;
  #address = '';
  #accepted = 0;
  #paused = false;

  private constructor(options: SyslogReceiverOptions) {
    if (options.protocol === 'tls' && options.tls === undefined) throw new TypeError('A TLS receiver needs tls: { key, cert }');
    if (options.protocol === 'tls' && options.framing === 'lf') throw new TypeError('TLS is always octet-counting (RFC 5425 §4.3)');
    if (options.path !== undefined && options.protocol !== 'tcp') throw new TypeError('Only a tcp receiver listens on a Unix-domain socket path');
    this.#options = options;
    this.protocol = options.protocol;
    this.framing = options.framing ?? 'octet-counting';
    this.#port = options.port ?? 0;
    if (options.onMessage !== undefined) this.#listeners.add(options.onMessage);
  }

  /** Starts listening; resolves once the port is bound. */
  static async start(options: SyslogReceiverOptions): Promise<SyslogReceiver> {
    const receiver = new SyslogReceiver(options);
    await receiver.#listen();
    return receiver;
  }

  /** The bound port (stays the same across `restart`). */
  get port(): number {
    return this.#port;
  }

  /** The bound address, e.g. `127.0.0.1` or `::1`; the socket path of a Unix-domain receiver. */
  get address(): string {
    return this.#address;
  }

  /** Open connections right now (TLS: after the handshake). Always 0 for UDP. */
  get connections(): number {
    return this.#connections.size;
  }

  /** Connections accepted since start, across restarts. */
  get acceptedConnections(): number {
    return this.#accepted;
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** Calls `listener` for every new message; returns a function that removes it. */
  onMessage(listener: MessageListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Resolves with all messages once at least `count` have arrived; rejects after `timeoutMs` saying how many did,
   * and any framing or parse errors seen.
   */
  async waitFor(count: number, timeoutMs = 5_000): Promise<readonly ReceivedMessage[]> {
    if (this.messages.length >= count) return this.messages;
    const { promise, resolve, reject } = Promise.withResolvers<readonly ReceivedMessage[]>();
    const check = () => {
      if (this.messages.length < count) return;
      done();
      resolve(this.messages);
    };
    const timer = setTimeout(() => {
      done();
      const problems = [...this.errors, ...this.messages.filter((m) => m.parseError !== null).map((m) => `parse: ${m.parseError}`)];
      reject(
        new Error(
          `received ${this.messages.length} of ${count} messages within ${timeoutMs} ms` +
            (problems.length === 0 ? '' : `; problems: ${problems.slice(0, 5).join(' | ')}`),
        ),
      );
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      this.#waiters.delete(check);
    };
    this.#waiters.add(check);
    return promise;
  }

  /**
   * Stops reading. TCP/TLS: every socket stops reading, so the kernel buffers fill and the sender's writes stall
   * (backpressure). UDP: datagrams are held and delivered on `resume` (UDP has no flow control to exercise).
   */
  pause(): void {
    this.#paused = true;
    for (const connection of this.#connections) connection.socket.pause();
  }

  resume(): void {
    this.#paused = false;
    for (const connection of this.#connections) connection.socket.resume();
    for (const held of this.#heldDatagrams.splice(0)) this.#onDatagram(held.data, held.from);
  }

  /**
   * Closes every open connection but keeps listening, so a sender must reconnect. `close` sends a FIN (or a
   * RST when unread data is pending, as the kernel does); `reset` always sends a RST (the sender sees ECONNRESET).
   */
  async dropConnections(mode: 'close' | 'reset' = 'close'): Promise<void> {
    const closing: Array<Promise<unknown>> = [];
    for (const connection of this.#connections) {
      connection.dropped = true;
      if (!connection.socket.destroyed) closing.push(once(connection.socket, 'close'));
      if (mode === 'reset') connection.socket.resetAndDestroy();
      else connection.socket.destroy();
    }
    for (const socket of this.#handshaking) socket.destroy();
    await Promise.all(closing);
  }

  /** Stops and listens again on the same port; messages are kept. */
  async restart(): Promise<void> {
    await this.stop();
    await this.#listen();
  }

  /** Closes the server and every connection. Idempotent. */
  async stop(): Promise<void> {
    const listening = this.#listening;
    if (listening === undefined) return;
    this.#listening = undefined;
    if (listening.kind === 'udp') {
      await new Promise<void>((resolve) => listening.socket.close(() => resolve()));
      return;
    }
    const closed = new Promise<void>((resolve) => listening.server.close(() => resolve()));
    await this.dropConnections();
    await closed;
  }

  /** Forgets the messages and errors received so far. */
  clear(): void {
    this.messages.length = 0;
    this.errors.length = 0;
  }

  async #listen(): Promise<void> {
    const host = this.#options.host ?? '127.0.0.1';
    if (this.protocol === 'udp') {
      const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
      socket.on('message', (data, from) => this.#onDatagram(data, from));
      socket.on('error', (error) => this.errors.push(`udp: ${error.message}`));
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(this.#port, host, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      const bound = socket.address();
      this.#port = bound.port;
      this.#address = bound.address;
      this.#listening = { kind: 'udp', socket };
      return;
    }
    const server = this.protocol === 'tls' ? this.#createTlsServer() : createTcpServer((socket) => this.#onStream(socket, null));
    const path = this.#options.path;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path === undefined ? { port: this.#port, host } : { path }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => this.errors.push(`server: ${error.message}`));
    if (path !== undefined) {
      this.#address = path;
      this.#listening = { kind: 'stream', server };
      return;
    }
    const bound = server.address() as AddressInfo;
    this.#port = bound.port;
    this.#address = bound.address;
    this.#listening = { kind: 'stream', server };
  }

  #createTlsServer(): TcpServer {
    const tls = this.#options.tls as ReceiverTlsOptions;
    const requestCert = tls.requestCert ?? false;
    const server = createTlsServer(
      {
        key: tls.key,
        cert: tls.cert,
        ...(tls.ca === undefined ? {} : { ca: tls.ca }),
        requestCert,
        rejectUnauthorized: tls.rejectUnauthorized ?? requestCert,
        ...(tls.minVersion === undefined ? {} : { minVersion: tls.minVersion }),
        ...(tls.maxVersion === undefined ? {} : { maxVersion: tls.maxVersion }),
      },
      (socket: TLSSocket) => {
        this.#handshaking.delete(socket);
        const peer = socket.getPeerCertificate();
        const commonName = peer.subject?.CN;
        this.#onStream(socket, {
          authorized: socket.authorized,
          commonName: typeof commonName === 'string' ? commonName : null,
          protocol: socket.getProtocol(),
        });
      },
    );
    // The raw socket, before the handshake: tracked so that stop() never waits on a stalled handshake.
    server.on('connection', (socket: Socket) => {
      this.#handshaking.add(socket);
      socket.once('close', () => this.#handshaking.delete(socket));
    });
    server.on('tlsClientError', (error, socket) => {
      this.errors.push(`tls handshake from ${socket.remoteAddress ?? '?'}: ${error.message}`);
    });
    return server;
  }

  #onStream(socket: Socket, tls: ReceivedTlsPeer | null): void {
    this.#accepted += 1;
    const maxFrameBytes = this.#options.maxFrameBytes;
    const decoder = this.framing === 'lf' ? new LineFeedDecoder(maxFrameBytes) : new OctetCountingDecoder(maxFrameBytes);
    const connection: Connection = { id: this.#accepted, socket, decoder, tls, dropped: false };
    this.#connections.add(connection);
    const remoteAddress = socket.remoteAddress ?? '';
    const remotePort = socket.remotePort ?? 0;
    if (this.#paused) socket.pause();
    socket.on('data', (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = decoder.push(chunk);
      } catch (error) {
        if (!(error instanceof FramingError)) throw error;
        this.errors.push(`connection ${connection.id}: ${error.message}`);
        socket.destroy();
        return;
      }
      for (const frame of frames) this.#record(frame, connection.id, remoteAddress, remotePort, connection.tls);
    });
    socket.on('error', (error) => {
      if (!connection.dropped) this.errors.push(`connection ${connection.id}: ${error.message}`);
    });
    socket.on('close', () => {
      this.#connections.delete(connection);
      if (!decoder.idle && !connection.dropped) {
        this.errors.push(`connection ${connection.id} closed in the middle of a frame`);
      }
    });
  }

  #onDatagram(data: Buffer, from: RemoteInfo): void {
    if (this.#paused) {
      this.#heldDatagrams.push({ data, from });
      return;
    }
    // RFC 5426 §3.1: one message per datagram, no framing.
    this.#record(data, 0, from.address, from.port, null);
  }

  #record(bytes: Buffer, connection: number, remoteAddress: string, remotePort: number, tls: ReceivedTlsPeer | null): void {
    const raw = bytes.toString('utf8');
    let parsed: SyslogMessage | null = null;
    let parseError: string | null = null;
    try {
      parsed = parseSyslogMessage(raw);
    } catch (error) {
      parseError = error instanceof Error ? error.message : String(error);
    }
    const message: ReceivedMessage = { raw, bytes, parsed, parseError, connection, remoteAddress, remotePort, receivedAt: Date.now(), tls };
    this.messages.push(message);
    for (const listener of this.#listeners) {
      try {
        listener(message);
      } catch (error) {
        this.errors.push(`onMessage listener: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    for (const waiter of [...this.#waiters]) waiter();
  }
}
