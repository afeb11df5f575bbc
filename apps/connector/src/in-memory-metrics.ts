import type { Metrics } from '@syslog-connector/core';

/** Counters kept in memory for the status line; plugins report through the core `Metrics` service. */
export class InMemoryMetrics implements Metrics {
  readonly #counters = new Map<string, { name: string; labels: Readonly<Record<string, string>>; value: number }>();

  increment(name: string, labels: Readonly<Record<string, string>> = {}, by = 1): void {
    const key = `${name}${JSON.stringify(labels)}`;
    const counter = this.#counters.get(key);
    if (counter === undefined) this.#counters.set(key, { name, labels, value: by });
    else counter.value += by;
  }

  snapshot() {
    return [...this.#counters.values()].map((c) => ({ ...c }));
  }
}
