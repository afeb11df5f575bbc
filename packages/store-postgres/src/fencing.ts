import { SyslogConnectorError } from '@syslog-connector/core';

/** The lease name of a source or destination: one namespace per kind, so a source and a destination may share an id. */
export const leaseName = (kind: 'source' | 'destination', id: string): string => `${kind}:${id}`;

/** A lease this daemon holds: every write of its part checks this token in the write's own transaction. */
export interface HeldToken {
  readonly holder: string;
  readonly token: number;
}

/**
 * The fencing tokens of one daemon, shared by its lease coordinator (which sets and clears them) and its journal
 * (which checks them). Until `enforce()` (no coordinator: a single daemon, tests) writes are not checked; after it,
 * a write for a part this daemon holds no lease of is refused too.
 */
export class FencingTokens {
  readonly #held = new Map<string, HeldToken>();
  #enforced = false;

  enforce(): void {
    this.#enforced = true;
  }

  get enforced(): boolean {
    return this.#enforced;
  }

  set(name: string, held: HeldToken): void {
    this.#held.set(name, held);
  }

  clear(name: string): void {
    this.#held.delete(name);
  }

  /** undefined: not checked; otherwise the token the write must still hold (token -1: none held, refused). */
  guard(name: string, holder: string): HeldToken | undefined {
    if (!this.#enforced) return undefined;
    return this.#held.get(name) ?? { holder, token: -1 };
  }
}

/**
 * A write refused because this daemon no longer holds the part's lease (it was paused, partitioned or too slow to
 * renew, and another daemon took over): nothing of the write was stored. `STORE_UNAVAILABLE`, so the runner backs
 * off; the coordinator stops the part at its next heartbeat.
 */
export class LeaseLostError extends SyslogConnectorError {
  readonly lease: string;

  constructor(lease: string, token: number) {
    super(
      'STORE_UNAVAILABLE',
      token < 0
        ? `This daemon holds no lease of ${lease}: the write was refused (fencing).`
        : `This daemon no longer holds the lease of ${lease} (fencing token ${token}): the write was refused, another daemon works it now.`,
      { path: 'store.leaseTimeout', hint: 'nothing to do: the part stops here and goes on at the daemon holding it; if this repeats, the daemon is paused longer than `store.leaseTimeout`' },
    );
    this.name = 'LeaseLostError';
    this.lease = lease;
  }

  static isLeaseLost(error: unknown): error is LeaseLostError {
    return error instanceof LeaseLostError;
  }
}
