import { hostname } from 'node:os';
import {
  type Clock,
  describeError,
  FORMAT_TRUNCATIONS_METRIC,
  type CertificateValidity,
  type Formatter,
  type Journal,
  type JournalConsumer,
  type JournalUsage,
  type ListedDeadLetter,
  type Logger,
  MESSAGE_TRUNCATION_KEY,
  type Source,
  type StateStore,
  SyslogConnectorError,
  systemClock,
  type Transport,
} from '@syslog-connector/core';
import {
  type ConnectorConfig,
  DestinationRunner,
  type PluginRegistry,
  type RevokeReason,
  SourceRunner,
  type WorkAssignment,
  type WorkLease,
  type WorkPart,
} from '@syslog-connector/core/engine';
import type { Container } from 'inversify';
import { createContainer, ids as kinds } from './container/create-container.js';
import { InMemoryMetrics } from './in-memory-metrics.js';
import { hostSecrets } from './logger.js';

/** Where the daemon saves its counters in the store, for `syslog-connector status` (not a valid plugin id). */
export const STATUS_NAMESPACE = '@syslog-connector/status';
export const STATUS_KEY = 'runners';

export interface SourceStatus {
  readonly source: string;
  /** What the source says it reads (`Source.describeTarget`); set by the `status` command, not the daemon. */
  readonly target?: string;
  readonly polls: number;
  readonly fetched: number;
  readonly stored: number;
  readonly duplicates: number;
  readonly errors: number;
  /** Items the source could not turn into events (too deep, too large, not an object; windows set aside), kept in the journal. */
  readonly deadLettered: number;
  readonly lastPollAt: number | undefined;
  readonly lastError: string | undefined;
  readonly paused: boolean;
}

export interface DestinationStatus {
  readonly destination: string;
  /** Where the transport says it sends (`Transport.describeTarget`); set by the `status` command, not the daemon. */
  readonly target?: string;
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
  /**
   * The transport's certificates (TLS: client certificate, CAs) as last read through `Transport.certificates`, at
   * start, on each reload and hourly; `expiresSoon` within `CERTIFICATE_WARNING_DAYS`. Always set by the daemon.
   */
  readonly certificates?: readonly CertificateStatus[];
}

/** A certificate in `status`: when it ends, and whether that is within `CERTIFICATE_WARNING_DAYS` (or past). */
export interface CertificateStatus extends CertificateValidity {
  readonly daysLeft: number;
  readonly expiresSoon: boolean;
}

