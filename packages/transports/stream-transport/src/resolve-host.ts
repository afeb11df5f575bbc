import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { dnsError, dnsTimeoutError, type Destination } from './transport-errors.js';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/**
 * The addresses of the destination's host, in the order the system resolver gives them (getaddrinfo: /etc/hosts,
 * then DNS; RFC 6724 ordering). Called on every connect, so a server that moved to a new IP is found without a
 * restart. getaddrinfo cannot be cancelled, so the wait is bounded by a race, not by stopping the lookup.
 */
export const resolveHost = async (d: Destination, timeoutMs: number, signal: AbortSignal): Promise<ResolvedAddress[]> => {
  const family = isIP(d.host);
  if (family !== 0) return [{ address: d.host, family: family as 4 | 6 }];
  const { promise: timedOut, reject } = Promise.withResolvers<never>();
  const timer = setTimeout(() => reject(dnsTimeoutError(d)), timeoutMs);
  const onAbort = () => reject(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const found = await Promise.race([
      lookup(d.host, { all: true, order: 'verbatim' }).catch((error: unknown) => {
        throw dnsError(error, d);
      }),
      timedOut,
    ]);
    if (found.length === 0) throw dnsError(Object.assign(new Error('no addresses'), { code: 'ENODATA' }), d);
    return found.map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
};
