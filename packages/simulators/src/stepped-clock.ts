import type { Clock } from '@syslog-connector/core';

/**
 * A core `Clock` whose time moves only when the test moves it, and whose sleeps end only then: unlike
 * `ManualClock`, a sleep does not move the time for everyone else. Tests of several clients sharing one limit (a
 * per-minute budget) see every client blocked (`sleeping`), move to the next deadline (`advanceToNextWake`) and
 * count what happened at each instant, without real time passing.
 */
export class SteppedClock implements Clock {
  #now: number;
  #parked: Array<{ readonly until: number; readonly wake: () => void }> = [];

  constructor(startMs: number) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  /** Sleeps not yet ended. */
  get sleeping(): number {
    return this.#parked.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    return new Promise<void>((resolve, reject) => {
      const entry = { until: this.#now + Math.max(0, ms), wake: resolve };
      this.#parked.push(entry);
      signal?.addEventListener(
        'abort',
        () => {
          this.#parked = this.#parked.filter((p) => p !== entry);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  /** Moves the time to the earliest deadline of a sleep and ends every sleep due then; false when none sleeps. */
  advanceToNextWake(): boolean {
    if (this.#parked.length === 0) return false;
    this.#now = Math.max(this.#now, Math.min(...this.#parked.map((p) => p.until)));
    const due = this.#parked.filter((p) => p.until <= this.#now);
    this.#parked = this.#parked.filter((p) => p.until > this.#now);
    for (const p of due) p.wake();
    return true;
  }
}
