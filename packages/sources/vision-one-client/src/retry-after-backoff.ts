/** How often and how long the client retries a request that failed for a passing reason (429, 5xx, timeout). */
export interface RetryPolicy {
  /** Retries after the first attempt (so at most `maxRetries + 1` requests). */
  readonly maxRetries: number;
  /** First back-off step; doubles on each retry. */
  readonly baseDelayMs: number;
  /** Cap of one back-off step. */
  readonly maxDelayMs: number;
  /** Cap of a server-given `Retry-After`, so a broken header cannot park the source for hours. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 5,
  baseDelayMs: 1_000,
  // FACTS §B.3: the rate limit is counted per 60 s window, so a minute always lets it recover.
  maxDelayMs: 60_000,
  maxRetryAfterMs: 300_000,
};

/**
 * The delay before retry number `retry` (0-based): the server's `Retry-After` when it sent one (FACTS §B.3:
 * "honour Retry-After if it is present"), else capped exponential back-off with equal jitter — half the step
 * fixed, half random — so clients that failed together do not retry together, yet each waits at least half a step.
 */
export class RetryAfterBackoff {
  readonly #policy: RetryPolicy;
  readonly #random: () => number;

  constructor(policy: RetryPolicy, random: () => number = Math.random) {
    this.#policy = policy;
    this.#random = random;
  }

  get maxRetries(): number {
    return this.#policy.maxRetries;
  }

  delayMs(retry: number, retryAfterHeader: string | null, now: number): number {
    const fromServer = retryAfterHeader === null ? undefined : parseRetryAfter(retryAfterHeader, now);
    if (fromServer !== undefined) return Math.min(fromServer, this.#policy.maxRetryAfterMs);
    const step = Math.min(this.#policy.maxDelayMs, this.#policy.baseDelayMs * 2 ** retry);
    return Math.round(step / 2 + (this.#random() * step) / 2);
  }
}

/**
 * RFC 9110 §10.2.3: `Retry-After` is either delay-seconds (a non-negative integer) or an HTTP-date. Returns the
 * wait in milliseconds (a date in the past gives 0), or undefined for anything else.
 */
export const parseRetryAfter = (value: string, now: number): number | undefined => {
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Every HTTP-date form (IMF-fixdate, RFC 850, asctime) starts with a weekday name; this keeps numbers like
  // "1.5" or "-3", which Date.parse would accept, from counting as dates.
  if (!/^[A-Za-z]{3,9},? /.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
};
