import { hostname } from 'node:os';
import {
  type Clock,
  type ConnectorConfig,
  DestinationRunner,
  type Journal,
  type Logger,
  type PluginRegistry,
  SourceRunner,
  type StateStore,
  systemClock,
} from '@syslog-connector/core';
import type { Container } from 'inversify';
import { createContainer, ids } from './container/create-container.js';
import { InMemoryMetrics } from './in-memory-metrics.js';

export interface ConnectorStatus {
  readonly sources: ReadonlyArray<SourceRunner['stats']>;
  readonly destinations: ReadonlyArray<DestinationRunner['stats'] & { readonly lag: number }>;
  readonly head: number;
}

export interface ConnectorOptions {
  readonly config: ConnectorConfig;
  readonly registry: PluginRegistry;
  readonly logger: Logger;
  readonly journal: Journal;
  readonly state: StateStore;
  readonly clock?: Clock;
  /** How long `stop()` keeps delivering what is already journaled. */
  readonly drainTimeoutMs?: number;
  readonly batchSize?: number;
}

/**
 * The daemon: one runner per source polling into the journal, one runner per destination delivering from its
 * cursor. `stop()` stops polling first, drains the destinations within the drain time, then closes every plugin
 * through the container (deactivation) — nothing is acknowledged that was not confirmed.
 */
export class Connector {
  readonly metrics = new InMemoryMetrics();
  readonly #options: ConnectorOptions;
  readonly #clock: Clock;
  readonly #polling = new AbortController();
  readonly #delivery = new AbortController();
  readonly #sources: SourceRunner[] = [];
  readonly #destinations: DestinationRunner[] = [];
  readonly #sourceRuns: Promise<void>[] = [];
  readonly #destinationRuns: Promise<boolean>[] = [];
  #container: Container | undefined;
  #stopped: Promise<void> | undefined;

  private constructor(options: ConnectorOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  static async start(options: ConnectorOptions): Promise<Connector> {
    const connector = new Connector(options);
    await connector.#start();
    return connector;
  }

  async #start(): Promise<void> {
    const { config, registry, logger, journal, state } = this.#options;
    const container = createContainer(
      config,
      registry,
      { logger, clock: this.#clock, host: { instance: config.instance, hostname: hostname() }, metrics: this.metrics, store: state },
      this.#polling.signal,
    );
    this.#container = container;
    for (const [id, destination] of Object.entries(config.destinations)) {
      const formatter = await container.getAsync(ids.formatter, { name: id });
      const transport = await container.getAsync(ids.transport, { name: id });
      this.#destinations.push(
        new DestinationRunner(id, formatter, transport, journal, this.#clock, logger.child({ destination: id }), {
          batchSize: this.#options.batchSize ?? 500,
          sources: destination.sources,
          maxRetryDelayMs: 30_000,
        }),
      );
    }
    const notify = () => {
      for (const destination of this.#destinations) destination.notify();
    };
    for (const id of Object.keys(config.sources)) {
      const source = await container.getAsync(ids.source, { name: id });
      this.#sources.push(new SourceRunner(id, source, journal, this.#clock, logger.child({ source: id }), notify));
    }
    for (const runner of this.#destinations) this.#destinationRuns.push(runner.run(this.#delivery.signal));
    for (const runner of this.#sources) this.#sourceRuns.push(runner.run(this.#polling.signal));
    logger.info(
      { instance: config.instance, sources: Object.keys(config.sources), destinations: Object.keys(config.destinations) },
      'Connector started.',
    );
  }

  async status(): Promise<ConnectorStatus> {
    const head = await this.#options.journal.head();
    const destinations = await Promise.all(
      this.#destinations.map(async (runner) => {
        const progress = await this.#options.journal.progress(runner.stats.destination);
        return { ...runner.stats, lag: Math.max(0, head - progress.cursor) };
      }),
    );
    return { sources: this.#sources.map((s) => ({ ...s.stats })), destinations, head };
  }

  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  async #stop(): Promise<void> {
    const { logger } = this.#options;
    // 1. Stop polling: an in-flight request is aborted; its batch was not stored, so nothing is lost.
    this.#polling.abort(new Error('shutting down'));
    await Promise.allSettled(this.#sourceRuns);
    // 2. Deliver what is journaled, within the drain time; what is left stays in the journal for the next start.
    const deadline = this.#clock.now() + (this.#options.drainTimeoutMs ?? 10_000);
    for (const destination of this.#destinations) destination.requestDrain(deadline);
    const timeout = new AbortController();
    const drained = await Promise.race([
      Promise.all(this.#destinationRuns),
      this.#clock.sleep(deadline - this.#clock.now() + 1_000, timeout.signal).then(() => [false], () => [false]),
    ]);
    timeout.abort();
    this.#delivery.abort(new Error('shutting down'));
    await Promise.allSettled(this.#destinationRuns);
    await this.#container?.unbindAllAsync();
    logger.info({ drained: drained.every(Boolean) }, 'Connector stopped.');
  }
}
