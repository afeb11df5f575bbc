import type { CertificateValidity } from '@syslog-connector/core';
import type { WorkLease } from '@syslog-connector/core/engine';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { ConnectorStatus, DestinationStatus, SourceStatus } from '../connector.js';
import { failingForMs } from './readiness.js';

type Kind = 'counter' | 'gauge';

interface MetricDefinition<T> {
  readonly name: string;
  readonly kind: Kind;
  readonly help: string;
  readonly value: (item: T, now: number) => number | undefined;
}

const seconds = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : ms / 1_000);

/**
 * Every metric the admin listener serves, one place for their names (Prometheus naming: `syslog_connector_`
 * prefix, base units — seconds, bytes — in the name, `_total` on counters). The values are read from the running
 * connector's `status()` at scrape time: the daemon keeps no second set of counters. Counters add up over every run
 * of the same store, as `status` does, so they only reset when the store does.
 */
export const SOURCE_METRICS: ReadonlyArray<MetricDefinition<SourceStatus>> = [
  { name: 'syslog_connector_polls_total', kind: 'counter', help: 'Polls of the vendor API.', value: (s) => s.polls },
  { name: 'syslog_connector_poll_errors_total', kind: 'counter', help: 'Polls that failed.', value: (s) => s.errors },
  { name: 'syslog_connector_events_fetched_total', kind: 'counter', help: 'Events fetched from the vendor API.', value: (s) => s.fetched },
  { name: 'syslog_connector_events_stored_total', kind: 'counter', help: 'Events stored in the journal (new ones, duplicates not counted).', value: (s) => s.stored },
  { name: 'syslog_connector_events_duplicates_total', kind: 'counter', help: 'Fetched events the journal already held (overlapping poll windows).', value: (s) => s.duplicates },
  { name: 'syslog_connector_source_paused', kind: 'gauge', help: '1 while the source is paused because the journal is full (whenFull: block).', value: (s) => (s.paused ? 1 : 0) },
  { name: 'syslog_connector_source_last_poll_timestamp_seconds', kind: 'gauge', help: 'When the source last polled, Unix time.', value: (s) => seconds(s.lastPollAt) },
];

export const DESTINATION_METRICS: ReadonlyArray<MetricDefinition<DestinationStatus>> = [
  { name: 'syslog_connector_events_delivered_total', kind: 'counter', help: 'Events delivered and acknowledged in the journal.', value: (d) => d.delivered },
  { name: 'syslog_connector_events_dead_lettered_total', kind: 'counter', help: 'Events the formatter rejected, kept as dead letters.', value: (d) => d.deadLettered },
  { name: 'syslog_connector_events_dropped_total', kind: 'counter', help: 'Undelivered events dropped at the journal budget (whenFull: drop-oldest).', value: (d) => d.dropped },
  { name: 'syslog_connector_events_truncated_total', kind: 'counter', help: 'Messages shortened to fit a length limit (free text cut, keys kept).', value: (d) => d.truncated },
  { name: 'syslog_connector_events_resent_total', kind: 'counter', help: 'Messages sent again after a broken connection or an unconfirmed end of stream: the duplicates a receiver may have seen (at most the unconfirmed window per fault; a SIGKILLed run\'s window is not counted).', value: (d) => d.resent },
  { name: 'syslog_connector_destination_send_errors_total', kind: 'counter', help: 'Failed send attempts.', value: (d) => d.sendErrors },
  { name: 'syslog_connector_destination_reconnects_total', kind: 'counter', help: 'Times delivery came back after failing (one per outage).', value: (d) => d.reconnects },
  { name: 'syslog_connector_destination_lag_events', kind: 'gauge', help: 'Events this destination has not delivered yet.', value: (d) => d.lag },
  { name: 'syslog_connector_destination_lag_seconds', kind: 'gauge', help: 'How long the destination has been behind (0 when caught up).', value: (d) => d.lagMs / 1_000 },
  { name: 'syslog_connector_destination_unconfirmed_events', kind: 'gauge', help: 'Messages sent and not yet acknowledged (the confirmation window).', value: (d) => d.unconfirmed },
  { name: 'syslog_connector_destination_failing_seconds', kind: 'gauge', help: 'How long the destination has been unable to deliver (0 while it delivers); /readyz compares it with admin.readiness.maxFailingFor.', value: (d, now) => failingForMs(d, now) / 1_000 },
  { name: 'syslog_connector_destination_last_delivery_timestamp_seconds', kind: 'gauge', help: 'When the destination last delivered, Unix time.', value: (d) => seconds(d.lastDeliveryAt) },
];

