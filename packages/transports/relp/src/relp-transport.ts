import { readFile } from 'node:fs/promises';
import { isIP, type Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { connect as tlsConnect, createSecureContext, type TLSSocket } from 'node:tls';
import {
  defineTransport,
  services,
  TransportError,
  type CertificateValidity,
  type CheckStep,
  type Clock,
  type Delivery,
  type Logger,
  type PluginPlace,
  type Transport,
} from '@syslog-connector/core';
import {
  closedTransportError,
  connectSocket,
  connectWithBackoff,
  elapsed,
  failedStep,
  resolveStep,
  ReconnectBackoff,
  shutdownError,
  streamError,
  target,
  tlsCertificateValidity,
  WRITE_CHUNK_CHARS,
  type Destination,
  type ResolvedAddress,
} from '@syslog-connector/stream-transport';
import type { RelpOptions, RelpTlsSettings } from './options.js';
import { relpOptions } from './options.js';
import { ackTimeoutError, messageRefusedError, openClosedError, openRefusedError, openTimeoutError, sessionEndedError } from './relp-errors.js';
import {
  encodeFrame,
  encodeSyslogFrames,
  nextTxnr,
  parseOffers,
  parseResponse,
  RelpFrameDecoder,
  RelpFramingError,
  type RelpResponse,
} from './relp-frame.js';

/** The services a `RelpTransport` uses. */
export interface RelpTransportDeps {
  readonly logger: Logger;
  readonly clock: Clock;
}

/** What we offer in `open` (relp.html, "open"): protocol version 0, the one command we use. */
const OPEN_OFFER = 'relp_version=0\nrelp_software=syslog-connector,0.1.0,https://github.com/syslog-connector\ncommands=syslog';

/** How long close() waits for the server's answer to `close`. */
const CLOSE_WAIT_MS = 1_000;

/** finish() waits for the answer to `close` as long as its signal allows; this bounds a signal that never aborts. */
const CLOSE_BACKSTOP_MS = 60_000;

/** Frames per write at most: a write carries several frames, and the socket's buffer stays near one chunk. */
const FRAMES_PER_WRITE = 256;

/** One RELP session on one TCP (or TLS) connection. */
interface Session {
  readonly socket: Socket;
  readonly ip: string;
  /** The next transaction number to use. */
  txnr: number;
  /** Transactions sent and not answered yet: txnr → what to do with the answer. */
  readonly waiting: Map<number, (response: RelpResponse) => void>;
  /** Whom to tell when the session breaks. */
  readonly watchers: Set<() => void>;
  broken: boolean;
  /** Why it broke: undefined for the server's plain end of stream. */
  failure: TransportError | Error | undefined;
  /** Marks it broken (once) and tells the watchers. */
  readonly end: (failure: TransportError | Error | undefined) => void;
}

/**
 * RELP, the Reliable Event Logging Protocol of rsyslog (librelp; `imrelp` on the server): syslog messages as
 * numbered transactions over one TCP connection (or TLS), each **confirmed by the server's `rsp 200 OK`** — the
 * server has taken the message in, not merely this machine's kernel. Up to `window` messages travel ahead of their
 * acknowledgements.
 *
 * `send` opens a session when there is none (resolve, connect, optional TLS handshake, `open`; the reconnect
 * backoff after a failure is stream-transport's), and resolves when the server acknowledged every message. On
 * failure the `TransportError`'s `written` is the leading run of acknowledged messages; the caller re-sends the
 * rest, on a new session. A message acknowledged once is never sent again by us: duplicates occur only for one the
 * server took in whose `rsp` was lost with the connection.
 */
export class RelpTransport implements Transport {
  /** The server acknowledges every message (`rsp 200 OK`): the destination moves its cursor as they come. */
  readonly acknowledged = true;
  /**
   * One window per send: the destination commits its cursor after each, so a SIGKILL of the daemon re-sends at most
   * one window (messages the server acknowledged whose commit was lost with the process).
   */
  get maxBatch(): number {
    return this.#options.window;
  }
  readonly #options: RelpOptions;
  readonly #destination: Destination;
  readonly #place: PluginPlace;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #backoff: ReconnectBackoff;
  #session: Session | undefined;
  /** The send in progress (never rejects): sends run one after another on the one session. */
  #sending: Promise<unknown> = Promise.resolve();
  #closed = false;
  #closing: Promise<void> | undefined;

  /** `relp 10.0.0.5:514`: what the host's screens print. */
  describeTarget(): string {
    return `relp ${target(this.#destination)}`;
  }

  constructor(place: PluginPlace, options: RelpOptions, deps: RelpTransportDeps) {
    this.#options = options;
    this.#place = place;
    this.#destination = { path: place.configPath, host: options.address, port: options.port, connectTimeoutMs: options.connectTimeout };
    this.#logger = deps.logger.child({ destination: place.id, protocol: 'relp' });
    this.#clock = deps.clock;
    this.#backoff = new ReconnectBackoff(options.reconnect.initialDelay, options.reconnect.maxDelay);
  }

  send(messages: readonly string[], signal: AbortSignal): Promise<Delivery> {
    const run = this.#sending.then(() => this.#send(messages, signal));
    this.#sending = run.catch(() => undefined);
    return run;
  }

  async *check(signal: AbortSignal): AsyncIterable<CheckStep> {
    const d = this.#destination;
    const timeout = this.#options.connectTimeout;
    const resolved = await resolveStep(d, timeout, signal);
    yield resolved.step;
    const addresses = resolved.addresses;
    if (addresses === undefined) return;
    let started = performance.now();
    let socket: Socket;
    let address: ResolvedAddress;
    try {
      ({ socket, address } = await connectSocket(d, addresses, timeout, signal));
      socket.on('error', () => undefined);
    } catch (error) {
      yield failedStep('connect', error, started, signal);
      return;
    }
    yield { step: 'connect', ok: true, detail: `TCP connection to ${address.address}:${d.port} opened`, durationMs: elapsed(started) };
    if (this.#options.tls !== undefined) {
      started = performance.now();
      try {
        socket = await this.#handshake(socket, this.#options.tls, timeout, signal);
      } catch (error) {
        socket.destroy();
        yield failedStep('tls-handshake', error, started, signal);
        return;
      }
      const tls = socket as TLSSocket;
      yield {
        step: 'tls-handshake',
        ok: true,
        detail: `${String(tls.getProtocol())}; server certificate "CN=${String(tls.getPeerCertificate().subject?.CN)}" verified`,
        durationMs: elapsed(started),
      };
    }
    started = performance.now();
    const session = this.#track(socket, address.address);
    try {
      const answer = await this.#open(session, timeout, signal);
      yield { step: 'relp-open', ok: true, detail: `RELP session opened; the server is ${answer.get('relp_software') ?? 'unnamed'}, commands: ${answer.get('commands') ?? ''}`, durationMs: elapsed(started) };
      await this.#closeSession(session, AbortSignal.timeout(CLOSE_WAIT_MS));
    } catch (error) {
      socket.destroy();
      yield failedStep('relp-open', error, started, signal);
    }
  }

  /**
   * Sends `close` once what is being sent is acknowledged, and resolves true when the server answered it: the
   * session ended with every message acknowledged. False when there is no session, it broke, or `signal` aborted
   * first (the connection is then dropped, and a send still waiting for acknowledgements fails).
   */
  async finish(signal: AbortSignal): Promise<boolean> {
    const { promise: aborted, resolve } = Promise.withResolvers<void>();
    signal.addEventListener('abort', () => resolve(), { once: true });
    await Promise.race([this.#sending, aborted]);
    const session = this.#session;
    if (signal.aborted) {
      if (session !== undefined) this.#discard(session, new SessionDropped('finish() stopped waiting for the server to acknowledge'));
      return false;
    }
    if (session === undefined || session.broken) return false;
    this.#session = undefined;
    const confirmed = await this.#closeSession(session, signal);
    this.#logger.info({ confirmed }, 'RELP session closed.');
    return confirmed;
  }

  /** Waits for what is being sent (within connectTimeout), then closes the session; idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  /** The client certificate and CAs as their files hold them now (`Transport.certificates`); none without tls. */
  async certificates(): Promise<readonly CertificateValidity[]> {
    const tls = this.#options.tls;
    if (tls === undefined) return [];
    return tlsCertificateValidity(tls, `${this.#destination.path}.tls`, (key, path) => this.#readFile(key, path));
  }

  async #send(messages: readonly string[], signal: AbortSignal): Promise<Delivery> {
    if (this.#closed) throw closedTransportError(this.#destination);
    if (signal.aborted) throw shutdownError(this.#destination, 0, signal.reason);
    if (messages.length === 0) return { written: 0 };
    const session = await this.#connected(signal);
    return this.#transmit(session, messages, signal);
  }

  /** The open session, or a new one after the backoff delay. */
  async #connected(signal: AbortSignal): Promise<Session> {
    const current = this.#session;
    if (current !== undefined && !current.broken) {
      // A server that closed the session while we were idle has sent its FIN (or serverclose) already; one turn
      // of the event loop lets us read it, so we do not send into a session the server has left.
      await nextTurn();
      if (!current.broken) return current;
    }
    if (current !== undefined) this.#discard(current);
    const d = this.#destination;
    const { session, startedAt: started } = await connectWithBackoff(
      {
        ...{ destination: d, backoff: this.#backoff, clock: this.#clock, logger: this.#logger, options: this.#options },
        failureMessage: 'Opening the RELP session failed.',
        open: (tcp, timeoutMs) => this.#openSession(tcp.socket, tcp.address.address, timeoutMs, signal).then((opened) => ({ session: opened, startedAt: tcp.startedAt })),
      },
      signal,
    );
    if (this.#closed) {
      this.#discard(session);
      throw closedTransportError(d);
    }
    this.#session = session;
    this.#logger.info(
      { address: d.host, port: d.port, ip: session.ip, window: this.#options.window, tls: this.#options.tls !== undefined, connectMs: elapsed(started) },
      'RELP session opened.',
    );
    return session;
  }

  /** Over a new TCP connection: the TLS handshake (with `tls`), then the RELP `open`, within `timeoutMs`. */
  async #openSession(tcp: Socket, ip: string, timeoutMs: number, signal: AbortSignal): Promise<Session> {
    // Request and answer: Nagle would hold a window's last small group until the server's delayed ACK (40 ms on
    // Linux) while the server waits for that group. Frames are grouped into large writes already.
    tcp.setNoDelay(true);
    const deadline = performance.now() + timeoutMs;
    const remaining = () => Math.max(1, deadline - performance.now());
    const socket = this.#options.tls === undefined ? tcp : await this.#handshake(tcp, this.#options.tls, remaining(), signal);
    const session = this.#track(socket, ip);
    try {
      await this.#open(session, remaining(), signal);
    } catch (error) {
      this.#discard(session);
      throw error;
    }
    return session;
  }

  /** Reads the server's frames from `socket` into a new session. */
  #track(socket: Socket, ip: string): Session {
    const brk = (failure: TransportError | Error | undefined) => {
      if (session.broken) return;
      session.broken = true;
      session.failure = failure;
      for (const watcher of [...session.watchers]) watcher();
    };
    const session: Session = { socket, ip, txnr: 1, waiting: new Map(), watchers: new Set(), broken: false, failure: undefined, end: brk };
    const decoder = new RelpFrameDecoder();
    socket.on('data', (chunk: Buffer) => {
      let frames;
      try {
        frames = decoder.push(chunk);
      } catch (error) {
        brk(error as Error);
        socket.destroy();
        return;
      }
      for (const frame of frames) {
        if (frame.command === 'rsp') {
          const answer = session.waiting.get(frame.txnr);
          if (answer === undefined) {
            brk(new RelpFramingError(`the server answered transaction ${frame.txnr}, which is not waiting for an answer`));
            socket.destroy();
            return;
          }
          session.waiting.delete(frame.txnr);
          let response: RelpResponse;
          try {
            response = parseResponse(frame.data);
          } catch (error) {
            brk(error as Error);
            socket.destroy();
            return;
          }
          answer(response);
        } else if (frame.command === 'serverclose') {
          // relp.html "serverclose": the server is going away (a restart); what it did not answer is lost to it.
          brk(new Error('ended the RELP session (serverclose)'));
        } else {
          brk(new RelpFramingError(`the server sent an unexpected ${frame.command} command`));
          socket.destroy();
          return;
        }
      }
    });
    socket.on('end', () => brk(undefined));
    socket.on('error', (error) => brk(error));
    socket.on('close', () => {
      brk(undefined);
      if (this.#session === session) this.#session = undefined;
    });
    return session;
  }

  /** Sends `open` and waits for `200 OK` with the `syslog` command; returns the server's offers. */
  async #open(session: Session, timeoutMs: number, signal: AbortSignal): Promise<Map<string, string>> {
    const d = this.#destination;
    const response = await this.#transaction(session, 'open', OPEN_OFFER, timeoutMs, signal, () => openTimeoutError(d, this.#options.connectTimeout), () =>
      openClosedError(d, this.#options.tls, session.failure),
    );
    if (response.code !== 200) throw openRefusedError(d, `${response.code} ${response.message}`.trim());
    const offers = parseOffers(response.data);
    const commands = (offers.get('commands') ?? '').split(',');
    if (!commands.includes('syslog')) throw openRefusedError(d, `it does not offer the syslog command (commands=${offers.get('commands') ?? ''})`);
    return offers;
  }

  /** One command and its answer, within `timeoutMs`. */
  #transaction(
    session: Session,
    command: string,
    data: string,
    timeoutMs: number,
    signal: AbortSignal,
    timedOut: () => TransportError,
    broken?: () => TransportError,
  ): Promise<RelpResponse> {
    return new Promise<RelpResponse>((resolve, reject) => {
      const txnr = session.txnr;
      session.txnr = nextTxnr(txnr);
      const settle = (error: unknown, response?: RelpResponse) => {
        clearTimeout(timer);
        session.watchers.delete(onBroken);
        session.waiting.delete(txnr);
        signal.removeEventListener('abort', onAbort);
        if (error === undefined) resolve(response as RelpResponse);
        else reject(error);
      };
      const onBroken = () => settle(broken?.() ?? streamError(session.failure, this.#destination, 0, 0));
      const onAbort = () => settle(signal.reason);
      const timer = setTimeout(() => settle(timedOut()), timeoutMs);
      if (session.broken) return onBroken();
      if (signal.aborted) return onAbort();
      session.waiting.set(txnr, (response) => settle(undefined, response));
      session.watchers.add(onBroken);
      signal.addEventListener('abort', onAbort, { once: true });
      session.socket.write(encodeFrame(txnr, command, data));
    });
  }

  /**
   * The messages as `syslog` transactions, at most `window` unanswered at a time, groups of frames per write, the
   * socket's buffer kept near one chunk. Resolves when every one is acknowledged; stops at the first failure.
   */
  async #transmit(session: Session, messages: readonly string[], signal: AbortSignal): Promise<Delivery> {
    const { socket } = session;
    const d = this.#destination;
    const total = messages.length;
    const window = this.#options.window;
    const ackTimeout = this.#options.ackTimeout;
    const acknowledged = new Uint8Array(total);
    let written = 0;
    let sent = 0;
    let inFlight = 0;
    let failure: { readonly error: TransportError | undefined; readonly cause?: unknown } | undefined;
    let aborted = false;
    let wake: (() => void) | undefined;
    const rouse = () => {
      const resume = wake;
      wake = undefined;
      resume?.();
    };
    const stop = (error: TransportError | undefined, cause?: unknown) => {
      failure ??= { error, cause };
      rouse();
    };
    const onBroken = () => stop(TransportError.is(session.failure) ? session.failure : undefined, session.failure);
    const onAbort = () => {
      aborted = true;
      stop(undefined, signal.reason);
    };
    // Refreshed on every acknowledgement: fires only when the server has been silent for ackTimeout.
    const timer = setTimeout(function onSilence() {
      if (inFlight > 0) stop(ackTimeoutError(d, ackTimeout, written, total));
      else timer.refresh();
    }, ackTimeout);
    const asleep = () => new Promise<void>((resolve) => (wake = resolve));
    session.watchers.add(onBroken);
    socket.on('drain', rouse);
    signal.addEventListener('abort', onAbort, { once: true });
    if (session.broken) onBroken();
    try {
      while (sent < total && failure === undefined) {
        // Write as soon as one place in the window is free, not after a group came back: our data segment carries
        // the TCP ACK that lets a server with Nagle on (imrelp) send its next answers. Waiting for a quarter of
        // the window made rsyslog 8.2302 wait for our delayed ACK (40 ms) every time: 2,700 instead of 17,000 msg/s.
        while (inFlight >= window && failure === undefined) await asleep();
        if (failure !== undefined) break;
        const count = Math.min(window - inFlight, total - sent, FRAMES_PER_WRITE);
        const first = session.txnr;
        for (let k = 0; k < count; k++) {
          const index = sent + k;
          session.waiting.set(session.txnr, (response) => {
            inFlight -= 1;
            if (response.code !== 200) {
              stop(messageRefusedError(d, response.code, response.message, written, total));
              return;
            }
            acknowledged[index] = 1;
            // The leading run: `written` never counts a message after one still unanswered.
            while (written < total && acknowledged[written] === 1) written += 1;
            timer.refresh();
            rouse();
          });
          session.txnr = nextTxnr(session.txnr);
        }
        if (inFlight === 0) timer.refresh();
        socket.write(encodeSyslogFrames(messages, sent, count, first));
        sent += count;
        inFlight += count;
        // Backpressure: wait until the kernel has taken most of what is buffered, as stream-transport does.
        while (failure === undefined && socket.writableLength > WRITE_CHUNK_CHARS) await asleep();
      }
      while (written < total && failure === undefined) await asleep();
    } finally {
      clearTimeout(timer);
      session.watchers.delete(onBroken);
      socket.off('drain', rouse);
      signal.removeEventListener('abort', onAbort);
    }
    if (failure === undefined) {
      this.#backoff.succeeded();
      return { written: total };
    }
    // Answers that arrived in the same chunk as the failure have been counted already; nothing after it counts.
    this.#discard(session);
    if (aborted) throw shutdownError(d, written, signal.reason);
    const delay = this.#backoff.failed(this.#clock.now());
    const error = failure.error ?? this.#brokenError(session, written, total);
    this.#logger.debug({ error: error.message, written, total, retryInMs: delay }, 'The RELP session broke while sending.');
    throw error;
  }

  #brokenError(session: Session, written: number, total: number): TransportError {
    const why = session.failure;
    if (why instanceof SessionDropped) {
      return new TransportError('TRANSPORT_CLOSED', `the RELP session to ${target(this.#destination)} was dropped after ${written} of ${total} messages were acknowledged: ${why.message}`, written, {
        path: this.#destination.path,
        hint: 'the messages not acknowledged are sent again on the next session',
      });
    }
    if (why instanceof RelpFramingError) return sessionEndedError(this.#destination, `broke the RELP framing (${why.message})`, written, total);
    if (why instanceof Error && why.message.includes('serverclose')) return sessionEndedError(this.#destination, 'ended the RELP session (serverclose)', written, total);
    // The plain end of stream or a reset: stream-transport's wording, with the acknowledged count.
    return streamError(why, this.#destination, written, total);
  }

  /** `close`, its answer, then our FIN; true when the answer came before `signal` aborted. */
  async #closeSession(session: Session, signal: AbortSignal): Promise<boolean> {
    let confirmed = false;
    try {
      // `signal` bounds the wait; the timeout is only a backstop for a signal that never aborts.
      const response = await this.#transaction(session, 'close', '', CLOSE_BACKSTOP_MS, signal, () =>
        sessionEndedError(this.#destination, `did not answer close within ${CLOSE_BACKSTOP_MS / 1000}s`, 0, 0),
      );
      confirmed = response.code === 200 && !signal.aborted;
    } catch {
      confirmed = false;
    }
    session.end(undefined);
    const { promise: done, resolve } = Promise.withResolvers<void>();
    session.socket.once('close', () => resolve());
    signal.addEventListener('abort', () => resolve(), { once: true });
    setTimeout(resolve, CLOSE_WAIT_MS).unref();
    session.socket.end();
    await done;
    session.socket.destroy();
    return confirmed;
  }

  #discard(session: Session, why?: SessionDropped): void {
    session.end(why);
    session.socket.destroy();
    if (this.#session === session) this.#session = undefined;
  }

  async #shutdown(): Promise<void> {
    this.#closed = true;
    const graceMs = this.#options.connectTimeout;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#sending, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    const session = this.#session;
    this.#session = undefined;
    if (session === undefined || session.socket.destroyed) return;
    if (session.broken || session.waiting.size > 0) {
      this.#discard(session);
      return;
    }
    await this.#closeSession(session, AbortSignal.timeout(Math.min(graceMs, CLOSE_WAIT_MS)));
  }

  /** The TLS handshake over the connected socket: the server certificate checked against tls.ca and the name. */
  async #handshake(socket: Socket, tls: RelpTlsSettings, timeoutMs: number, signal: AbortSignal): Promise<TLSSocket> {
    socket.on('error', () => undefined);
    const d = this.#destination;
    const files: { ca?: string; cert?: string; key?: string } = {};
    try {
      for (const key of ['ca', 'cert', 'key'] as const) {
        const path = tls[key];
        if (path !== undefined) files[key] = await this.#readFile(key, path);
      }
    } catch (error) {
      socket.destroy();
      throw error;
    }
    const serverName = (tls.serverName ?? this.#options.address).replace(/\.$/, '');
    return new Promise<TLSSocket>((resolve, reject) => {
      let secureContext;
      try {
        secureContext = createSecureContext({ ...files, minVersion: 'TLSv1.2' });
      } catch (error) {
        socket.destroy();
        reject(
          new TransportError('TRANSPORT_TLS', `the TLS files could not be used: ${(error as Error).message}`, 0, {
            path: `${d.path}.tls`,
            hint: 'tls.ca, tls.cert and tls.key must be PEM files, and the key must belong to the certificate',
            cause: error,
          }),
        );
        return;
      }
      const secured = tlsConnect({
        socket,
        secureContext,
        host: serverName,
        ...(isIP(serverName) === 0 ? { servername: serverName } : {}),
        rejectUnauthorized: true,
      });
      const settle = (error: unknown) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        secured.off('secureConnect', onSecure);
        secured.off('error', onError);
        if (error === undefined) {
          resolve(secured);
          return;
        }
        secured.destroy();
        socket.destroy();
        reject(error);
      };
      const onSecure = () => settle(undefined);
      const onError = (error: Error) =>
        settle(
          new TransportError('TRANSPORT_TLS', `the TLS handshake with ${target(d)} failed: ${error.message}`, 0, {
            path: `${d.path}.tls`,
            hint: "check tls.ca (the CA of the server's certificate), tls.serverName, and that the server's imrelp input has tls=\"on\"",
            cause: error,
          }),
        );
      const onAbort = () => settle(signal.reason);
      const timer = setTimeout(
        () => settle(new TransportError('TRANSPORT_TIMEOUT', `the TLS handshake with ${target(d)} did not finish in time`, 0, { path: `${d.path}.tls`, hint: 'check that the server\'s RELP listener has tls="on"' })),
        timeoutMs,
      );
      secured.once('secureConnect', onSecure);
      secured.once('error', onError);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  async #readFile(key: 'ca' | 'cert' | 'key', configured: string): Promise<string> {
    const path = this.#place.resolvePath(configured);
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new TransportError('TRANSPORT_TLS', `the file ${path} of tls.${key} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`}`, 0, {
        path: `${this.#destination.path}.tls.${key}`,
        hint: `check tls.${key}: a relative path is taken from the config file's folder, and the file must be readable by the connector's user`,
        cause: error,
      });
    }
  }
}

/** This side ended the session on purpose (not the server, not the network). */
class SessionDropped extends Error {}


/** The `relp` transport plugin: `protocol: relp` on a destination. */
export const relpTransport = defineTransport({
  type: 'relp',
  meta: {
    summary: 'RELP (rsyslog imrelp): every message acknowledged by the server, a window of unacknowledged ones, reconnection with backoff',
    stability: 'experimental',
    delivery: 'at-least-once',
  },
  options: relpOptions,
  deps: { logger: services.logger, clock: services.clock },
  create: (context) => new RelpTransport(context, context.options, context.deps),
});
