import type { Clock } from '@syslog-connector/core';

/**
 * A core `Clock` under the test's control: `now()` moves only when the test (or a `sleep`) moves it, and `sleep`
 * returns at once after advancing the time, so retry back-off and Retry-After waits cost no real time. Every
 * requested sleep is kept in `sleeps`, so tests can assert the exact delays a client chose.
 */
export class ManualClock implements Clock {
  #now: number;
  readonly sleeps: number[] = [];

  constructor(startMs: number) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    this.#now += ms;
  }

  set(ms: number): void {
    this.#now = ms;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.sleeps.push(ms);
    this.#now += ms;
    // Yield once, as a real timer would, so callers never rely on a synchronous resume.
    await Promise.resolve();
  }
}
