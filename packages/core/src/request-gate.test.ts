import { describe, expect, it } from 'vitest';
import type { Clock } from './services.js';
import { ApiHostGate, apiHostGate, tenantKey } from './request-gate.js';

/** A clock whose sleeps end only when the test moves time past them. */
class SteppedClock implements Clock {
  #now = 0;
  readonly #sleepers: Array<{ until: number; wake: () => void }> = [];
  now(): number {
    return this.#now;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const sleeper = { until: this.#now + ms, wake: resolve };
      this.#sleepers.push(sleeper);
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }
  advance(ms: number): void {
    this.#now += ms;
    for (const sleeper of this.#sleepers.splice(0)) {
      if (sleeper.until <= this.#now) sleeper.wake();
      else this.#sleepers.push(sleeper);
    }
  }
}

const turns = async (n = 5): Promise<void> => {
  for (let i = 0; i < n; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
};

/** A task that stays in flight until the test ends it. */
const pending = () => {
  let end: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (end = resolve));
  return { task: () => done, end: () => end() };
};

describe('ApiHostGate', () => {
  it('lets no more tasks run at once than the lowest registered limit, and admits the waiting in order', async () => {
    const gate = new ApiHostGate('https://api.example');
    const clock = new SteppedClock();
    const signal = new AbortController().signal;
    const release = [gate.register(3), gate.register(2)];
    const tasks = Array.from({ length: 5 }, () => pending());
    const started: number[] = [];
    const runs = tasks.map((t, i) =>
      gate.run('tenant', clock, signal, () => {
        started.push(i);
        return t.task();
      }),
    );
    await turns();
    expect(started).toEqual([0, 1]);
    expect(gate.load).toEqual({ active: 2, waiting: 3, peak: 2 });
    tasks[0]?.end();
    await turns();
    expect(started).toEqual([0, 1, 2]);
    // The source that set 2 closes: 3 applies, one more is admitted.
    release[1]?.();
    await turns();
    expect(started).toEqual([0, 1, 2, 3]);
    for (const t of tasks) t.end();
    await Promise.all(runs);
    expect(gate.load).toMatchObject({ active: 0, waiting: 0, peak: 3 });
    release[0]?.();
  });

  it('holds a tenant told to wait, without a slot, while other tenants go on', async () => {
    const gate = new ApiHostGate('https://api.example');
    const clock = new SteppedClock();
    const signal = new AbortController().signal;
    const release = gate.register(1);
    gate.holdTenant('a', 30_000, clock.now());
    const order: string[] = [];
    const a = gate.run('a', clock, signal, async () => void order.push('a'));
    const b = gate.run('b', clock, signal, async () => void order.push('b'));
    await b;
    await turns();
    expect(order).toEqual(['b']);
    expect(gate.load.active).toBe(0);
    expect(gate.tenantHeldUntil('a', clock.now())).toBe(30_000);
    clock.advance(30_000);
    await a;
    expect(order).toEqual(['b', 'a']);
    expect(gate.tenantHeldUntil('a', clock.now())).toBeUndefined();
    release();
  });

  it('gives a waiting task up when its signal aborts, and the queue moves on', async () => {
    const gate = new ApiHostGate('https://api.example');
    const clock = new SteppedClock();
    const release = gate.register(1);
    const first = pending();
    const running = gate.run('t', clock, new AbortController().signal, first.task);
    const controller = new AbortController();
    const waiting = gate.run('t', clock, controller.signal, async () => 'never');
    await turns();
    controller.abort(new Error('stopping'));
    await expect(waiting).rejects.toThrow('stopping');
    expect(gate.load.waiting).toBe(0);
    first.end();
    await running;
    expect(gate.load.active).toBe(0);
    release();
  });

  it('is one gate per origin in the process, and keys tenants by a hash of their credential', () => {
    expect(apiHostGate('https://api.eu.example')).toBe(apiHostGate('https://api.eu.example'));
    expect(apiHostGate('https://api.eu.example')).not.toBe(apiHostGate('https://api.us.example'));
    const key = tenantKey('https://api.eu.example', 'secret-api-key-123456');
    expect(key).toBe(tenantKey('https://api.eu.example', 'secret-api-key-123456'));
    expect(key).not.toContain('secret');
    expect(key).not.toBe(tenantKey('https://api.eu.example', 'another-api-key-65432'));
  });
});
