import { connect, type Socket } from 'node:net';
import type { ResolvedAddress } from './resolve-host.js';
import { connectError, connectTimeoutError, type Destination } from './transport-errors.js';
import type { TransportError } from '@syslog-connector/core';

/**
 * Opens a TCP connection to the first of `addresses` that accepts, trying them in order within one deadline
 * (`timeoutMs` for all of them together). Fails with the first address's error when every one refuses, or with a
 * timeout error when the deadline passes. An aborted `signal` rejects with its reason.
 */
export const connectSocket = async (
  d: Destination,
  addresses: readonly ResolvedAddress[],
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ readonly socket: Socket; readonly address: ResolvedAddress }> => {
  const deadline = performance.now() + timeoutMs;
  let firstError: TransportError | undefined;
  for (const address of addresses) {
    const remaining = deadline - performance.now();
    if (remaining <= 0) break;
    try {
      const socket = await connectOnce(d, address, remaining, signal);
      return { socket, address };
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      // A timeout ends the search: the deadline is shared, so later addresses would get no time at all.
      if ((error as TransportError).code === 'TRANSPORT_TIMEOUT') throw error;
      firstError ??= error as TransportError;
    }
  }
  throw firstError ?? connectTimeoutError(d);
};

const connectOnce = (d: Destination, address: ResolvedAddress, timeoutMs: number, signal: AbortSignal): Promise<Socket> =>
  new Promise<Socket>((resolve, reject) => {
    signal.throwIfAborted();
    // `host` is an IP literal, so net.connect does no lookup of its own.
    const socket = connect({ host: address.address, port: d.port, family: address.family });
    const settle = (error: unknown) => {
      clearTimeout(timer);
      socket.off('connect', onConnect);
      socket.off('error', onError);
      signal.removeEventListener('abort', onAbort);
      if (error === undefined) {
        resolve(socket);
      } else {
        socket.destroy();
        reject(error);
      }
    };
    const onConnect = () => settle(undefined);
    const onError = (error: Error) => settle(connectError(error, d, address.address));
    const onAbort = () => settle(signal.reason);
    const timer = setTimeout(() => settle(connectTimeoutError(d)), timeoutMs);
    socket.once('connect', onConnect);
    socket.once('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
