import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from './services.js';

/** The default of an API source's `maxConcurrentRequests` (issue #20): enough for 1,000 sources polling every 30 s. */
export const DEFAULT_MAX_CONCURRENT_REQUESTS = 16;

/**
 * The `maxConcurrentRequests` option of an API source: the requests in flight at once to its host, shared by every
 * source of that host through its `ApiHostGate` (the lowest value any of them sets applies). `host` and `sources`
 * name them in the description (`'this API host'`, `'Vision One source'`).
 */
export const maxConcurrentRequestsOption = (host: string, sources: string) =>
  z
    .number()
    .int()
    .min(1)
    .max(256)
    .default(DEFAULT_MAX_CONCURRENT_REQUESTS)
    .describe(
      `Requests in flight at once to ${host}, shared by every ${sources} of the host; the lowest value any of them sets applies (${DEFAULT_MAX_CONCURRENT_REQUESTS})`,
    );

/**
 * What every API source of one vendor host shares in one daemon (issue #20, a managed provider polling hundreds of
 * tenants through one API host): a limit on the requests in flight to that host, and a cool-down per tenant (API key
 * or app credential) after the API said "too many requests".
 *
 * - The limit bounds the sockets, response buffers and bursts of the whole daemon toward one host, whatever the
 *   number of sources: a source waits for a free slot before it sends, and frees it once the answer is read. A
 *   source waiting out a back-off or a `Retry-After` holds no slot, so one tenant's 429 never slows another.
 * - A 429 is the tenant's (vendors count rates per API key or per app and tenant: FACTS §B.3, §D.3): every source
 *   of that tenant waits until its `Retry-After` has passed; the other tenants go on.
 *
 * Sources of one origin register their configured limit; the lowest one applies (so two sources never disagree
 * about how hard the host may be pushed), and a source that closes takes its limit away again.
 */
export class ApiHostGate {
  readonly origin: string;
  readonly #limits = new Map<symbol, number>();
  readonly #waiting: Array<{ readonly admit: () => void }> = [];
  readonly #cooldowns = new Map<string, number>();
  #active = 0;
  #peak = 0;

  constructor(origin: string) {
    this.origin = origin;
  }

  /**
   * The requests allowed in flight now: the lowest registered limit (unlimited while none is registered). Kept as
   * sources register and close, not computed per request: with 1,000 sources that was a walk over 1,000 limits twice
   * a request (issue #20).
   */
  get limit(): number {
    return this.#limit;
  }

  #limit = Number.POSITIVE_INFINITY;

  #lowest(): number {
    let limit = Number.POSITIVE_INFINITY;
    for (const value of this.#limits.values()) limit = Math.min(limit, value);
    return limit;
  }

  /** Requests in flight now, requests waiting for a slot, and the most in flight at one moment so far. */
  get load(): { readonly active: number; readonly waiting: number; readonly peak: number } {
    return { active: this.#active, waiting: this.#waiting.length, peak: this.#peak };
  }

  /** A source's limit for this host, until the returned function is called (when the source closes). */
  register(limit: number): () => void {
    const key = Symbol('source');
    const value = Math.max(1, Math.floor(limit));
    this.#limits.set(key, value);
    this.#limit = Math.min(this.#limit, value);
    return () => {
      this.#limits.delete(key);
      this.#limit = this.#lowest();
      this.#pump();
    };
  }

  /**
   * Runs `task` (one request, its body read to the end) once the tenant is not cooling down and a slot is free;
   * the slot is freed when it settles. An abort while waiting rejects with the signal's reason.
   */
  async run<T>(tenant: string, clock: Clock, signal: AbortSignal, task: () => Promise<T>): Promise<T> {
    if (!this.#cooldowns.has(tenant) && this.#active < this.#limit && this.#waiting.length === 0) {
      // The common case, a tenant not cooling down and a slot free, takes it at once, without the waits' promises.
      signal.throwIfAborted();
      this.#take();
    } else {
      for (;;) {
        await this.#coolDown(tenant, clock, signal);
        await this.#acquire(signal);
        // Another source of this tenant may have been told to wait while this one queued for its slot.
        if ((this.#cooldowns.get(tenant) ?? 0) <= clock.now()) break;
        this.#release();
      }
    }
    try {
      return await task();
    } finally {
      this.#release();
    }
  }

  /** The API told this tenant to wait `delayMs` (a 429's `Retry-After`, or the back-off chosen without one). */
  holdTenant(tenant: string, delayMs: number, now: number): void {
    const until = now + Math.max(0, delayMs);
    if (until > (this.#cooldowns.get(tenant) ?? 0)) this.#cooldowns.set(tenant, until);
  }

  /** Until when this tenant waits (epoch ms), if it does. */
  tenantHeldUntil(tenant: string, now: number): number | undefined {
    const until = this.#cooldowns.get(tenant);
    return until !== undefined && until > now ? until : undefined;
  }

  async #coolDown(tenant: string, clock: Clock, signal: AbortSignal): Promise<void> {
    for (;;) {
      signal.throwIfAborted();
      const until = this.#cooldowns.get(tenant);
      const now = clock.now();
      if (until === undefined) return;
      if (until <= now) {
        this.#cooldowns.delete(tenant);
        return;
      }
      await clock.sleep(until - now, signal);
    }
  }

  #acquire(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (this.#active < this.limit && this.#waiting.length === 0) {
      this.#take();
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const entry = {
        admit: () => {
          signal.removeEventListener('abort', onAbort);
          this.#take();
          resolve();
        },
      };
      const onAbort = () => {
        const index = this.#waiting.indexOf(entry);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(entry);
    });
  }

  #take(): void {
    this.#active += 1;
    this.#peak = Math.max(this.#peak, this.#active);
  }

  #release(): void {
    this.#active -= 1;
    this.#pump();
  }

  #pump(): void {
    while (this.#waiting.length > 0 && this.#active < this.limit) this.#waiting.shift()?.admit();
  }
}

const gates = new Map<string, ApiHostGate>();

/** The one gate of an API origin (`https://api.eu.xdr.trendmicro.com`) in this process, shared by every source. */
export const apiHostGate = (origin: string): ApiHostGate => {
  let gate = gates.get(origin);
  if (gate === undefined) {
    gate = new ApiHostGate(origin);
    gates.set(origin, gate);
  }
  return gate;
};

/**
 * The key a tenant's cool-down is kept under: a hash of its credential (API key, or app id and tenant), so the gate
 * holds no secret and two sources with the same key share one.
 */
export const tenantKey = (...credential: readonly string[]): string =>
  createHash('sha256').update(credential.join('\u0000')).digest('base64url').slice(0, 22);
