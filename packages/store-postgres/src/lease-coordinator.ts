import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '@syslog-connector/core';
import type {
  RevokeReason,
  WorkAssignment,
  WorkHandlers,
  WorkKind,
  WorkLease,
  WorkPart,
} from '@syslog-connector/core/engine';
import type pg from 'pg';
import { leaseName } from './fencing.js';
import type { PostgresJournal } from './postgres-journal.js';

/** Default bound of a takeover: a daemon that stops renewing loses its parts to another within this time. */
export const DEFAULT_LEASE_TIMEOUT_MS = 15_000;

export interface LeaseCoordinatorOptions {
  readonly journal: PostgresJournal;
  /** The config's `instance`, shown beside the member id in `status`. */
  readonly instance: string;
  /**
   * The bound of a takeover (`store.leaseTimeout`): a lease lasts half of it and is renewed every sixth, so another
   * daemon takes a dead one's parts within it (with the journal's `sessionTimeoutMs` at a quarter of it, a daemon
   * paused inside a transaction does not hold the takeover back). Default 15 s.
   */
  readonly leaseTimeoutMs?: number;
  readonly logger?: Logger;
}

interface Held {
  readonly part: WorkPart;
  readonly token: number;
}

const partOf = (name: string): WorkPart => {
  const at = name.indexOf(':');
  return { kind: name.slice(0, at) as WorkKind, id: name.slice(at + 1) };
};

