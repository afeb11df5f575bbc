import type { Clock } from '@syslog-connector/core';

/**
 * A sliding one-minute budget of Graph requests (FACTS §D.3: 150 requests per minute per app per tenant on
 * /security). `take` waits, on the source's clock, until a request fits, so the source stays under the limit
 * instead of learning it from 429s. Every attempt counts, retries and token-less ones alike.
 */
export class GraphRequestBudget {
  readonly #perMinute: number;
  readonly #clock: Clock;
  readonly #sent: number[] = [];

  constructor(perMinute: number, clock: Clock) {
    this.#perMinute = perMinute;
    this.#clock = clock;
  }

  async take(signal: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.#clock.now();
      while (this.#sent.length > 0 && (this.#sent[0] ?? 0) <= now - 60_000) this.#sent.shift();
      if (this.#sent.length < this.#perMinute) {
        this.#sent.push(now);
        return;
      }
      await this.#clock.sleep((this.#sent[0] ?? now) + 60_000 - now, signal);
    }
  }
}

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