export const JOURNAL_METRICS: ReadonlyArray<MetricDefinition<ConnectorStatus>> = [
  { name: 'syslog_connector_journal_bytes', kind: 'gauge', help: 'Bytes the journal uses on disk (database pages in use).', value: (s) => s.journal?.bytes },
  { name: 'syslog_connector_journal_max_bytes', kind: 'gauge', help: 'The journal budget (journal.maxSize).', value: (s) => s.journal?.maxBytes },
  { name: 'syslog_connector_journal_full', kind: 'gauge', help: '1 while the journal is at its budget.', value: (s) => (s.journal === undefined ? undefined : s.journal.full ? 1 : 0) },
  { name: 'syslog_connector_journal_head_sequence', kind: 'gauge', help: 'Sequence number of the newest journaled event.', value: (s) => s.head },
];

/**
 * Totals over every source (issue #20): with a thousand tenants the per-source series stay (one per source and
 * metric, what Prometheus aggregates well), and these answer "how many fail?" and "who polled longest ago?" without a
 * query over a thousand series.
 */
export const SOURCES_METRIC = 'syslog_connector_sources';
export const SOURCES_OLDEST_POLL_METRIC = 'syslog_connector_sources_oldest_poll_timestamp_seconds';

/** With a shared store (issue #19): every lease as this daemon reads it, labelled kind, part and (when held) holder. */
export const LEASE_METRICS: ReadonlyArray<MetricDefinition<WorkLease>> = [
  { name: 'syslog_connector_lease_held', kind: 'gauge', help: '1 for the daemon (holder) that works this source or destination now; 0 while nobody holds it.', value: (l) => (l.holder === undefined ? 0 : 1) },
  { name: 'syslog_connector_lease_acquired_timestamp_seconds', kind: 'gauge', help: 'Since when the holder works the part, Unix time.', value: (l) => seconds(l.since) },
  { name: 'syslog_connector_lease_takeovers_total', kind: 'counter', help: 'Times another daemon took the part over from a holder that stopped renewing its lease.', value: (l) => l.takeovers },
  { name: 'syslog_connector_lease_last_takeover_timestamp_seconds', kind: 'gauge', help: 'When the part was last taken over, Unix time.', value: (l) => seconds(l.lastTakeoverAt) },
];

export const TLS_CERTIFICATE_EXPIRY_METRIC = 'syslog_connector_tls_certificate_expiry_seconds';
export const READY_METRIC = 'syslog_connector_ready';

/** Every metric name this file defines (the README's table lists the same). */
export const METRIC_NAMES: readonly string[] = [
  ...SOURCE_METRICS.map((m) => m.name),
  ...DESTINATION_METRICS.map((m) => m.name),
  ...JOURNAL_METRICS.map((m) => m.name),
  SOURCES_METRIC,
  SOURCES_OLDEST_POLL_METRIC,
  ...LEASE_METRICS.map((m) => m.name),
  TLS_CERTIFICATE_EXPIRY_METRIC,
  READY_METRIC,
];

type Settable = { reset(): void; set(labels: Record<string, string>, value: number): void };

const instrument = (registry: Registry, name: string, kind: Kind, help: string, labelNames: readonly string[]): Settable => {
  if (kind === 'gauge') {
    const gauge = new Gauge({ name, help, labelNames, registers: [registry] });
    return { reset: () => gauge.reset(), set: (labels, value) => gauge.set(labels, value) };
  }
  // A counter's value is the status's running total: reset, then raised to it (prom-client counters cannot be set).
  const counter = new Counter({ name, help, labelNames, registers: [registry] });
  return { reset: () => counter.reset(), set: (labels, value) => counter.inc(labels, value) };
};

/** What a scrape shows besides the status: readiness. */
export interface ScrapeExtras {
  readonly ready: boolean;
}

/** A Prometheus registry whose values are set from one `ConnectorStatus` per scrape. */
export class ConnectorMetrics {
  readonly registry = new Registry();
  readonly #sources: Array<[MetricDefinition<SourceStatus>, Settable]>;
  readonly #destinations: Array<[MetricDefinition<DestinationStatus>, Settable]>;
  readonly #journal: Array<[MetricDefinition<ConnectorStatus>, Settable]>;
  readonly #leases: Array<[MetricDefinition<WorkLease>, Settable]>;
  readonly #certificates: Settable;
  readonly #ready: Settable;
  readonly #sourceStates: Settable;
  readonly #oldestPoll: Settable;
  #scrapes: Promise<unknown> = Promise.resolve();