/** A client certificate or CA that ends within this many days is a warning in the log and in `status`. */
export const CERTIFICATE_WARNING_DAYS = 30;
/** How often a running daemon reads its certificate files again, so a certificate nearing its end is noticed. */
export const CERTIFICATE_CHECK_INTERVAL_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface ConnectorStatus {
  readonly at: number;
  readonly head: number;
  readonly journal: JournalUsage | undefined;
  readonly sources: readonly SourceStatus[];
  readonly destinations: readonly DestinationStatus[];
  /**
   * With a shared store (issue #19): this daemon's member id and who holds each source and destination, since when,
   * and the last takeover. Absent with the embedded store (one daemon works everything).
   */
  readonly work?: { readonly member: string; readonly leases: readonly WorkLease[] };
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
      certificates?: readonly CertificateValidity[];
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
  /**
   * How often delivered events are compacted away and counters saved for `status`. Default 1 s, or
   * `MAINTENANCE_MS_PER_SOURCE` per running source when that is longer (10 s for 1,000 sources).
   */
  readonly maintenanceIntervalMs?: number;
  /**
   * Which sources and destinations this daemon works (issue #19: a shared store's leases). Undefined: all of them,
   * from the start (one daemon per store). With one, every part is prepared at start (so a bad config fails at
   * once) and runs only while the assignment grants it.
   */
  readonly assignment?: WorkAssignment;
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
 * Sources started together do not all poll at once (issue #20: a thousand tenants on one daemon): the n-th of them
 * polls first `n × min(pollInterval / count, POLL_START_STEP_MS)` after the start, so the first polls of many sources
 * spread evenly over their interval, and a few sources still begin within seconds. Each later wait varies by
 * `POLL_JITTER` either way, so sources that fell into step (an outage that ended for all of them at once) drift
 * apart again.
 */
export const POLL_START_STEP_MS = 1_000;
/**
 * The maintenance round (compaction, and the counters `syslog-connector status` reads) costs in proportion to the
 * sources: saving a thousand sources' counters every second was 44 % of an idle daemon's allocations and compaction
 * another 14 % (apps/connector/bench, issue #20). So the round runs every second up to 100 sources and every
 * 10 ms per source above (10 s for 1,000); a journal at its budget still compacts at once (`SourceRunner`), and the
 * daemon's own status (admin API, metrics, status line) is live whatever the interval.
 */
export const MAINTENANCE_MS_PER_SOURCE = 10;
export const POLL_JITTER = 0.05;
/**
 * Sources with a poll interval of 10 s or more wake up on a 500 ms grid (`SourceSchedule.tickMs`): 1,000 sources polling
 * every 30 s then poll about 16 at a time twice a second instead of one every 30 ms, and each wake-up's cost is
 * shared (a lone request cost about three times its share of a group of eight on a busy machine; issue #20). The
 * first polls stay spread over the interval; sources polling faster are left alone.
 */
export const POLL_TICK_MS = 500;
const POLL_TICK_MIN_INTERVAL_MS = 10_000;

const firstPollDelayMs = (source: Source, index: number, count: number): number =>
  Math.round(index * Math.min(source.pollIntervalMs / Math.max(count, 1), POLL_START_STEP_MS));

/** How many of the last messages sent each destination keeps for the console (issue #17). */
export const RECENT_LINES = 50;

/** A message a destination sent: when, and the text exactly as formatted (framing left out). */
export interface RecentLine {
  readonly at: number;
  readonly text: string;
}

/** What a reload changed; `needsRestart` lists the config keys that changed but apply only at the next start. */
export interface ReloadResult {
  readonly sources: ReloadChanges;
  readonly destinations: ReloadChanges;
  readonly needsRestart: readonly string[];
}

export interface ReloadChanges {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
}

/**
 * Top-level config keys a reload applies live: sources and destinations (and `instance`, the HOSTNAME, by rebuilding
 * every destination), `plugins` (a newly listed package is loaded; code already loaded stays as it is) and
 * `reload` itself (the caller's). Every other key — stateDir, journal, logLevel, admin — is fixed when the process
 * starts: a change is logged as needing a restart, and the rest of the new config applies.
 */
const LIVE_KEYS = new Set(['instance', 'configDir', 'plugins', 'reload', 'sources', 'destinations']);

/**
 * How long a reload waits for a destination it stops (removed or changed) to finish its in-flight send and have
 * the server confirm its unconfirmed window (`Transport.finish`); then the send is aborted. Either way nothing is
 * lost: what was not acknowledged stays after the destination's cursor in the journal.
 */
export const RELOAD_STOP_TIMEOUT_MS = 5_000;

/** One running source: its own container (so it can be replaced alone), runner and abort signal. */
interface RunningSource {
  readonly id: string;
  readonly settings: string;
  readonly container: Container;
  readonly runner: SourceRunner;
  readonly controller: AbortController;
  readonly run: Promise<void>;
}

/** One running destination: its own container, runner, abort signal and what it reads of the journal. */
interface RunningDestination {
  readonly id: string;
  readonly settings: string;
  readonly container: Container;
  readonly runner: DestinationRunner;
  readonly consumer: JournalConsumer;
  readonly controller: AbortController;
  readonly transport: Transport;
  readonly formatter: Formatter;
  readonly run: Promise<boolean>;
}

/** A part about to start: its plugins are created before anything running is touched, so a failure changes nothing. */
interface PreparedSource {
  readonly id: string;
  readonly settings: string;
  readonly container: Container;
  readonly source: Source;
  readonly controller: AbortController;
}
interface PreparedDestination {
  readonly id: string;
  readonly settings: string;
  readonly container: Container;
  readonly formatter: Formatter;
  readonly transport: Transport;
  readonly sources: readonly string[] | undefined;
  readonly controller: AbortController;
}

/**
 * The daemon: one runner per source polling into the journal, one runner per destination delivering from its
 * cursor. Each destination runs on its own: a dead or slow one never waits on, or holds up, another. `reload()`
 * replaces only the sources and destinations whose config changed, each from where it was (checkpoint, cursor).
 * `stop()` stops polling first, drains the destinations within the drain time, then closes every plugin through
 * its container (deactivation) — nothing is acknowledged that was not confirmed.
 */
export class Connector {
  readonly metrics = new InMemoryMetrics();
  readonly #options: ConnectorOptions;
  readonly #clock: Clock;
  readonly #maintenance = new AbortController();
  readonly #sources = new Map<string, RunningSource>();
  readonly #destinations = new Map<string, RunningDestination>();
  #config: ConnectorConfig;
  #maintenanceRun: Promise<void> | undefined;
  #saved: SavedCounters = { sources: {}, destinations: {} };
  /**
   * Per running source, its counters as `#counters` last built them and from what: with 1,000 sources polling every
   * 30 s and a save every 10 s, two in three have not polled since, and rebuilding theirs was 11 % of an idle
   * daemon's allocations (issue #20).
   */
  readonly #sourceCounters = new WeakMap<RunnerStats, BuiltSourceCounters>();
  /** The counters' JSON as last written (without an assignment), so an unchanged one is not written again. */
  #savedText: string | undefined;
  /** Per destination, the truncation metric's value when its earlier runner's counters were folded into `#saved`. */
  readonly #truncatedFolded = new Map<string, number>();
  /** Per destination, its transport's certificates as last read (`Transport.certificates`). */
  readonly #certificates = new Map<string, readonly CertificateValidity[]>();
  /** Fingerprints already warned about, so the hourly check does not repeat itself. */
  readonly #certificateWarned = new Set<string>();
  /** Per destination, the last `RECENT_LINES` messages it sent, exactly as sent (the console's "last lines"). */
  readonly #recent = new Map<string, RecentLine[]>();
  /** Reloads run one at a time, and `stop()` waits for the one in progress. */
  #reloading: Promise<unknown> = Promise.resolve();
  #stopped: Promise<void> | undefined;
  /** With an assignment: parts prepared (plugins created) that this daemon does not work now. */
  readonly #idleSources = new Map<string, PreparedSource>();
  readonly #idleDestinations = new Map<string, PreparedDestination>();
  #registry: PluginRegistry;

  private constructor(options: ConnectorOptions) {
    this.#options = options;
    this.#config = options.config;
    this.#registry = options.registry;
    this.#clock = options.clock ?? systemClock;
  }

  static async start(options: ConnectorOptions): Promise<Connector> {
    const connector = new Connector(options);
    await connector.#start();
    return connector;
  }

  /**
   * The config running now: the one started with, or the last one a reload applied — with each key that needs a
   * restart at its running value. The admin listener can read it (and `status()`) after a reload.
   */
  get config(): ConnectorConfig {
    return this.#config;
  }

  async #start(): Promise<void> {
    const { registry, logger, journal, state } = this.#options;
    const config = this.#config;
    this.#saved = await readSavedCounters(state);
    const destinations = await this.#prepareDestinations(config, registry, Object.keys(config.destinations));
    const sources = await this.#prepareSources(config, registry, Object.keys(config.sources));
    await journal.setConsumers(destinations.map((d) => consumerOf(d)));
    const assignment = this.#options.assignment;
    if (assignment === undefined) {
      for (const prepared of destinations) this.#startDestination(prepared);
      sources.forEach((prepared, index) => this.#startSource(prepared, firstPollDelayMs(prepared.source, index, sources.length)));
    } else {
      for (const prepared of destinations) this.#idleDestinations.set(prepared.id, prepared);
      for (const prepared of sources) this.#idleSources.set(prepared.id, prepared);
    }
    this.#maintenanceRun = this.#maintain(this.#maintenance.signal);
    await this.#checkCertificates([...this.#destinations.keys()]);
    logger.info(
      { instance: config.instance, sources: Object.keys(config.sources), destinations: Object.keys(config.destinations), ...(assignment === undefined ? {} : { member: assignment.member }) },
      'Connector started.',
    );
    await assignment?.start(partsOf(config), { grant: (part) => this.#grant(part), revoke: (part, reason) => this.#revoke(part, reason) });
  }

  /** The assignment lets this daemon work a part now: started from its checkpoint or cursor (after any reload in progress). */
  #grant(part: WorkPart): Promise<void> {
    const next = this.#reloading.then(async () => {
      if (this.#stopped !== undefined) return;
      const { id } = part;
      if (part.kind === 'source') {
        if (this.#sources.has(id) || this.#config.sources[id] === undefined) return;
        const prepared = this.#idleSources.get(id) ?? (await this.#prepareSources(this.#config, this.#registry, [id]))[0];
        this.#idleSources.delete(id);
        await this.#restoreCounters(part);
        if (prepared !== undefined) this.#startSource(prepared);
        return;
      }
      if (this.#destinations.has(id) || this.#config.destinations[id] === undefined) return;
      const prepared = this.#idleDestinations.get(id) ?? (await this.#prepareDestinations(this.#config, this.#registry, [id]))[0];
      this.#idleDestinations.delete(id);
      await this.#restoreCounters(part);
      if (prepared !== undefined) this.#startDestination(prepared);
      await this.#checkCertificates([id]);
    });
    this.#reloading = next.catch(() => undefined);
    return next;
  }

  /**
   * The assignment takes a part from this daemon: a source stops at once (a poll in flight is aborted, its batch
   * not stored); a destination given away finishes its in-flight send, one whose lease was lost stops at once (its
   * acknowledgements would be refused: the new holder sends again what was not acknowledged).
   */
  #revoke(part: WorkPart, reason: RevokeReason): Promise<void> {
    const next = this.#reloading.then(async () => {
      if (part.kind === 'source') await this.#stopSource(part.id);
      else await this.#stopDestination(part.id, reason !== 'lost');
      await this.#saveParts([part]);
    });
    this.#reloading = next.catch(() => undefined);
    return next;
  }

  /** With an assignment, counters are saved per part by its holder: a part taken over goes on counting from them. */
  async #restoreCounters(part: WorkPart): Promise<void> {
    const text = await this.#options.state.get(STATUS_NAMESPACE, partKey(part)).catch(() => undefined);
    if (text === undefined) return;
    try {
      const counters = JSON.parse(text) as SavedCounters['sources'][string] & SavedCounters['destinations'][string];
      this.#saved =
        part.kind === 'source'
          ? { ...this.#saved, sources: { ...this.#saved.sources, [part.id]: counters } }
          : { ...this.#saved, destinations: { ...this.#saved.destinations, [part.id]: counters } };
      if (part.kind === 'destination') this.#truncatedFolded.set(part.id, this.#truncatedMetric().get(part.id) ?? 0);
    } catch {
      // Counters only feed `status`.
    }
  }

  /** Saves the counters of these parts under their own keys (with an assignment: each holder writes only its parts). */
  async #saveParts(parts: readonly WorkPart[]): Promise<void> {
    const counters = this.#counters();
    for (const part of parts) {
      const value = part.kind === 'source' ? counters.sources[part.id] : counters.destinations[part.id];
      if (value !== undefined) await this.#options.state.set(STATUS_NAMESPACE, partKey(part), JSON.stringify(value)).catch(() => undefined);
    }
  }

  /**
   * Applies a new, validated config without a restart and without losing an event (README "Reload"):
   * - a source or destination whose settings are the same keeps running untouched;
   * - a removed destination finishes its in-flight send (within `RELOAD_STOP_TIMEOUT_MS`) and stops; its cursor
   *   stays in the store, so if it comes back it resumes there (what compaction removed meanwhile excepted);
   * - a changed destination is stopped the same way and started with its new settings from its cursor: whatever
   *   the old connection did not confirm is sent again;
   * - an added destination starts from its stored cursor, if the store has one for its id, else from the oldest
   *   event the journal still holds — exactly what a restart with the new config would do;
   * - a removed or changed source stops (an in-flight poll is aborted; its batch was not stored) and a changed or
   *   added one starts from its checkpoint.
   * The new plugins are created before anything is stopped: if that fails, it throws and the old config keeps
   * running whole.
   */
  reload(config: ConnectorConfig, registry: PluginRegistry): Promise<ReloadResult> {
    const next = this.#reloading.then(() => this.#reload(config, registry));
    this.#reloading = next.catch(() => undefined);
    return next;
  }

  async #reload(config: ConnectorConfig, registry: PluginRegistry): Promise<ReloadResult> {
    if (this.#stopped !== undefined) throw new SyslogConnectorError('SHUTDOWN', 'The connector is stopping: the config is not reloaded', { hint: 'start it again to use the new config' });
    const { journal, logger } = this.#options;
    const previous = this.#config;
    const sources = diff(new Map<string, { readonly settings: string }>([...this.#idleSources, ...this.#sources]), Object.keys(config.sources), (id) => sourceSettings(config, id));
    const settled = diff(new Map<string, { readonly settings: string }>([...this.#idleDestinations, ...this.#destinations]), Object.keys(config.destinations), (id) => destinationSettings(config, id));
    // TLS files are read again: a destination whose certificates changed on disk reconnects with them now, not
    // whenever its long-lived connection happens to break.
    const renewed = await this.#renewedCertificates(
      Object.keys(config.destinations).filter((id) => this.#destinations.has(id) && !settled.changed.includes(id)),
    );
    const destinations: ReloadChanges = { ...settled, changed: [...settled.changed, ...renewed] };
    const needsRestart = restartKeys(previous, config);

    // 1. Create what starts, before stopping anything.
    const preparedDestinations = await this.#prepareDestinations(config, registry, [...destinations.added, ...destinations.changed]);
    let preparedSources: PreparedSource[];
    try {
      preparedSources = await this.#prepareSources(config, registry, [...sources.added, ...sources.changed]);
    } catch (error) {
      await Promise.allSettled(preparedDestinations.map((d) => d.container.unbindAllAsync()));
      throw error;
    }

    // 2. Stop what goes or changes: sources at once (a poll in flight is aborted, its batch not stored), destinations
    // after their in-flight send.
    const leaving = [...destinations.removed, ...destinations.changed];
    await Promise.all([
      ...[...sources.removed, ...sources.changed].map((id) => this.#stopSource(id)),
      ...leaving.map((id) => this.#stopDestination(id)),
    ]);
    const cursors = Object.fromEntries(
      await Promise.all(destinations.removed.map(async (id) => [id, (await journal.progress(id)).cursor] as const)),
    );

    // 3. Declare who reads the journal now, then start the new parts. The running config keeps the old value of
    // each key that needs a restart: `config` says what runs, and the next reload warns again.
    const kept = Object.fromEntries(needsRestart.map((key) => [key, (previous as unknown as Record<string, unknown>)[key]]));
    this.#config = { ...config, ...kept } as ConnectorConfig;
    this.#registry = registry;
    const running = [...this.#destinations.values()].map((d) => d.consumer);
    const assignment = this.#options.assignment;
    if (assignment === undefined) {
      await journal.setConsumers([...running, ...preparedDestinations.map((d) => consumerOf(d))]);
      for (const prepared of preparedDestinations) this.#startDestination(prepared);
      preparedSources.forEach((prepared, index) => this.#startSource(prepared, firstPollDelayMs(prepared.source, index, preparedSources.length)));
    } else {
      // Every destination of the config reads the journal, whichever daemon works it: compaction keeps what it needs.
      await journal.setConsumers(Object.entries(config.destinations).map(([id, d]) => consumerOf({ id, sources: d.sources })));
      await this.#dropIdle([...sources.removed, ...sources.changed], [...destinations.removed, ...destinations.changed]);
      // A changed part this daemon works starts again at once; the others wait for the assignment.
      for (const prepared of preparedDestinations) {
        if (assignment.holds({ kind: 'destination', id: prepared.id })) this.#startDestination(prepared);
        else this.#idleDestinations.set(prepared.id, prepared);
      }
      for (const prepared of preparedSources) {
        if (assignment.holds({ kind: 'source', id: prepared.id })) this.#startSource(prepared);
        else this.#idleSources.set(prepared.id, prepared);
      }
      assignment.update(partsOf(this.#config));
    }
    for (const id of destinations.removed) {
      this.#certificates.delete(id);
      this.#recent.delete(id);
    }
    await this.#checkCertificates([...destinations.added, ...destinations.changed]);

    const head = await journal.head();
    for (const id of destinations.removed) {
      logger.info({ destination: id, cursor: cursors[id] }, 'Destination removed: stopped after its in-flight send; its cursor stays in the store.');
    }
    for (const id of renewed) logger.info({ destination: id }, 'TLS certificate files changed: the destination reconnects with the new ones.');
    for (const id of destinations.added) {
      const from = (await journal.progress(id)).cursor;
      logger.info({ destination: id, cursor: from, head }, from > 0 ? 'Destination added: resumes from its stored cursor.' : 'Destination added: starts from the oldest event the journal holds.');
    }
    for (const key of needsRestart) {
      logger.warn({ path: key }, `${key} changed: it applies at the next restart; the running daemon keeps the old value.`);
    }
    const result: ReloadResult = { sources, destinations, needsRestart };
    logger.info({ head, sources, destinations, needsRestart }, 'Config reloaded.');
    return result;
  }

  async status(): Promise<ConnectorStatus> {
    const { journal, assignment } = this.#options;
    const counters = this.#counters();
    const destinations = [...this.#destinations.values()];
    const sources = [...this.#sources.values()];
    const status = await statusFromStore(
      journal,
      destinations.map((d) => d.consumer),
      counters,
      this.#clock.now(),
      {
        paused: new Map(sources.map((s) => [s.id, s.runner.stats.paused])),
        unconfirmed: new Map(destinations.map((d) => [d.id, d.runner.unconfirmed])),
      },
      sources.map((s) => s.id),
    );
    if (assignment?.leases === undefined) return status;
    return { ...status, work: { member: assignment.member, leases: await assignment.leases() } };
  }

  /**
   * The last messages (at most `RECENT_LINES`) a running destination sent, oldest first, exactly as its formatter
   * made them; undefined for a destination that is not running. Kept in memory only.
   */
  recentLines(destination: string): readonly RecentLine[] | undefined {
    if (!this.#destinations.has(destination)) return undefined;
    return [...(this.#recent.get(destination) ?? [])];
  }

  #remember(destination: string, messages: readonly string[]): void {
    const at = this.#clock.now();
    const lines = this.#recent.get(destination) ?? [];
    for (const text of messages.slice(-RECENT_LINES)) lines.push({ at, text });
    if (lines.length > RECENT_LINES) lines.splice(0, lines.length - RECENT_LINES);
    this.#recent.set(destination, lines);
  }

  /** The journal's dead letters, newest first (empty when the journal cannot list them). */
  async deadLetters(limit: number): Promise<readonly ListedDeadLetter[]> {
    return (await this.#options.journal.listDeadLetters?.({ limit })) ?? [];
  }

  /**
   * The console's "Retry" of a dead letter: the journal hands the event over, the running destination's formatter
   * formats it again and a new connection of its transport (its own container, as `send-test`'s) sends it; the
   * journal removes the letter once sent. Throws (and the letter stays) when it still cannot be formatted
   * or the send fails; `{ missing }` when there is no such letter, `{ gone }` when its destination no longer runs.
   */
  async redriveDeadLetter(id: number): Promise<{ readonly line: string } | { readonly missing: true } | { readonly gone: string }> {
    const { journal, registry } = this.#options;
    if (journal.redriveDeadLetter === undefined) return { missing: true };
    let line: string | undefined;
    let gone: string | undefined;
    let target: string | undefined;
    const found = await journal.redriveDeadLetter(id, async (letter) => {
      target = letter.destination;
      const running = this.#destinations.get(letter.destination);
      if (running === undefined) {
        gone = letter.destination;
        throw new SyslogConnectorError('CONFIG_INVALID', `destination "${letter.destination}" is not running`);
      }
      const maxBytes = running.transport.maxMessageBytes;
      const text = maxBytes === undefined ? running.formatter.format(letter.event) : running.formatter.format(letter.event, maxBytes);
      const config = this.#config;
      const controller = new AbortController();
      const destination = config.destinations[letter.destination] as ConnectorConfig['destinations'][string];
      const container = this.#containerFor(config, registry, { sources: {}, destinations: { [letter.destination]: destination } }, controller.signal);
      try {
        const transport = await container.getAsync(kinds.transport, { name: letter.destination });
        await transport.send([text], controller.signal);
        await transport.close();
      } finally {
        controller.abort();
        await container.unbindAllAsync();
      }
      line = text;
      this.#remember(letter.destination, [text]);
    }).catch((error: unknown) => {
      if (gone !== undefined) return true;
      throw error;
    });
    if (gone !== undefined) return { gone };
    if (!found || line === undefined) return { missing: true };
    this.#options.logger.info({ destination: target, deadLetter: id }, 'Dead letter re-driven: sent again and removed from the dead letters.');
    return { line };
  }

  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  async #stop(): Promise<void> {
    const { logger } = this.#options;
    await this.#reloading;
    const sources = [...this.#sources.values()];
    const destinations = [...this.#destinations.values()];
    // 1. Stop polling: an in-flight request is aborted; its batch was not stored, so nothing is lost.
    for (const source of sources) source.controller.abort(new Error('shutting down'));
    await Promise.allSettled(sources.map((s) => s.run));
    // 2. Deliver what is journaled, within the drain time; what is left stays in the journal for the next start.
    const deadline = this.#clock.now() + (this.#options.drainTimeoutMs ?? 10_000);
    for (const destination of destinations) destination.runner.requestDrain(deadline);
    const timeout = new AbortController();
    const drained = await Promise.race([
      Promise.all(destinations.map((d) => d.run)),
      this.#clock.sleep(deadline - this.#clock.now() + 1_000, timeout.signal).then(() => [false], () => [false]),
    ]);
    timeout.abort();
    for (const destination of destinations) destination.controller.abort(new Error('shutting down'));
    await Promise.allSettled(destinations.map((d) => d.run));
    this.#maintenance.abort();
    await this.#maintenanceRun;
    // No more grants or revokes; what runs is stopped above.
    await this.#options.assignment?.halt();
    // 3. Save: counters for `status`, and one last compaction.
    await this.#save();
    await Promise.allSettled([...sources, ...destinations].map((part) => part.container.unbindAllAsync()));
    await this.#dropIdle([...this.#idleSources.keys()], [...this.#idleDestinations.keys()]);
    // Last: the leases go once nothing here writes, so another daemon takes the parts over at once.
    await this.#options.assignment?.release();
    logger.info({ drained: drained.every(Boolean) }, 'Connector stopped.');
  }

  /** A container holding one configured part (a source, or a destination's formatter and transport). */
  #containerFor(config: ConnectorConfig, registry: PluginRegistry, part: Pick<ConnectorConfig, 'sources' | 'destinations'>, signal: AbortSignal): Container {
    const { logger, state } = this.#options;
    return createContainer(
      { ...config, ...part },
      registry,
      { logger, clock: this.#clock, host: { instance: config.instance, hostname: hostname() }, metrics: this.metrics, store: state },
      signal,
    );
  }

  async #prepareSources(config: ConnectorConfig, registry: PluginRegistry, ids: readonly string[]): Promise<PreparedSource[]> {
    const prepared: PreparedSource[] = [];
    try {
      for (const id of ids) {
        const controller = new AbortController();
        const container = this.#containerFor(config, registry, { sources: { [id]: config.sources[id] as ConnectorConfig['sources'][string] }, destinations: {} }, controller.signal);
        prepared.push({ id, settings: sourceSettings(config, id), container, controller, source: await container.getAsync(kinds.source, { name: id }) });
      }
    } catch (error) {
      await Promise.allSettled(prepared.map((p) => p.container.unbindAllAsync()));
      throw error;
    }
    return prepared;
  }

  async #prepareDestinations(config: ConnectorConfig, registry: PluginRegistry, ids: readonly string[]): Promise<PreparedDestination[]> {
    const prepared: PreparedDestination[] = [];
    let container: Container | undefined;
    try {
      for (const id of ids) {
        const destination = config.destinations[id] as ConnectorConfig['destinations'][string];
        const controller = new AbortController();
        container = this.#containerFor(config, registry, { sources: {}, destinations: { [id]: destination } }, controller.signal);
        const formatter = await container.getAsync(kinds.formatter, { name: id });
        const transport = await container.getAsync(kinds.transport, { name: id });
        prepared.push({ id, settings: destinationSettings(config, id), container, controller, formatter, transport, sources: destination.sources });
        container = undefined;
      }
    } catch (error) {
      await Promise.allSettled([...prepared.map((p) => p.container.unbindAllAsync()), container?.unbindAllAsync()]);
      throw error;
    }
    return prepared;
  }

  #startSource(prepared: PreparedSource, firstPollDelay = 0): void {
    const { journal, logger } = this.#options;
    const { id, source, controller } = prepared;
    const runner = new SourceRunner(
      id,
      source,
      journal,
      this.#clock,
      // Not a child logger per source: the runner names its source in every line, and a thousand pino children
      // (each compiling the redaction paths) were 9 MB of garbage at start and a few kB each for good.
      logger,
      () => {
        for (const destination of this.#destinations.values()) destination.runner.notify();
      },
      { firstPollDelayMs: firstPollDelay, jitter: POLL_JITTER, tickMs: prepared.source.pollIntervalMs >= POLL_TICK_MIN_INTERVAL_MS ? POLL_TICK_MS : 0 },
    );
    this.#sources.set(id, { id, settings: prepared.settings, container: prepared.container, controller, runner, run: runner.run(controller.signal) });
  }

  #startDestination(prepared: PreparedDestination): void {
    const { journal, logger } = this.#options;
    const { id, formatter, transport, controller } = prepared;
    const runner = new DestinationRunner(id, formatter, transport, journal, this.#clock, logger.child({ destination: id }), {
      onSent: (messages) => this.#remember(id, messages),
      batchSize: this.#options.batchSize ?? DEFAULT_DELIVERY_BATCH,
      sources: prepared.sources,
      maxRetryDelayMs: 30_000,
      confirmWindowMs: this.#options.confirmWindowMs ?? DEFAULT_CONFIRM_WINDOW_MS,
    });
    this.#destinations.set(id, {
      id,
      settings: prepared.settings,
      container: prepared.container,
      consumer: consumerOf(prepared),
      controller,
      transport,
      formatter,
      runner,
      run: runner.run(controller.signal),
    });
  }

  async #stopSource(id: string): Promise<void> {
    const running = this.#sources.get(id);
    if (running === undefined) return;
    running.controller.abort(new Error('reloading'));
    await running.run.catch(() => undefined);
    this.#fold('source', id);
    this.#sources.delete(id);
    await running.container.unbindAllAsync();
  }

  /**
   * Stops one destination for a reload: it finishes the send in flight, asks the server to confirm its unconfirmed
   * window (acknowledged if it does, sent again by whatever reads the cursor next if not), and after
   * `RELOAD_STOP_TIMEOUT_MS` is aborted (a server that stopped reading). Its counters are kept for `status`.
   */
  async #stopDestination(id: string, drain = true): Promise<void> {
    const running = this.#destinations.get(id);
    if (running === undefined) return;
    if (drain) {
      running.runner.requestDrain(this.#clock.now());
      const timeout = new AbortController();
      await Promise.race([running.run.catch(() => false), this.#clock.sleep(RELOAD_STOP_TIMEOUT_MS, timeout.signal).catch(() => undefined)]);
      timeout.abort();
    }
    running.controller.abort(new Error('reloading'));
    await running.run.catch(() => false);
    this.#fold('destination', id);
    this.#destinations.delete(id);
    await running.container.unbindAllAsync();
  }

  /** Closes the plugins of prepared parts this daemon did not work (removed or changed by a reload, or at stop). */
  async #dropIdle(sources: readonly string[], destinations: readonly string[]): Promise<void> {
    const idle = [...sources.map((id) => this.#idleSources.get(id)), ...destinations.map((id) => this.#idleDestinations.get(id))];
    for (const id of sources) this.#idleSources.delete(id);
    for (const id of destinations) this.#idleDestinations.delete(id);
    await Promise.allSettled(idle.map((part) => part?.container.unbindAllAsync()));
  }

  /**
   * Keeps the counters of a runner about to go away (removed, or replaced by a reload) in `#saved`, so `status`
   * still adds them up; the runners that stay are not touched.
   */
  #fold(kind: 'source' | 'destination', id: string): void {
    const counters = this.#counters();
    if (kind === 'source') {
      const kept = counters.sources[id];
      if (kept !== undefined) this.#saved = { ...this.#saved, sources: { ...this.#saved.sources, [id]: kept } };
      return;
    }
    const kept = counters.destinations[id];
    if (kept !== undefined) this.#saved = { ...this.#saved, destinations: { ...this.#saved.destinations, [id]: kept } };
    this.#truncatedFolded.set(id, this.#truncatedMetric().get(id) ?? 0);
  }

  /** Compacts delivered events away and saves the counters, every `maintenanceIntervalMs`. */
  async #maintain(signal: AbortSignal): Promise<void> {
    let certificatesCheckedAt = this.#clock.now();
    while (!signal.aborted) {
      try {
        await this.#clock.sleep(this.#options.maintenanceIntervalMs ?? Math.max(1_000, this.#sources.size * MAINTENANCE_MS_PER_SOURCE), signal);
      } catch {
        return;
      }
      if (this.#clock.now() - certificatesCheckedAt >= CERTIFICATE_CHECK_INTERVAL_MS) {
        certificatesCheckedAt = this.#clock.now();
        await this.#checkCertificates([...this.#destinations.keys()]);
      }
      await this.#save();
    }
  }

  /**
   * Reads the certificates of these destinations' transports and warns about each one that ends within
   * `CERTIFICATE_WARNING_DAYS` (once per certificate); `status` shows them all. A file that cannot be read is the
   * transport's to report on its next connect; here it only keeps the last reading.
   */
  async #checkCertificates(ids: readonly string[]): Promise<void> {
    const { logger } = this.#options;
    for (const id of ids) {
      const transport = this.#destinations.get(id)?.transport;
      if (transport?.certificates === undefined) continue;
      let certificates: readonly CertificateValidity[];
      try {
        certificates = await transport.certificates();
      } catch (error) {
        logger.warn({ destination: id, error: describeError(error) }, 'TLS certificate files could not be read to check their expiry.');
        continue;
      }
      this.#certificates.set(id, certificates);
      const now = this.#clock.now();
      for (const certificate of certificates) {
        const days = daysLeft(certificate, now);
        if (days >= CERTIFICATE_WARNING_DAYS || this.#certificateWarned.has(certificate.fingerprint)) continue;
        this.#certificateWarned.add(certificate.fingerprint);
        const what = certificate.role === 'ca' ? 'CA certificate' : 'client certificate';
        logger.warn(
          { destination: id, path: certificate.path, subject: certificate.subject, notAfter: new Date(certificate.notAfter).toISOString(), daysLeft: days },
          days < 0
            ? `The ${what} of ${certificate.path} has expired: the TLS handshake will fail; renew it.`
            : `The ${what} of ${certificate.path} expires in ${days} days (${new Date(certificate.notAfter).toISOString()}); renew it and reload.`,
        );
      }
    }
  }

  /** Of these running destinations, those whose certificate files now hold other certificates than when last read. */
  async #renewedCertificates(ids: readonly string[]): Promise<string[]> {
    const renewed: string[] = [];
    for (const id of ids) {
      const transport = this.#destinations.get(id)?.transport;
      const known = this.#certificates.get(id);
      if (transport?.certificates === undefined || known === undefined) continue;
      try {
        const now = await transport.certificates();
        if (fingerprints(now) !== fingerprints(known)) renewed.push(id);
      } catch {
        // Unreadable now: the running connection goes on; its next connect reports the file.
      }
    }
    return renewed;
  }

  async #save(): Promise<void> {
    try {
      await this.#options.journal.compact();
      if (this.#options.assignment === undefined) {
        // This daemon is the only writer of its store's counters: unchanged ones (every source paused or failing
        // the same way, no delivery) are not written again.
        const text = this.#countersText();
        if (text !== this.#savedText) await this.#options.state.set(STATUS_NAMESPACE, STATUS_KEY, text);
        this.#savedText = text;
      } else await this.#saveParts([...[...this.#sources.keys()].map((id) => ({ kind: 'source' as const, id })), ...[...this.#destinations.keys()].map((id) => ({ kind: 'destination' as const, id }))]);
    } catch (error) {
      this.#options.logger.warn({ error: (error as Error).message }, 'Saving status counters failed.');
    }
  }

  /** Formatters count each message they shorten to fit a limit, labelled with their destination by the host. */
  #truncatedMetric(): Map<string, number> {
    const truncated = new Map<string, number>();
    for (const { name, labels, value } of this.metrics.snapshot()) {
      const destination = labels['destination'];
      if (name === FORMAT_TRUNCATIONS_METRIC && labels['key'] === MESSAGE_TRUNCATION_KEY && destination !== undefined) {
        truncated.set(destination, (truncated.get(destination) ?? 0) + value);
      }
    }
    return truncated;
  }

  /** This run's counters added to the ones saved by earlier runs of the same store (and earlier runners of this one). */
  #counters(): SavedCounters {
    const sources: SavedCounters['sources'] = { ...this.#saved.sources };
    for (const { runner: { stats } } of this.#sources.values()) sources[stats.source] = this.#builtSourceCounters(stats).counters;
    return { sources, destinations: this.#destinationCounters() };
  }

  /**
   * `JSON.stringify(this.#counters())` (the same entries; a source saved by an earlier run comes first) from each
   * running source's JSON as built with its counters: saving them every 10 s rebuilt an object of 1,000 sources and
   * wrote each one's JSON again, though two in three had not polled since (issue #20).
   */
  #countersText(): string {
    const parts: string[] = [];
    const saved = this.#saved.sources;
    for (const id in saved) if (!this.#sources.has(id)) parts.push(`${JSON.stringify(id)}:${JSON.stringify(saved[id])}`);
    for (const { runner: { stats } } of this.#sources.values()) {
      const built = this.#builtSourceCounters(stats);
      parts.push((built.json ??= `${JSON.stringify(stats.source)}:${JSON.stringify(built.counters)}`));
    }
    return `{"sources":{${parts.join(',')}},"destinations":${JSON.stringify(this.#destinationCounters())}}`;
  }

  /** A running source's counters (and its saved ones before this run), rebuilt only when its stats changed. */
  #builtSourceCounters(stats: RunnerStats): BuiltSourceCounters {
    const before = this.#saved.sources[stats.source];
    const built = this.#sourceCounters.get(stats);
    if (built !== undefined && built.before === before && sameRunnerStats(built.stats, stats)) return built;
    const counters = {
      polls: (before?.polls ?? 0) + stats.polls,
      fetched: (before?.fetched ?? 0) + stats.fetched,
      stored: (before?.stored ?? 0) + stats.stored,
      duplicates: (before?.duplicates ?? 0) + stats.duplicates,
      errors: (before?.errors ?? 0) + stats.errors,
      ...defined('lastPollAt', stats.lastPollAt ?? before?.lastPollAt),
      // A server may echo part of a token in its error: stored and shown masked (`hostSecrets`).
      ...defined('lastError', redactError(stats.polls > 0 || stats.errors > 0 ? stats.lastError : before?.lastError)),
    };
    const rebuilt: BuiltSourceCounters = { before, stats: { ...stats }, counters, json: undefined };
    this.#sourceCounters.set(stats, rebuilt);
    return rebuilt;
  }

  #destinationCounters(): SavedCounters['destinations'] {
    const destinations: SavedCounters['destinations'] = { ...this.#saved.destinations };
    const truncated = this.#truncatedMetric();
    for (const { runner: { stats } } of this.#destinations.values()) {
      const id = stats.destination;
      const before = this.#saved.destinations[id];
      destinations[id] = {
        reconnects: (before?.reconnects ?? 0) + stats.reconnects,
        sendErrors: (before?.sendErrors ?? 0) + stats.sendErrors,
        resent: (before?.resent ?? 0) + stats.resent,
        truncated: (before?.truncated ?? 0) + (truncated.get(id) ?? 0) - (this.#truncatedFolded.get(id) ?? 0),
        ...defined('lastDeliveryAt', stats.lastDeliveryAt ?? before?.lastDeliveryAt),
        ...defined('lastError', redactError(stats.lastDeliveryAt !== undefined || stats.sendErrors > 0 ? stats.lastError : before?.lastError)),
        ...defined('lastErrorAt', stats.lastErrorAt ?? before?.lastErrorAt),
        // Behind since before this run started, if it was behind when the last run saved.
        ...defined('behindSince', stats.behindSince === undefined ? undefined : Math.min(stats.behindSince, before?.behindSince ?? Infinity)),
        ...defined('certificates', this.#certificates.get(id)),
      };
    }
    return destinations;
  }
}

type RunnerStats = SourceRunner['stats'];

/** A running source's saved counters, what they were built from, and their JSON once `#countersText` wrote it. */
interface BuiltSourceCounters {
  readonly before: SavedCounters['sources'][string] | undefined;
  readonly stats: RunnerStats;
  readonly counters: SavedCounters['sources'][string];
  json: string | undefined;
}

/** The fields of a source's stats its saved counters are built from. */
const sameRunnerStats = (a: RunnerStats, b: RunnerStats): boolean =>
  a.polls === b.polls &&
  a.fetched === b.fetched &&
  a.stored === b.stored &&
  a.duplicates === b.duplicates &&
  a.errors === b.errors &&
  a.lastPollAt === b.lastPollAt &&
  a.lastError === b.lastError;

/** An error saved for `status`, with every registered secret (or 8+ characters of one) masked. */
const redactError = (message: string | undefined): string | undefined => (message === undefined ? undefined : hostSecrets.redact(message));

/** Whole days until a certificate ends (negative once it has). */
const daysLeft = (certificate: CertificateValidity, now: number): number => Math.floor((certificate.notAfter - now) / DAY_MS);

const fingerprints = (certificates: readonly CertificateValidity[]): string => certificates.map((c) => `${c.path}=${c.fingerprint}`).sort().join(',');

/** Every source and destination of a config, as the assignment shares them. */
const partsOf = (config: ConnectorConfig): WorkPart[] => [
  ...Object.keys(config.sources).map((id) => ({ kind: 'source' as const, id })),
  ...Object.keys(config.destinations).map((id) => ({ kind: 'destination' as const, id })),
];

/** Where the holder of a part saves its counters for `status` (with an assignment). */
export const partKey = (part: WorkPart): string => `${STATUS_KEY}/${part.kind}/${part.id}`;

const consumerOf = (d: { readonly id: string; readonly sources: readonly string[] | undefined }): JournalConsumer => ({
  destination: d.id,
  sources: d.sources,
});

/**
 * A part's settings, to tell whether a reload changed it. Functions (a parsed `since`) do not compare: `since`
 * only matters before a source's first checkpoint, and a change to it alone does not restart the source.
 */
const settingsOf = (value: unknown): string => JSON.stringify(value, (_key, v: unknown) => (typeof v === 'function' ? undefined : v));
const sourceSettings = (config: ConnectorConfig, id: string): string => settingsOf({ instance: config.instance, source: config.sources[id] });
// The instance is every formatter's HOSTNAME: changing it rebuilds every destination.
const destinationSettings = (config: ConnectorConfig, id: string): string => settingsOf({ instance: config.instance, destination: config.destinations[id] });

const diff = (running: ReadonlyMap<string, { readonly settings: string }>, wanted: readonly string[], settings: (id: string) => string): ReloadChanges => ({
  added: wanted.filter((id) => !running.has(id)),
  removed: [...running.keys()].filter((id) => !wanted.includes(id)),
  changed: wanted.filter((id) => running.has(id) && running.get(id)?.settings !== settings(id)),
});

/** The top-level keys that changed but apply only at the next start (`LIVE_KEYS`). */
const restartKeys = (previous: ConnectorConfig, next: ConnectorConfig): string[] => {
  const keys = new Set([...Object.keys(previous), ...Object.keys(next)]);
  const before = previous as unknown as Record<string, unknown>;
  const after = next as unknown as Record<string, unknown>;
  return [...keys].filter((key) => !LIVE_KEYS.has(key) && settingsOf(before[key]) !== settingsOf(after[key]));
};

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
  const usage = journal.capabilities.budget ? await journal.usage() : undefined;
  const destinations = await Promise.all(
    consumers.map(async (consumer): Promise<DestinationStatus> => {
      const progress = await journal.progress(consumer.destination);
      const backlog = await journal.backlog(consumer);
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
        certificates: (c?.certificates ?? []).map((certificate) => {
          const days = daysLeft(certificate, now);
          return { ...certificate, daysLeft: days, expiresSoon: days < CERTIFICATE_WARNING_DAYS };
        }),
      };
    }),
  );
  const sources = await Promise.all(
    sourceIds.map(async (id): Promise<SourceStatus> => {
      const c = saved.sources[id];
      return {
        source: id,
        polls: c?.polls ?? 0,
        fetched: c?.fetched ?? 0,
        stored: c?.stored ?? 0,
        duplicates: c?.duplicates ?? 0,
        errors: c?.errors ?? 0,
        // Counted by the journal, which keeps them: the same number in every process that reads the store.
        deadLettered: await journal.sourceDeadLetterCount(id),
        lastPollAt: c?.lastPollAt,
        lastError: c?.lastError,
        paused: live.paused?.get(id) ?? false,
      };
    }),
  );
  return { at: now, head, journal: usage, sources, destinations };
};

export const readStatusCounters = readSavedCounters;

/** With a shared store, the counters each part's holder saved under its own key (`partKey`), for `status`. */
export const readPartCounters = async (state: StateStore, sources: readonly string[], destinations: readonly string[]): Promise<SavedCounters> => {
  const read = async (part: WorkPart): Promise<[string, unknown] | undefined> => {
    const text = await state.get(STATUS_NAMESPACE, partKey(part));
    if (text === undefined) return undefined;
    try {
      return [part.id, JSON.parse(text)];
    } catch {
      return undefined;
    }
  };
  const entries = async (kind: WorkPart['kind'], ids: readonly string[]) =>
    Object.fromEntries((await Promise.all(ids.map((id) => read({ kind, id })))).filter((entry) => entry !== undefined));
  return { sources: await entries('source', sources), destinations: await entries('destination', destinations) } as SavedCounters;
};
