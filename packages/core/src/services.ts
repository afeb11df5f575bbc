import { serviceRef } from './service-ref.js';

/** Structured logger (pino-compatible): a capitalised sentence as message, context in fields. */
export interface Logger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  child(bindings: object): Logger;
}

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Who this connector is: the config's `instance` (shown as syslog HOSTNAME) and the machine's host name. */
export interface HostIdentity {
  readonly instance: string;
  readonly hostname: string;
}

/** Counters a plugin reports (truncations, oversize drops, retries…), shown by the status line. */
export interface Metrics {
  increment(name: string, labels?: Readonly<Record<string, string>>, by?: number): void;
  snapshot(): ReadonlyArray<{ readonly name: string; readonly labels: Readonly<Record<string, string>>; readonly value: number }>;
}

/** A small durable key-value store for plugin state (tokens, cursors of their own), namespaced per plugin instance. */
export interface StateStore {
  get(namespace: string, key: string): Promise<string | undefined>;
  set(namespace: string, key: string, value: string): Promise<void>;
}

/** The services a plugin may ask for in its `deps`. The host binds each one. */
export const services = {
  logger: serviceRef<Logger>('core.logger'),
  clock: serviceRef<Clock>('core.clock'),
  host: serviceRef<HostIdentity>('core.host'),
  metrics: serviceRef<Metrics>('core.metrics'),
  store: serviceRef<StateStore>('core.store'),
} as const;
