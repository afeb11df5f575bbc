import type { Clock } from '../services.js';

interface Waiter {
  readonly due: number;
  readonly signal: AbortSignal;
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
}

/**
 * One timer for every source runner of a clock that wakes up on a tick grid (`SourceSchedule.tickMs`), instead of
 * one per runner (issue #20: 1,000 idle sources). Waiters are kept by the time they are due, a sorted list of the
 * distinct times (with a 500 ms grid and a 30 s interval, about 60) and one `clock.sleep` armed for the earliest:
 * each wake-up resolves every waiter due by then and arms the next. An aborted waiter rejects with its signal's
 * reason at once and leaves its slot; once no one waits, no timer is left to keep the process alive. A signal gets
 * one 'abort' listener for its life, not one per wait: adding and removing it at every poll was a tenth of an idle
 * runner's garbage.
 */
export class SharedWakeUps {
  readonly #clock: Clock;
  /** Waiters by due time (epoch ms). */
  readonly #slots = new Map<number, Set<Waiter>>();
  /** The keys of `#slots`, ascending. */
  readonly #dues: number[] = [];
  #armed: { readonly due: number; readonly controller: AbortController } | undefined;
  /** The waiters of each signal, rejected when it aborts (its one listener). */
  readonly #bySignal = new WeakMap<AbortSignal, Set<Waiter>>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** How many wait (for tests and the bench). */
  get waiting(): number {
    let count = 0;
    for (const slot of this.#slots.values()) count += slot.size;
    return count;
  }

  /** Resolves once the clock reaches `due` (epoch ms), or rejects with the signal's reason when it aborts first. */
  until(due: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { due, signal, resolve, reject };
      this.#waitersOf(signal).add(waiter);
      let slot = this.#slots.get(due);
      if (slot === undefined) {
        slot = new Set();
        this.#slots.set(due, slot);
        this.#dues.splice(this.#indexFor(due), 0, due);
      }
      slot.add(waiter);
      if (this.#armed === undefined || due < this.#armed.due) this.#arm();
    });
  }

  #waitersOf(signal: AbortSignal): Set<Waiter> {
    let waiters = this.#bySignal.get(signal);
    if (waiters === undefined) {
      const set = new Set<Waiter>();
      signal.addEventListener(
        'abort',
        () => {
          for (const waiter of set) {
            this.#remove(waiter);
            waiter.reject(signal.reason);
          }
          set.clear();
        },
        { once: true },
      );
      this.#bySignal.set(signal, set);
      waiters = set;
    }
    return waiters;
  }

  /** Where `due` goes in `#dues` (binary search). */
  #indexFor(due: number): number {
    let low = 0;
    let high = this.#dues.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.#dues[middle] as number) < due) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  #remove(waiter: Waiter): void {
    const slot = this.#slots.get(waiter.due);
    if (slot === undefined || !slot.delete(waiter) || slot.size > 0) return;
    this.#slots.delete(waiter.due);
    this.#dues.splice(this.#indexFor(waiter.due), 1);
    if (this.#armed?.due === waiter.due) this.#arm();
  }

  /** (Re)arms the one timer for the earliest due time; none when no one waits. */
  #arm(): void {
    this.#armed?.controller.abort();
    this.#armed = undefined;
    const due = this.#dues[0];
    if (due === undefined) return;
    const armed = { due, controller: new AbortController() };
    this.#armed = armed;
    this.#clock.sleep(Math.max(0, due - this.#clock.now()), armed.controller.signal).then(
      () => {
        if (this.#armed !== armed) return;
        this.#armed = undefined;
        this.#wake(due);
      },
      // Re-armed for an earlier time, or every waiter left.
      () => undefined,
    );
  }

  /** Resolves every waiter due by now (at least those of `armedFor`: a timer may end a millisecond early). */
  #wake(armedFor: number): void {
    const now = Math.max(this.#clock.now(), armedFor);
    while (this.#dues.length > 0 && (this.#dues[0] as number) <= now) {
      const due = this.#dues.shift() as number;
      const slot = this.#slots.get(due);
      this.#slots.delete(due);
      for (const waiter of slot ?? []) {
        this.#bySignal.get(waiter.signal)?.delete(waiter);
        waiter.resolve();
      }
    }
    this.#arm();
  }
}

const byClock = new WeakMap<Clock, SharedWakeUps>();

/** The shared wake-ups of this clock (one per clock: tests with their own clock get their own). */
export const sharedWakeUps = (clock: Clock): SharedWakeUps => {
  if (!byClock.has(clock)) byClock.set(clock, new SharedWakeUps(clock));
  return byClock.get(clock) as SharedWakeUps;
};
