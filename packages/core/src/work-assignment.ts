/**
 * Which sources and destinations this daemon works (issue #19). With the embedded store one daemon works everything (the
 * host's default: no assignment); with a shared store several daemons split the work by leases, and the host starts and
 * stops each part when its assignment says so. The host asks nothing else: how the parts are shared is the
 * assignment's business.
 */
export type WorkKind = 'source' | 'destination';

/** A source or destination of the config. */
export interface WorkPart {
  readonly kind: WorkKind;
  readonly id: string;
}

/** Why a part stops here: its lease was lost (another daemon took over), given away to even the load, or the daemon stops. */
export type RevokeReason = 'lost' | 'rebalance' | 'removed' | 'shutdown';

/** What the assignment asks of the host. */
export interface WorkHandlers {
  /** This daemon may work the part now: start it (from its checkpoint or cursor). */
  grant(part: WorkPart): Promise<void>;
  /**
   * This daemon must stop working the part: resolves once it no longer writes (for `rebalance`, after the
   * destination's in-flight send; for `lost`, at once: its writes are refused anyway).
   */
  revoke(part: WorkPart, reason: RevokeReason): Promise<void>;
}

/** Who holds a part, for `status` and the metrics. Times are epoch ms. */
export interface WorkLease {
  readonly kind: WorkKind;
  readonly id: string;
  /** The daemon holding it (its member id); undefined: free. */
  readonly holder: string | undefined;
  /** That daemon's `instance`, when it is a live member. */
  readonly holderInstance: string | undefined;
  readonly since: number | undefined;
  readonly expiresAt: number | undefined;
  /** The fencing token: grows by one at each acquisition. */
  readonly token: number;
  /** How many times another daemon took it over from a holder that stopped renewing. */
  readonly takeovers: number;
  readonly lastTakeoverAt: number | undefined;
  readonly lastTakeoverFrom: string | undefined;
}

export interface WorkAssignment {
  /** This daemon's id among those sharing the work. */
  readonly member: string;
  /** Coordinates these parts (every source and destination of the config) from now on, through `handlers`. */
  start(parts: readonly WorkPart[], handlers: WorkHandlers): Promise<void>;
  /** After a reload: the parts to coordinate now. Does not wait for grants (the host may be mid-reload). */
  update(parts: readonly WorkPart[]): void;
  /** Whether this daemon works the part now (a reload starts a changed part again only if so). */
  holds(part: WorkPart): boolean;
  /** No more grants or revokes; waits for the one in progress. The host then stops what runs. */
  halt(): Promise<void>;
  /** After the host stopped every part: gives every lease up, so another daemon takes over at once. */
  release(): Promise<void>;
  /** Who holds what; undefined when the work is not shared (one daemon works everything). */
  leases?(): Promise<readonly WorkLease[]>;
}
