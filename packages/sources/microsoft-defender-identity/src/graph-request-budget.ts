import type { Clock } from '@syslog-connector/core';

const MINUTE_MS = 60_000;

/**
 * A sliding one-minute budget of Graph requests for one app in one tenant (FACTS §D.3: 150 requests per minute per
 * app per tenant on /security), shared by every MDI source of that host, tenant and client id in the daemon — two
 * sources of one app registration (alerts and health issues, or the same tenant configured twice) draw from one
 * budget, as Graph counts them (issue #20). `take` waits, on the caller's clock, until a request fits, so the
 * sources stay under the limit instead of learning it from 429s. Every attempt counts, retries and token-less ones
 * alike; token requests go to the authority host and are not counted.
 *
 * Sources register their `requestsPerMinute`; the lowest one applies (the pattern of core's `ApiHostGate`, whose
 * tenant key this budget is kept under). A source that closes takes its value away; the budget is forgotten once
 * no source holds it and its last request is a minute old, so a reload that replaces a source keeps the minute.
 */
export class GraphRequestBudget {
  readonly #limits = new Map<symbol, number>();
  readonly #sent: number[] = [];
  #perMinute = Number.POSITIVE_INFINITY;

  /** Requests allowed per sliding minute now: the lowest registered value (unlimited while none is). */
  get perMinute(): number {
    return this.#perMinute;
  }

  /** A source's `requestsPerMinute`, until the returned function is called (when the source closes). */
  register(perMinute: number): () => void {
    const key = Symbol('source');
    this.#limits.set(key, Math.max(1, Math.floor(perMinute)));
    this.#perMinute = Math.min(...this.#limits.values());
    return () => {
      this.#limits.delete(key);
      this.#perMinute = this.#limits.size === 0 ? Number.POSITIVE_INFINITY : Math.min(...this.#limits.values());
    };
  }

  /** No source holds this budget and it sent nothing in the last minute: it can be forgotten. */
  unused(now: number): boolean {
    return this.#limits.size === 0 && (this.#sent.at(-1) ?? Number.NEGATIVE_INFINITY) <= now - MINUTE_MS;
  }

  async take(clock: Clock, signal: AbortSignal): Promise<void> {
    for (;;) {
      signal.throwIfAborted();
      const now = clock.now();
      while (this.#sent.length > 0 && (this.#sent[0] ?? 0) <= now - MINUTE_MS) this.#sent.shift();
      if (this.#sent.length < this.#perMinute) {
        this.#sent.push(now);
        return;
      }
      // The oldest request of the window leaves it then; another source of the tenant may take that place first.
      await clock.sleep((this.#sent[this.#sent.length - this.#perMinute] ?? now) + MINUTE_MS - now, signal);
    }
  }
}

const budgets = new Map<string, GraphRequestBudget>();

/**
 * The one budget of a Graph app in a tenant in this process, under its tenant key (core `tenantKey` of host, tenant
 * id and client id: no secret). Budgets nobody uses any more are dropped when a new one is made.
 */
export const graphRequestBudget = (tenant: string, now: number): GraphRequestBudget => {
  let budget = budgets.get(tenant);
  if (budget === undefined) {
    for (const [key, old] of budgets) if (old.unused(now)) budgets.delete(key);
    budget = new GraphRequestBudget();
    budgets.set(tenant, budget);
  }
  return budget;
};

/**
 * RFC 9110 §10.2.3: `Retry-After` is delay-seconds or an HTTP-date. Returns milliseconds to wait (a past date is
 * 0), or undefined for anything else.
 */
export const parseRetryAfter = (value: string | null, now: number): number | undefined => {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/^[A-Za-z]{3,9},? /.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
};
