import type { StateStore } from '@syslog-connector/core';

/** Plugin state for one-shot commands (`test-connection`, `send-test`) that must not touch the daemon's store. */
export class InMemoryStateStore implements StateStore {
  readonly #values = new Map<string, string>();

  get(namespace: string, key: string): Promise<string | undefined> {
    return Promise.resolve(this.#values.get(`${namespace}\u0000${key}`));
  }

  set(namespace: string, key: string, value: string): Promise<void> {
    this.#values.set(`${namespace}\u0000${key}`, value);
    return Promise.resolve();
  }
}