/** A stable, per-member order of the free parts, so daemons starting together try different parts first. */
const spread = (member: string, names: readonly string[]): string[] => {
  const score = (name: string): number => {
    let hash = 2_166_136_261;
    for (const char of `${member}|${name}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16_777_619);
    return hash >>> 0;
  };
  return [...names].sort((a, b) => score(a) - score(b));
};

/**
 * Shares the sources and destinations of a config among the daemons of one PostgreSQL store (issue #19).
 *
 * Every daemon is a row of `members` with a heartbeat; N is the number whose heartbeat has not expired. Each part is
 * a row of `leases` held by one daemon until `expires_at`, with a fencing token that grows at each acquisition. At
 * every tick (a sixth of the lease timeout) a daemon renews its leases, gives away what is above its fair share —
 * ceil(M / N) of each kind — and takes free or expired parts up to it. The journal's writes check the token in
 * their own transaction (`FencingTokens`), so a daemon paused past its lease writes nothing after another took the
 * part over; every time is the database's clock, the one all daemons share.
 */
export class LeaseCoordinator implements WorkAssignment {
  readonly member: string;
  readonly #journal: PostgresJournal;
  readonly #instance: string;
  readonly #timeoutMs: number;
  readonly #ttlMs: number;
  readonly #tickMs: number;
  readonly #logger: Logger | undefined;
  readonly #held = new Map<string, Held>();
  #parts: readonly WorkPart[] = [];
  #handlers: WorkHandlers | undefined;
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> = Promise.resolve();
  #halted = false;
  #ticks = 0;
  /** Local time of the last renewal the database confirmed: past the lease, every part stops here. */
  #renewedAt = 0;
  #unreachable = false;

  constructor(options: LeaseCoordinatorOptions) {
    this.#journal = options.journal;
    this.member = options.journal.holder;
    this.#instance = options.instance;
    this.#timeoutMs = options.leaseTimeoutMs ?? DEFAULT_LEASE_TIMEOUT_MS;
    if (!Number.isSafeInteger(this.#timeoutMs) || this.#timeoutMs < 600) throw new RangeError(`leaseTimeoutMs must be an integer of 600 or more, got ${this.#timeoutMs}`);
    this.#ttlMs = Math.floor(this.#timeoutMs / 2);
    this.#tickMs = Math.floor(this.#timeoutMs / 6);
    this.#logger = options.logger;
    options.journal.fencing.enforce();
  }

  /** A member id for this process: host, PID and a random suffix (a restarted daemon is a new member). */
  static memberId(): string {
    return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  }

  async start(parts: readonly WorkPart[], handlers: WorkHandlers): Promise<void> {
    this.#parts = parts;
    this.#handlers = handlers;
    // The first tick only joins: daemons started together all count as members before any takes a share.
    await this.#tick();
    this.#schedule();
  }

  update(parts: readonly WorkPart[]): void {
    this.#parts = parts;
  }

  holds(part: WorkPart): boolean {
    return this.#held.has(leaseName(part.kind, part.id));
  }

  /** The parts this daemon works now. */
  get held(): readonly WorkPart[] {
    return [...this.#held.values()].map((h) => h.part);
  }

  async halt(): Promise<void> {
    this.#halted = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await this.#ticking;
  }

  async release(): Promise<void> {
    await this.halt();
    const names = [...this.#held.keys()];
    const tokens = names.map((name) => (this.#held.get(name) as Held).token);
    for (const name of names) this.#journal.fencing.clear(name);
    this.#held.clear();
    try {
      await this.#journal.withClient('giving its leases up', async (client) => {
        await client.query(
          'UPDATE leases SET holder = NULL, expires_at = clock_timestamp() FROM unnest($1::text[], $2::bigint[]) AS mine(name, token) ' +
            'WHERE leases.name = mine.name AND leases.token = mine.token AND leases.holder = $3',
          [names, tokens, this.member],
        );
        await client.query('DELETE FROM members WHERE id = $1', [this.member]);
      });
      if (names.length > 0) this.#logger?.info({ member: this.member, released: names }, 'Leases given up: other daemons take these parts over now.');
    } catch (error) {
      // Unreachable: the leases expire on their own within the lease timeout.
      this.#logger?.warn({ member: this.member, error: (error as Error).message }, 'Leases could not be given up; they expire on their own.');
    }
  }

  async leases(): Promise<readonly WorkLease[]> {
    return readLeases(this.#journal);
  }

  #schedule(): void {
    if (this.#halted) return;
    this.#timer = setTimeout(() => {
      this.#ticking = this.#tick().finally(() => this.#schedule());
    }, this.#tickMs);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    if (this.#halted) return;
    const startedAt = Date.now();
    try {
      await this.#round();
      this.#renewedAt = startedAt;
      if (this.#unreachable) this.#logger?.info({ member: this.member }, 'PostgreSQL store reachable again: leases renewed.');
      this.#unreachable = false;
    } catch (error) {
      if (!this.#unreachable) this.#logger?.warn({ member: this.member, error: (error as Error).message }, 'Lease renewal failed; retrying.');
      this.#unreachable = true;
      // Past the lease without a confirmed renewal, another daemon may hold the parts now: stop them here.
      if (Date.now() - this.#renewedAt >= this.#ttlMs) await this.#drop([...this.#held.keys()], 'lost');
    }
  }

  /** One round: heartbeat, renew, count members, give away above the fair share, take up to it. */
  async #round(): Promise<void> {
    const ttl = `${this.#ttlMs} milliseconds`;
    const join = this.#ticks === 0;
    this.#ticks += 1;
    const { live, renewed } = await this.#journal.withClient('renewing its leases', async (client) => {
      await client.query(
        'INSERT INTO members (id, instance, hostname, pid, started_at, heartbeat_at, expires_at) VALUES ($1, $2, $3, $4, clock_timestamp(), clock_timestamp(), clock_timestamp() + $5::interval) ' +
          'ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at',
        [this.member, this.#instance, hostname(), process.pid, ttl],
      );
      // Members gone for ten leases are forgotten (their leases were taken over long ago).
      await client.query("DELETE FROM members WHERE expires_at < clock_timestamp() - $1::interval * 10", [ttl]);
      const names = [...this.#held.keys()];
      const renewedRows = await client.query<{ name: string }>(
        'UPDATE leases SET expires_at = clock_timestamp() + $4::interval FROM unnest($1::text[], $2::bigint[]) AS mine(name, token) ' +
          'WHERE leases.name = mine.name AND leases.token = mine.token AND leases.holder = $3 AND leases.expires_at > clock_timestamp() RETURNING leases.name',
        [names, names.map((name) => (this.#held.get(name) as Held).token), this.member, ttl],
      );
      const count = await client.query<{ n: number }>('SELECT count(*)::int8 AS n FROM members WHERE expires_at > clock_timestamp()');
      return { live: Math.max(1, count.rows[0]?.n ?? 1), renewed: new Set(renewedRows.rows.map((r) => r.name)) };
    });
    const lost = [...this.#held.keys()].filter((name) => !renewed.has(name));
    if (lost.length > 0) await this.#drop(lost, 'lost');
    const wanted = new Set(this.#parts.map((part) => leaseName(part.kind, part.id)));
    // Parts no longer in the config: given up.
    const removed = [...this.#held.keys()].filter((name) => !wanted.has(name));
    if (removed.length > 0) await this.#giveAway(removed, 'removed');
    if (join || this.#halted) return;
    for (const kind of ['source', 'destination'] as const) {
      const mine = this.#parts.filter((part) => part.kind === kind);
      const fair = Math.ceil(mine.length / live);
      const held = [...this.#held.values()].filter((h) => h.part.kind === kind).map((h) => leaseName(h.part.kind, h.part.id));
      if (held.length > fair) {
        await this.#giveAway(spread(this.member, held).slice(fair), 'rebalance');
      } else if (held.length < fair) {
        await this.#take(
          mine.map((part) => leaseName(part.kind, part.id)).filter((name) => !this.#held.has(name)),
          fair - held.length,
          ttl,
        );
      }
    }
  }

  /** Takes up to `room` of these parts whose lease is free or expired, in this member's order. */
  async #take(candidates: readonly string[], room: number, ttl: string): Promise<void> {
    const free = await this.#journal.withClient('looking for free parts', async (client) => {
      const { rows } = await client.query<{ name: string }>(
        'SELECT name FROM unnest($1::text[]) AS wanted(name) WHERE NOT EXISTS (SELECT 1 FROM leases WHERE leases.name = wanted.name AND leases.holder IS NOT NULL AND leases.expires_at > clock_timestamp())',
        [candidates],
      );
      return rows.map((r) => r.name);
    });
    let taken = 0;
    for (const name of spread(this.member, free)) {
      if (taken >= room || this.#halted) break;
      const acquired = await this.#journal.withClient(`taking the lease of ${name}`, (client) => acquire(client, name, this.member, ttl));
      if (acquired === undefined) continue;
      taken += 1;
      const part = partOf(name);
      this.#held.set(name, { part, token: acquired.token });
      this.#journal.fencing.set(name, { holder: this.member, token: acquired.token });
      if (acquired.from !== undefined) {
        this.#logger?.warn({ member: this.member, part: name, from: acquired.from, token: acquired.token }, 'Took over a part whose daemon stopped renewing its lease.');
      } else {
        this.#logger?.info({ member: this.member, part: name, token: acquired.token }, 'Lease taken: this daemon works the part now.');
      }
      try {
        await this.#handlers?.grant(part);
      } catch (error) {
        this.#logger?.error({ member: this.member, part: name, error: (error as Error).message }, 'The part could not start here; its lease is given up.');
        await this.#giveAway([name], 'rebalance');
      }
    }
  }

  /** Stops these parts here (the host first), then frees their leases for another daemon. */
  async #giveAway(names: readonly string[], reason: RevokeReason): Promise<void> {
    const tokens = names.map((name) => this.#held.get(name)?.token ?? -1);
    await this.#drop(names, reason);
    await this.#journal.withClient('giving leases away', async (client) => {
      await client.query(
        'UPDATE leases SET holder = NULL, expires_at = clock_timestamp() FROM unnest($1::text[], $2::bigint[]) AS mine(name, token) ' +
          'WHERE leases.name = mine.name AND leases.token = mine.token AND leases.holder = $3',
        [names, tokens, this.member],
      );
    });
    this.#logger?.info({ member: this.member, parts: names, reason }, 'Parts given away to even the load across daemons.');
  }

  /** Stops these parts here and forgets their tokens (writes for them are refused from now on). */
  async #drop(names: readonly string[], reason: RevokeReason): Promise<void> {
    for (const name of names) {
      const held = this.#held.get(name);
      if (held === undefined) continue;
      this.#held.delete(name);
      this.#journal.fencing.clear(name);
      if (reason === 'lost') {
        this.#logger?.warn({ member: this.member, part: name, token: held.token }, 'Lease lost: another daemon works this part now; it stops here.');
      }
      try {
        await this.#handlers?.revoke(held.part, reason);
      } catch (error) {
        this.#logger?.error({ member: this.member, part: name, error: (error as Error).message }, 'Stopping the part failed.');
      }
    }
  }
}

/**
 * Takes a lease that is free (never held, or given up) or expired: the next token, and a takeover recorded when it
 * had a holder that stopped renewing. The UPDATE waits for the old holder's write in flight (it share-locks the
 * row), so no write of the old token commits after this one.
 */
const acquire = async (client: pg.PoolClient, name: string, member: string, ttl: string): Promise<{ token: number; from: string | undefined } | undefined> => {
  const { rows } = await client.query<{ token: number; previous: string | null }>(
    `WITH before AS (SELECT holder FROM leases WHERE name = $1)
     INSERT INTO leases AS l (name, holder, token, acquired_at, expires_at) VALUES ($1, $2, 1, clock_timestamp(), clock_timestamp() + $3::interval)
     ON CONFLICT (name) DO UPDATE SET
       holder = excluded.holder,
       token = l.token + 1,
       acquired_at = excluded.acquired_at,
       expires_at = excluded.expires_at,
       takeovers = l.takeovers + (CASE WHEN l.holder IS NOT NULL AND l.holder <> excluded.holder THEN 1 ELSE 0 END),
       last_takeover_at = CASE WHEN l.holder IS NOT NULL AND l.holder <> excluded.holder THEN clock_timestamp() ELSE l.last_takeover_at END,
       last_takeover_from = CASE WHEN l.holder IS NOT NULL AND l.holder <> excluded.holder THEN l.holder ELSE l.last_takeover_from END
     WHERE l.holder IS NULL OR l.expires_at <= clock_timestamp()
     RETURNING l.token, (SELECT holder FROM before) AS previous`,
    [name, member, ttl],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  return { token: row.token, from: row.previous === null || row.previous === member ? undefined : row.previous };
};

const epoch = (value: Date | null): number | undefined => (value === null ? undefined : value.getTime());

/** Who holds every part of a store, read by any process (a daemon's `status`, `syslog-connector status`). */
export const readLeases = async (journal: PostgresJournal): Promise<readonly WorkLease[]> =>
  journal.withClient('reading the leases', async (client) => {
    const { rows } = await client.query<{
      name: string;
      holder: string | null;
      instance: string | null;
      acquired_at: Date | null;
      expires_at: Date | null;
      token: number;
      takeovers: number;
      last_takeover_at: Date | null;
      last_takeover_from: string | null;
    }>(
      'SELECT l.name, CASE WHEN l.expires_at > clock_timestamp() THEN l.holder END AS holder, m.instance, l.acquired_at, l.expires_at, l.token, l.takeovers, l.last_takeover_at, l.last_takeover_from ' +
        'FROM leases l LEFT JOIN members m ON m.id = l.holder AND m.expires_at > clock_timestamp() ORDER BY l.name',
    );
    return rows.map((row) => {
      const part = partOf(row.name);
      return {
        kind: part.kind,
        id: part.id,
        holder: row.holder ?? undefined,
        holderInstance: row.holder === null ? undefined : (row.instance ?? undefined),
        since: row.holder === null ? undefined : epoch(row.acquired_at),
        expiresAt: row.holder === null ? undefined : epoch(row.expires_at),
        token: row.token,
        takeovers: row.takeovers,
        lastTakeoverAt: epoch(row.last_takeover_at),
        lastTakeoverFrom: row.last_takeover_from ?? undefined,
      };
    });
  });
