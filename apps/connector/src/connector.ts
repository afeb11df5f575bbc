import { hostname } from 'node:os';
import {
  type Clock,
  type ConnectorConfig,
  DestinationRunner,
  FORMAT_TRUNCATIONS_METRIC,
  type Journal,
  type JournalConsumer,
  type JournalUsage,
  type Logger,
  MESSAGE_TRUNCATION_KEY,
  type PluginRegistry,
  SourceRunner,
  type StateStore,
  systemClock,
} from '@syslog-connector/core';
import type { Container } from 'inversify';
import { createContainer, ids } from './container/create-container.js';
import { InMemoryMetrics } from './in-memory-metrics.js';

/** Where the daemon saves its counters in the store, for `syslog-connector status` (not a valid plugin id). */
export const STATUS_NAMESPACE = '@syslog-connector/status';
export const STATUS_KEY = 'runners';

export interface SourceStatus {
  readonly source: string;
  readonly polls: number;
  readonly fetched: number;
  readonly stored: number;
  readonly duplicates: number;
  readonly errors: number;
  readonly lastPollAt: number | undefined;
  readonly lastError: string | undefined;
  readonly paused: boolean;
}

export interface DestinationStatus {
  readonly destination: string;
  /** Acknowledged in the journal (all runs of this store). */
  readonly delivered: number;
  /** Events this destination receives that it has not delivered yet. */
  readonly lag: number;
  /** How long it has been behind: since it last had nothing left to send, ms (0 when caught up). */
  readonly lagMs: number;
  readonly reconnects: number;
  readonly sendErrors: number;
  readonly resent: number;
  readonly deadLettered: number;
  readonly dropped: number;
  /** Messages shortened to fit a length limit (RFC 3164's 1024 bytes, a UDP datagram): free text cut, keys kept. */
  readonly truncated: number;
  readonly unconfirmed: number;
  readonly lastDeliveryAt: number | undefined;
  readonly lastError: string | undefined;
  readonly lastErrorAt: number | undefined;
}

export interface ConnectorStatus {
  readonly at: number;
  readonly head: number;
  readonly journal: JournalUsage | undefined;
  readonly sources: readonly SourceStatus[];
  readonly destinations: readonly DestinationStatus[];
}

/** The counters saved in the store; they add up across restarts of the same store. */
interface SavedCounters {
  readonly sources: Record<string, { polls: number; fetched: number; stored: number; duplicates: number; errors: number; lastPollAt?: number; lastError?: string }>;
  readonly destinations: Record<
    string,
    {
      reconnects: number;
      sendErrors: number;
      resent: number;
      truncated?: number;
      lastDeliveryAt?: number;
      lastError?: string;
      lastErrorAt?: number;
      behindSince?: number;
    }
  >;
}

export interface ConnectorOptions {
  readonly config: ConnectorConfig;
  readonly registry: PluginRegistry;
  readonly logger: Logger;
  readonly journal: Journal;
  readonly state: StateStore;
  readonly clock?: Clock;
  /** How long `stop()` keeps delivering what is already journaled. Default 10 s. */
  readonly drainTimeoutMs?: number;
  /** Events a destination reads, formats and sends at a time. Default `DEFAULT_DELIVERY_BATCH`. */
  readonly batchSize?: number;
  /** See `DestinationRunnerOptions.confirmWindowMs`. Default 2 s. */
  readonly confirmWindowMs?: number;
  /** How often delivered events are compacted away and counters saved for `status`. Default 1 s. */
  readonly maintenanceIntervalMs?: number;
}

/**
 * Events a destination delivers at a time: at least the largest page a source stores at a time (Graph's `$top`
 * goes to 1,000, Vision One's to 200), so a destination keeping pace with a backfill reads each page whole from
 * the journal's in-memory tail. With 500 against 1,000-event pages it fell behind by half a page per page, past the
 * tail, onto the database: 0.6× the end-to-end rate (apps/connector/bench); with 200-event pages both were equal.
 */
export const DEFAULT_DELIVERY_BATCH = 1_000;

const DEFAULT_CONFIRM_WINDOW_MS = 2_000;

/**
 * The daemon: one runner per source polling into the journal, one runner per destination delivering from its
 * cursor. Each destination runs on its own: a dead or slow one never waits on, or holds up, another. `stop()`
 * stops polling first, drains the destinations within the drain time, then closes every plugin through the
 * container (deactivation) — nothing is acknowledged that was not confirmed.
 */
