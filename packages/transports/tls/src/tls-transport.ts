import type { Socket } from 'node:net';
import { isIP } from 'node:net';
import { checkServerIdentity, connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls';
import { type CertificateValidity, defineTransport, services, TransportError, type CheckStep, type Logger, type PluginPlace } from '@syslog-connector/core';
import {
  elapsed,
  failedStep,
  StreamTransport,
  target,
  type Destination,
  type StreamTransportDeps,
  type UpgradeContext,
} from '@syslog-connector/stream-transport';
import { tlsOptions, type TlsOptions, type TlsSettings } from './options.js';
import { TlsCredentials } from './tls-credentials.js';
import {
  clientCertificateRefusal,
  handshakeError,
  handshakeTimeoutError,
  nameMismatchError,
  verificationError,
  type TlsDiagnosisContext,
} from './tls-errors.js';

export type TlsTransportDeps = StreamTransportDeps;

/**
 * How long `check` keeps the connection open after the handshake to see whether the server drops it. Under TLS
 * 1.3 the server checks the client certificate only after the handshake has finished on our side, so a refusal
 * (an alert, or rsyslog's GnuTLS driver just closing) arrives a moment later.
 */
export const POST_HANDSHAKE_WAIT_MS = 1_000;

/**
 * How long a connect for sending waits, under TLS 1.3, for the server's first session ticket or its refusal. A
 * refusal comes one round trip after our Finished; rsyslog's GnuTLS driver sends no ticket, so with it every
 * connect costs this much.
 */
export const ACCEPTANCE_WAIT_MS = 500;

/**
 * Syslog over TLS (RFC 5425): TCP connect, then a TLS handshake that verifies the server certificate against
 * `tls.ca` (or the system's CAs) and `tls.serverName` (default: `address`), optionally presenting a client
 * certificate; then octet-counted frames. Reconnection, backpressure and "confirmed" (handed to this machine's
 * kernel, encrypted) are `StreamTransport`'s.
 */
export class TlsTransport extends StreamTransport {
  readonly #credentials: TlsCredentials;

  constructor(place: PluginPlace, options: TlsOptions, deps: TlsTransportDeps) {
    const destination: Destination = { path: place.configPath, host: options.address, port: options.port, connectTimeoutMs: options.connectTimeout };
    const logger = deps.logger.child({ destination: place.id, protocol: 'tls' });
    const settings = options.tls;
    const credentials = new TlsCredentials(settings, destination, logger, place.resolvePath);
    const diagnosis: TlsDiagnosisContext = { destination, settings, serverName: settings.serverName ?? options.address };
    if (settings.insecureSkipVerify) {
      logger.warn(
        { setting: `${destination.path}.tls.insecureSkipVerify` },
        'TLS server verification is OFF: any server, or anyone in between, can receive these events. Use tls.ca instead.',
      );
    }
    super(
      place,
      options,
      {
        protocol: 'tls',
        framing: 'octet-counting',
        upgrade: (socket, context) => handshake(socket, context, credentials, diagnosis, logger),
        checkUpgrade: (socket, context) => checkHandshake(socket, context, credentials, diagnosis, logger),
        streamError: (error, written) => {
          const refusal = clientCertificateRefusal(codeOf(error), diagnosis);
          return refusal === undefined
            ? undefined
            : new TransportError('TRANSPORT_TLS', refusal.message, written, { path: refusal.path, hint: refusal.hint, cause: error });
        },
        describeConnection: (socket) => describeSession(socket as TLSSocket),
      },
      deps,
    );
    this.#credentials = credentials;
  }

  /** The client certificate and CAs as their files hold them now (`Transport.certificates`). */
  certificates(): Promise<readonly CertificateValidity[]> {
    return this.#credentials.certificates();
  }
}

/**
 * The TLS handshake over the connected `socket`. Verification is done here, after 'secureConnect' and before a
 * single byte of syslog is written, rather than by `rejectUnauthorized`, so that the error can name the
 * certificate's subject, issuer, names and dates.
 */
export const handshake = async (
  socket: Socket,
  context: UpgradeContext,
  credentials: TlsCredentials,
  c: TlsDiagnosisContext,
  logger: Logger,
  awaitAcceptance = true,
): Promise<TLSSocket> => {
  // Until the TLS socket wraps it, an error (a reset) on the raw socket must not go unheard: the handshake reports it.
  socket.on('error', () => undefined);
  let secureContext;
  try {
    secureContext = await credentials.context();
  } catch (error) {
    socket.destroy();
    throw error;
  }
  const sni = isIP(c.serverName) === 0 ? c.serverName.replace(/\.$/, '') : undefined;
  const tls = await new Promise<TLSSocket>((resolve, reject) => {
    const signal = context.signal;
    const secured = tlsConnect({ socket, secureContext, rejectUnauthorized: false, ...(sni === undefined ? {} : { servername: sni }) });
    const settle = (error: unknown) => {
      clearTimeout(timer);
      secured.off('secureConnect', onSecure);
      secured.off('error', onError);
      secured.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
      if (error === undefined) {
        resolve(secured);
      } else {
        secured.destroy();
        socket.destroy();
        reject(error);
      }
    };
    const onSecure = () => settle(undefined);
    const onError = (error: Error) => settle(handshakeError(error, c));
    const onClose = () => settle(handshakeError(undefined, c));
    const onAbort = () => settle(signal.reason);
    const timer = setTimeout(() => settle(handshakeTimeoutError(c)), context.timeoutMs);
    if (signal.aborted) {
      onAbort();
      return;
    }
    secured.once('secureConnect', onSecure);
    secured.once('error', onError);
    secured.once('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  const cert = tls.getPeerCertificate();
  const problem = c.settings.insecureSkipVerify ? undefined : verify(tls, cert, c);
  if (problem !== undefined) {
    tls.destroy();
    throw problem;
  }
  if (awaitAcceptance && tls.getProtocol() === 'TLSv1.3') await accepted(tls, context, credentials, c);
  if (c.settings.insecureSkipVerify) {
    logger.warn(
      { server: target(c.destination), subject: cert.subject?.CN, authorizationError: tls.authorizationError ?? null },
      'TLS server verification is OFF (tls.insecureSkipVerify): this connection was not checked.',
    );
  }
  return tls;
};

/** The server certificate's chain (against tls.ca) and name (against serverName), as `rejectUnauthorized` would. */
const verify = (tls: TLSSocket, cert: PeerCertificate, c: TlsDiagnosisContext): TransportError | undefined => {
  if (!tls.authorized) {
    const error: unknown = tls.authorizationError;
    const code = typeof error === 'string' ? error : (codeOf(error) || String((error as Error | undefined)?.message));
    // Node checks the name itself when SNI is sent, and reports a mismatch the same way as a chain error.
    return code === 'ERR_TLS_CERT_ALTNAME_INVALID' ? nameMismatchError(cert, c) : verificationError(code, cert, c);
  }
  const mismatch = checkServerIdentity(c.serverName.replace(/\.$/, ''), cert);
  return mismatch === undefined ? undefined : nameMismatchError(cert, c);
};

/**
 * Under TLS 1.3 the handshake finishes on our side before the server has checked our client certificate, so a
 * server that refuses it does so a moment later — and whatever was written meanwhile would count as confirmed and
 * be lost. The server's first session ticket (NewSessionTicket, sent once it accepted us) ends the wait; so does
 * a refusal (an alert, or a close as rsyslog's GnuTLS driver does), which fails the connect. A server that sends
 * no tickets costs ACCEPTANCE_WAIT_MS per connect.
 */
const accepted = async (tls: TLSSocket, context: UpgradeContext, credentials: TlsCredentials, c: TlsDiagnosisContext): Promise<void> => {
  const ended = await watchSession(tls, Math.min(ACCEPTANCE_WAIT_MS, context.timeoutMs), context.signal, true);
  if (ended === undefined) return;
  tls.destroy();
  const refusal = refusalAfterHandshake(ended.error, credentials, c);
  throw new TransportError('TRANSPORT_TLS', refusal.message, 0, { path: refusal.path, hint: refusal.hint, ...(ended.error === null ? {} : { cause: ended.error }) });
};

/** Why the server ended the session right after the handshake: `error` is null for a close without an alert. */
const refusalAfterHandshake = (
  error: unknown,
  credentials: TlsCredentials,
  c: TlsDiagnosisContext,
): { readonly message: string; readonly hint: string; readonly path: string } => {
  const refusal = clientCertificateRefusal(codeOf(error), c);
  if (refusal !== undefined) return refusal;
  const d = c.destination;
  const how = error === null ? '' : ` (${codeOf(error) || 'error'})`;
  return {
    message: credentials.hasClientCertificate
      ? `the server at ${target(d)} closed the connection right after the TLS handshake${how}, without saying why: it likely does not accept this connector's client certificate`
      : `the server at ${target(d)} closed the connection right after the TLS handshake${how}, without saying why: it likely requires a client certificate — rsyslog's default GnuTLS driver does exactly this when none is given`,
    hint: credentials.hasClientCertificate
      ? "the server must trust the CA that issued tls.cert (and, for rsyslog, list it in PermittedPeer if set); see the server's log"
      : 'set tls.cert and tls.key to a client certificate signed by a CA the server trusts ("Server requires client authentication")',
    path: `${d.path}.tls.cert`,
  };
};

/** `test-connection`'s steps after the TCP connect: the handshake, then whether the server keeps the session. */
async function* checkHandshake(
  socket: Socket,
  context: UpgradeContext,
  credentials: TlsCredentials,
  c: TlsDiagnosisContext,
  logger: Logger,
): AsyncIterable<CheckStep> {
  let started = performance.now();
  let tls: TLSSocket;
  try {
    tls = await handshake(socket, context, credentials, c, logger, false);
  } catch (error) {
    yield failedStep('tls-handshake', error, started, context.signal);
    return;
  }
  const handshakeMs = elapsed(started);
  const session = describeSession(tls);
  const cert = tls.getPeerCertificate();
  // Watch from now on: the server's refusal may arrive while the caller prints this step.
  started = performance.now();
  const watching = watchSession(tls, POST_HANDSHAKE_WAIT_MS, context.signal);
  yield {
    step: 'tls-handshake',
    ok: true,
    detail:
      `${String(session.tlsVersion)} ${String(session.cipher)}; server certificate "CN=${String(cert.subject?.CN)}" issued by ` +
      `"CN=${String(cert.issuer?.CN)}", valid until ${cert.valid_to}; ` +
      (c.settings.insecureSkipVerify
        ? 'NOT VERIFIED (tls.insecureSkipVerify)'
        : `signed by ${c.settings.ca === undefined ? 'a CA this machine trusts' : 'the CA in tls.ca'}, name ${c.serverName} matches`) +
      (credentials.hasClientCertificate ? '; client certificate offered' : '; no client certificate configured'),
    durationMs: handshakeMs,
  };
  const ended = await watching;
  tls.destroy();
  if (ended === undefined) {
    yield {
      step: 'tls-session',
      ok: true,
      detail:
        `the server kept the connection open for ${POST_HANDSHAKE_WAIT_MS} ms after the handshake, so it accepted this connector` +
        (session.tlsVersion === 'TLSv1.3' ? ' (under TLS 1.3 a refused client certificate would show here, not in the handshake)' : ''),
      durationMs: elapsed(started),
    };
    return;
  }
  const closed = refusalAfterHandshake(ended.error, credentials, c);
  yield { step: 'tls-session', ok: false, detail: closed.message, hint: closed.hint, durationMs: elapsed(started) };
}

/** Resolves undefined if the session is still open after `ms`, or with how it ended (`error: null` for a clean close). */
const watchSession = (
  tls: TLSSocket,
  ms: number,
  signal: AbortSignal,
  untilTicket = false,
): Promise<{ readonly error: unknown } | undefined> =>
  new Promise((resolve, reject) => {
    let error: unknown = null;
    const finish = (result: { readonly error: unknown } | undefined) => {
      clearTimeout(timer);
      tls.off('error', onError);
      tls.off('end', onEnd);
      tls.off('close', onEnd);
      tls.off('session', onTicket);
      signal.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const onError = (e: Error) => {
      error = e;
      finish({ error });
    };
    const onEnd = () => finish({ error });
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    // The 'session' event is emitted from inside OpenSSL's read; writing before it returns loses the data.
    const onTicket = () => setImmediate(() => finish(undefined));
    const timer = setTimeout(() => finish(undefined), ms);
    if (untilTicket) tls.on('session', onTicket);
    tls.on('error', onError);
    tls.once('end', onEnd);
    tls.once('close', onEnd);
    signal.addEventListener('abort', onAbort, { once: true });
    tls.resume();
  });

const describeSession = (tls: TLSSocket): Record<string, unknown> => {
  const cipher = tls.getCipher();
  const peer = tls.getPeerCertificate();
  return {
    tlsVersion: tls.getProtocol(),
    cipher: cipher?.standardName ?? cipher?.name,
    serverCertificate: peer?.subject?.CN,
    serverCertificateValidTo: peer?.valid_to,
  };
};

const codeOf = (error: unknown): string =>
  typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : '';

/** The `tls` transport plugin: `protocol: tls` on a destination. */
export const tlsTransport = defineTransport({
  type: 'tls',
  meta: {
    summary: 'Syslog over TLS (RFC 5425): CA and client certificates, server-name check, TLS 1.2+, reconnection with backoff',
    stability: 'beta',
    delivery: 'at-least-once',
  },
  options: tlsOptions,
  deps: { logger: services.logger, clock: services.clock },
  create: (context) => new TlsTransport(context, context.options, context.deps),
});

export type { TlsSettings };
