import type { Socket } from 'node:net';
import type { Clock, Logger } from '@syslog-connector/core';
import { connectSocket } from './connect-socket.js';
import type { ReconnectBackoff } from './reconnect-backoff.js';
import { resolveHost, type ResolvedAddress } from './resolve-host.js';
import { shutdownError, type Destination } from './transport-errors.js';

export interface ConnectWithBackoffOptions<T> {
  readonly destination: Destination;
  readonly backoff: ReconnectBackoff;
  readonly clock: Clock;
  readonly logger: Logger;
  /**
   * `connectTimeout`: resolving, connecting and `open` together, in ms; `keepAlive`: TCP keep-alive delay in ms, set
   * on the TCP socket itself (a TLS socket wrapping it does not pass it on), 0 for none.
   */
  readonly options: { readonly connectTimeout: number; readonly keepAlive: number };
  /** The debug line of a failed attempt (`Connecting to the syslog server failed.`). */
  readonly failureMessage: string;
  /**
   * What follows the TCP connection (a TLS handshake, a session's open) within what is left of `connectTimeout`;
   * `startedAt` is the `performance.now()` at which this attempt began (after the backoff wait).
   */
  readonly open: (opened: { readonly socket: Socket; readonly address: ResolvedAddress; readonly startedAt: number }, remainingMs: number) => Promise<T>;
}

/**
 * A stream transport's (re)connection, shared by the stream transports (tcp, tls) and RELP: waits out the backoff
 * of the failures before, resolves the host and connects within `connectTimeout`, sets keep-alive, then `open`s
 * what runs over the socket. A failure counts in the backoff and is logged at debug (the destination runner logs
 * the send that failed); an abort of `signal` — while waiting or connecting — is a shutdown error, not a failure.
 */
export const connectWithBackoff = async <T>(options: ConnectWithBackoffOptions<T>, signal: AbortSignal): Promise<T> => {
  const { destination: d, backoff, clock } = options;
  const { connectTimeout, keepAlive } = options.options;
  const wait = backoff.delayAt(clock.now());
  if (wait > 0) {
    try {
      await clock.sleep(wait, signal);
    } catch {
      throw shutdownError(d, 0, signal.reason);
    }
  }
  const started = performance.now();
  const remaining = (): number => Math.max(1, connectTimeout - (performance.now() - started));
  try {
    const addresses = await resolveHost(d, connectTimeout, signal);
    const opened = await connectSocket(d, addresses, remaining(), signal);
    if (keepAlive > 0) opened.socket.setKeepAlive(true, keepAlive);
    return await options.open({ ...opened, startedAt: started }, remaining());
  } catch (error) {
    if (signal.aborted) throw shutdownError(d, 0, signal.reason);
    const delay = backoff.failed(clock.now());
    options.logger.debug({ error: (error as Error).message, retryInMs: delay }, options.failureMessage);
    throw error;
  }
};