  constructor() {
    this.#sources = SOURCE_METRICS.map((m) => [m, instrument(this.registry, m.name, m.kind, m.help, ['source'])]);
    this.#destinations = DESTINATION_METRICS.map((m) => [m, instrument(this.registry, m.name, m.kind, m.help, ['destination'])]);
    this.#journal = JOURNAL_METRICS.map((m) => [m, instrument(this.registry, m.name, m.kind, m.help, [])]);
    this.#leases = LEASE_METRICS.map((m) => [m, instrument(this.registry, m.name, m.kind, m.help, ['kind', 'part', 'holder'])]);
    this.#certificates = instrument(
      this.registry,
      TLS_CERTIFICATE_EXPIRY_METRIC,
      'gauge',
      'Seconds until a destination TLS certificate expires (negative once expired): certificate="client" is the client certificate, "ca" the earliest of the CAs.',
      ['destination', 'certificate'],
    );
    this.#ready = instrument(this.registry, READY_METRIC, 'gauge', '1 when /readyz answers 200.', []);
    this.#sourceStates = instrument(
      this.registry,
      SOURCES_METRIC,
      'gauge',
      'Configured sources by state: polling (last poll succeeded or none yet), failing (last poll failed), paused (journal full).',
      ['state'],
    );
    this.#oldestPoll = instrument(this.registry, SOURCES_OLDEST_POLL_METRIC, 'gauge', 'The oldest last poll of all sources that have polled, Unix time.', []);
    // process_* and nodejs_* (CPU, memory, open files, event loop lag): the usual companions of an exporter.
    collectDefaultMetrics({ register: this.registry });
  }

  /** The text exposition of this status; scrapes run one after another, so two never mix their values. */
  scrape(status: ConnectorStatus, extras: ScrapeExtras): Promise<string> {
    const next = this.#scrapes.then(() => {
      this.#set(status, extras);
      return this.registry.metrics();
    });
    this.#scrapes = next.catch(() => undefined);
    return next;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  #set(status: ConnectorStatus, extras: ScrapeExtras): void {
    const now = status.at;
    for (const [definition, metric] of this.#sources) {
      metric.reset();
      for (const source of status.sources) setDefined(metric, { source: source.source }, definition.value(source, now));
    }
    for (const [definition, metric] of this.#destinations) {
      metric.reset();
      for (const destination of status.destinations) setDefined(metric, { destination: destination.destination }, definition.value(destination, now));
    }
    this.#sourceStates.reset();
    const failing = status.sources.filter((s) => s.lastError !== undefined).length;
    const paused = status.sources.filter((s) => s.lastError === undefined && s.paused).length;
    this.#sourceStates.set({ state: 'polling' }, status.sources.length - failing - paused);
    this.#sourceStates.set({ state: 'failing' }, failing);
    this.#sourceStates.set({ state: 'paused' }, paused);
    this.#oldestPoll.reset();
    const polled = status.sources.flatMap((s) => (s.lastPollAt === undefined ? [] : [s.lastPollAt]));
    if (polled.length > 0) this.#oldestPoll.set({}, Math.min(...polled) / 1_000);
    for (const [definition, metric] of this.#journal) {
      metric.reset();
      setDefined(metric, {}, definition.value(status, now));
    }
    for (const [definition, metric] of this.#leases) {
      metric.reset();
      for (const lease of status.work?.leases ?? []) {
        setDefined(metric, { kind: lease.kind, part: lease.id, holder: lease.holder ?? '' }, definition.value(lease, now));
      }
    }
    this.#certificates.reset();
    for (const destination of status.destinations) {
      for (const [role, notAfter] of earliestByRole(destination.certificates ?? [])) {
        this.#certificates.set({ destination: destination.destination, certificate: role }, Math.round((notAfter - now) / 1_000));
      }
    }
    this.#ready.reset();
    this.#ready.set({}, extras.ready ? 1 : 0);
  }
}

/**
 * The end of each role's earliest certificate: the client certificate (`Transport.certificates` reads it from the
 * configured file with the CAs, at start, on reload and hourly), and the first of the CAs to expire.
 */
const earliestByRole = (certificates: readonly CertificateValidity[]): Map<CertificateValidity['role'], number> => {
  const earliest = new Map<CertificateValidity['role'], number>();
  for (const { role, notAfter } of certificates) earliest.set(role, Math.min(earliest.get(role) ?? notAfter, notAfter));
  return earliest;
};

const setDefined = (metric: Settable, labels: Record<string, string>, value: number | undefined): void => {
  if (value !== undefined && Number.isFinite(value)) metric.set(labels, value);
};
