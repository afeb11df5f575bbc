/**
 * When the next connection attempt may start after failures: the delay doubles from `initialMs` up to `maxMs`,
 * and each delay is "equal jitter" — half fixed, half random — so many connectors that lost the same server do
 * not all come back in the same millisecond, while the wait never drops below half the nominal delay.
 */
export class ReconnectBackoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #random: () => number;
  #failures = 0;
  #notBefore = 0;

  constructor(initialMs: number, maxMs: number, random: () => number = Math.random) {
    this.#initialMs = initialMs;
    this.#maxMs = maxMs;
    this.#random = random;
  }

  /** Consecutive failures since the last successful connect. */
  get failures(): number {
    return this.#failures;
  }

  /** Records a failed attempt (or a broken connection) at `now`; returns the delay chosen, in milliseconds. */
  failed(now: number): number {
    this.#failures += 1;
    // 2 ** 30 already exceeds any sane maxDelay; capping the exponent keeps the number finite.
    const nominal = Math.min(this.#maxMs, this.#initialMs * 2 ** Math.min(this.#failures - 1, 30));
    const delay = Math.round(nominal / 2 + (this.#random() * nominal) / 2);
    this.#notBefore = now + delay;
    return delay;
  }

  /** A connection is up: the next failure starts from `initialMs` again. */
  succeeded(): void {
    this.#failures = 0;
    this.#notBefore = 0;
  }

  /** Milliseconds to wait at `now` before the next attempt (0 when it may start at once). */
  delayAt(now: number): number {
    return Math.max(0, this.#notBefore - now);
  }
}