export class Connector {
  readonly metrics = new InMemoryMetrics();
  readonly #options: ConnectorOptions;
  readonly #clock: Clock;
  readonly #polling = new AbortController();
  readonly #delivery = new AbortController();
  readonly #maintenance = new AbortController();
  readonly #sources: SourceRunner[] = [];
  readonly #destinations: DestinationRunner[] = [];
  readonly #consumers: JournalConsumer[] = [];
  readonly #sourceRuns: Promise<void>[] = [];
  readonly #destinationRuns: Promise<boolean>[] = [];
  #maintenanceRun: Promise<void> | undefined;
  #saved: SavedCounters = { sources: {}, destinations: {} };
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
    this.#saved = await readSavedCounters(state);
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
      this.#consumers.push({ destination: id, sources: destination.sources });
      this.#destinations.push(
        new DestinationRunner(id, formatter, transport, journal, this.#clock, logger.child({ destination: id }), {
          batchSize: this.#options.batchSize ?? DEFAULT_DELIVERY_BATCH,
          sources: destination.sources,
          maxRetryDelayMs: 30_000,
          confirmWindowMs: this.#options.confirmWindowMs ?? DEFAULT_CONFIRM_WINDOW_MS,
        }),
      );
    }
    await journal.setConsumers?.(this.#consumers);
    const notify = () => {
      for (const destination of this.#destinations) destination.notify();
    };
    for (const id of Object.keys(config.sources)) {
      const source = await container.getAsync(ids.source, { name: id });
      this.#sources.push(new SourceRunner(id, source, journal, this.#clock, logger.child({ source: id }), notify));
    }
    for (const runner of this.#destinations) this.#destinationRuns.push(runner.run(this.#delivery.signal));
    for (const runner of this.#sources) this.#sourceRuns.push(runner.run(this.#polling.signal));
    this.#maintenanceRun = this.#maintain(this.#maintenance.signal);
    logger.info(
      { instance: config.instance, sources: Object.keys(config.sources), destinations: Object.keys(config.destinations) },
      'Connector started.',
    );
  }

  async status(): Promise<ConnectorStatus> {
    const { journal } = this.#options;
    const counters = this.#counters();
    return statusFromStore(journal, this.#consumers, counters, this.#clock.now(), {
      paused: new Map(this.#sources.map((s) => [s.stats.source, s.stats.paused])),
      unconfirmed: new Map(this.#destinations.map((d) => [d.stats.destination, d.unconfirmed])),
    });
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
    this.#maintenance.abort();
    await this.#maintenanceRun;
    // 3. Save: counters for `status`, and one last compaction.
    await this.#save();
    await this.#container?.unbindAllAsync();
    logger.info({ drained: drained.every(Boolean) }, 'Connector stopped.');
  }

  /** Compacts delivered events away and saves the counters, every `maintenanceIntervalMs`. */
  async #maintain(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.#clock.sleep(this.#options.maintenanceIntervalMs ?? 1_000, signal);
      } catch {
        return;
      }
      await this.#save();
    }
  }

  async #save(): Promise<void> {
    try {
      await this.#options.journal.compact?.();
      await this.#options.state.set(STATUS_NAMESPACE, STATUS_KEY, JSON.stringify(this.#counters()));
    } catch (error) {
      this.#options.logger.warn({ error: (error as Error).message }, 'Saving status counters failed.');
    }
  }

  /** This run's counters added to the ones saved by earlier runs of the same store. */
  #counters(): SavedCounters {
    const sources: SavedCounters['sources'] = { ...this.#saved.sources };
    for (const { stats } of this.#sources) {
      const before = this.#saved.sources[stats.source];
      sources[stats.source] = {
        polls: (before?.polls ?? 0) + stats.polls,
        fetched: (before?.fetched ?? 0) + stats.fetched,
        stored: (before?.stored ?? 0) + stats.stored,
        duplicates: (before?.duplicates ?? 0) + stats.duplicates,
        errors: (before?.errors ?? 0) + stats.errors,
        ...defined('lastPollAt', stats.lastPollAt ?? before?.lastPollAt),
        ...defined('lastError', stats.polls > 0 || stats.errors > 0 ? stats.lastError : before?.lastError),
      };
    }
    const destinations: SavedCounters['destinations'] = { ...this.#saved.destinations };
    // Formatters count each message they shorten to fit a limit, labelled with their destination by the host.
    const truncated = new Map<string, number>();
    for (const { name, labels, value } of this.metrics.snapshot()) {
      const destination = labels['destination'];
      if (name === FORMAT_TRUNCATIONS_METRIC && labels['key'] === MESSAGE_TRUNCATION_KEY && destination !== undefined) {
        truncated.set(destination, (truncated.get(destination) ?? 0) + value);
      }
    }
    for (const { stats } of this.#destinations) {
      const before = this.#saved.destinations[stats.destination];
      destinations[stats.destination] = {
        reconnects: (before?.reconnects ?? 0) + stats.reconnects,
        sendErrors: (before?.sendErrors ?? 0) + stats.sendErrors,
        resent: (before?.resent ?? 0) + stats.resent,
        truncated: (before?.truncated ?? 0) + (truncated.get(stats.destination) ?? 0),
        ...defined('lastDeliveryAt', stats.lastDeliveryAt ?? before?.lastDeliveryAt),
        ...defined('lastError', stats.lastDeliveryAt !== undefined || stats.sendErrors > 0 ? stats.lastError : before?.lastError),
        ...defined('lastErrorAt', stats.lastErrorAt ?? before?.lastErrorAt),
        // Behind since before this run started, if it was behind when the last run saved.
        ...defined('behindSince', stats.behindSince === undefined ? undefined : Math.min(stats.behindSince, before?.behindSince ?? Infinity)),
      };
    }
    return { sources, destinations };
  }
}

const defined = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

const readSavedCounters = async (state: StateStore): Promise<SavedCounters> => {
  const text = await state.get(STATUS_NAMESPACE, STATUS_KEY);
  if (text === undefined) return { sources: {}, destinations: {} };
  try {
    const parsed = JSON.parse(text) as Partial<SavedCounters>;
    return { sources: parsed.sources ?? {}, destinations: parsed.destinations ?? {} };
  } catch {
    // Counters only feed `status`; a damaged value starts them again rather than stopping delivery.
    return { sources: {}, destinations: {} };
  }
};

/**
 * The status of a store: journal progress and backlog per destination, with the saved counters. Used by the
 * daemon's status line and by `syslog-connector status` (which reads a store another process may be writing).
 */
export const statusFromStore = async (
  journal: Journal,
  consumers: readonly JournalConsumer[],
  counters: SavedCounters | undefined,
  now: number,
  live: { readonly paused?: ReadonlyMap<string, boolean>; readonly unconfirmed?: ReadonlyMap<string, number> } = {},
  sourceIds: readonly string[] = Object.keys(counters?.sources ?? {}),
): Promise<ConnectorStatus> => {
  const saved = counters ?? { sources: {}, destinations: {} };
  const head = await journal.head();
  const usage = await journal.usage?.();
  const destinations = await Promise.all(
    consumers.map(async (consumer): Promise<DestinationStatus> => {
      const progress = await journal.progress(consumer.destination);
      const backlog = (await journal.backlog?.(consumer)) ?? { events: Math.max(0, head - progress.cursor), oldestTime: undefined };
      const c = saved.destinations[consumer.destination];
      return {
        destination: consumer.destination,
        delivered: progress.delivered,
        lag: backlog.events,
        lagMs: backlog.events === 0 || c?.behindSince === undefined ? 0 : Math.max(0, now - c.behindSince),
        reconnects: c?.reconnects ?? 0,
        sendErrors: c?.sendErrors ?? 0,
        resent: c?.resent ?? 0,
        deadLettered: progress.deadLettered,
        dropped: progress.dropped,
        truncated: c?.truncated ?? 0,
        unconfirmed: live.unconfirmed?.get(consumer.destination) ?? 0,
        lastDeliveryAt: c?.lastDeliveryAt,
        lastError: c?.lastError,
        lastErrorAt: c?.lastErrorAt,
      };
    }),
  );
  const sources = sourceIds.map((id): SourceStatus => {
    const c = saved.sources[id];
    return {
      source: id,
      polls: c?.polls ?? 0,
      fetched: c?.fetched ?? 0,
      stored: c?.stored ?? 0,
      duplicates: c?.duplicates ?? 0,
      errors: c?.errors ?? 0,
      lastPollAt: c?.lastPollAt,
      lastError: c?.lastError,
      paused: live.paused?.get(id) ?? false,
    };
  });
  return { at: now, head, journal: usage, sources, destinations };
};

export const readStatusCounters = readSavedCounters;
