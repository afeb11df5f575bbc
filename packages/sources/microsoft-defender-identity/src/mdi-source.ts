import { createHash } from 'node:crypto';
import { PollBudget, readNarrowingWindows, z, type CheckStep, type Checkpoint, type Clock, type JsonValue, type Logger, type PluginPlace, type SecurityEvent, type Source, type SourceBatch } from '@syslog-connector/core';
import { GraphClient, type GraphClientTuning } from './graph-client.js';
import type { GraphCredential } from './graph-credential.js';
import { mdiAlertCefRecord, mdiHealthIssueCefRecord, readMdiAlert, readMdiHealthIssue } from './mdi-cef-record.js';
import type { MdiOptions } from './mdi-options.js';

export const ALERTS_PATH = '/v1.0/security/alerts_v2';
export const HEALTH_ISSUES_PATH = '/v1.0/security/identities/healthIssues';
/** FACTS §D.1: only Defender for Identity's alerts. */
export const MDI_SERVICE_SOURCE = 'microsoftDefenderForIdentity';
/** A window ends this far before now, so items being written at this second are left for the next poll. */
export const SAFETY_LAG_MS = 10_000;
/** Each window starts this far before the last one's end: an item that shows up in Graph late is still read. */
export const OVERLAP_MS = 60_000;

export interface MdiSourceDeps {
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * What is stored with every batch: `origin` = `since` pinned at the first poll; per stream the end of the last
 * window read in full (ISO times, readable on purpose).
 */
const checkpointSchema = z.object({
  version: z.literal(1),
  origin: z.string(),
  alerts: z.string().optional(),
  health: z.string().optional(),
  /** Per stream, after a poll ran into a source limit: the narrowed window length (ms) to go on with. */
  spans: z.object({ alerts: z.number().int().positive().optional(), health: z.number().int().positive().optional() }).optional(),
});
type MdiCheckpoint = z.output<typeof checkpointSchema>;

const toCheckpoint = (state: MdiCheckpoint): Checkpoint => ({
  version: 1,
  origin: state.origin,
  ...(state.alerts === undefined ? {} : { alerts: state.alerts }),
  ...(state.health === undefined ? {} : { health: state.health }),
  ...(state.spans === undefined || Object.keys(state.spans).length === 0 ? {} : { spans: jsonSpans(state.spans) }),
});

const jsonSpans = (spans: NonNullable<MdiCheckpoint['spans']>): { [key: string]: number } =>
  Object.fromEntries(Object.entries(spans).filter((entry): entry is [string, number] => entry[1] !== undefined));

/** The narrowest window a limited poll tries before it sets the window aside. */
const MIN_WINDOW_MS = 1_000;

/**
 * Defender for Identity through Microsoft Graph, as MDI's own syslog notifications (FACTS §C.1): new alerts,
 * updated alerts and new health issues.
 *
 * - Alerts: one window [start, end) on `lastUpdateDateTime` over `alerts_v2` filtered to MDI (FACTS §D.1), every
 *   page followed. An alert created at or after `origin` gives a `new` event (key = its id); an alert whose
 *   lastUpdateDateTime differs from its createdDateTime gives an `update` event (key = id@lastUpdateDateTime). A
 *   window on the update time sees every creation too (lastUpdate ≥ created), so an alert created and updated
 *   between two polls still yields both events. Graph gives no order guarantee; none is needed, because only
 *   the last page's checkpoint moves the window end.
 * - Health issues: a window [start, end) on `createdDateTime`; each issue is one event (key = health:id).
 * - Exactly once after dedup: as the workbench source — pages are batches stored with their checkpoint, the
 *   window end moves only with the last page, and re-reads (the overlap, a restart mid-window) are dropped by key
 *   in the journal.
 */
export class MdiSource implements Source {
  readonly pollIntervalMs: number;
  readonly #id: string;
  readonly #options: MdiOptions;
  readonly #deps: MdiSourceDeps;
  readonly #client: GraphClient;
  readonly #notifications: ReadonlySet<string>;

  constructor(place: PluginPlace, options: MdiOptions, credential: GraphCredential, deps: MdiSourceDeps, tuning: GraphClientTuning = {}) {
    this.#id = place.id;
    this.#options = options;
    this.#deps = deps;
    this.pollIntervalMs = options.pollInterval;
    this.#notifications = new Set(options.notifications);
    this.#client = new GraphClient(place, options, credential, deps, tuning);
  }

  /**
   * What it reads, for the host's screens: MDI's alerts and health issues through Microsoft Graph at `graphHost`,
   * for the tenant — never the client secret, certificate or key.
   */
  describeTarget(): string {
    return `Microsoft Defender for Identity via Microsoft Graph at ${this.#options.graphHost} (tenant ${this.#options.tenantId})`;
  }

  async *read(from: Checkpoint | undefined, signal: AbortSignal): AsyncIterable<SourceBatch> {
    const parsed = from === undefined ? undefined : checkpointSchema.safeParse(from);
    if (parsed !== undefined && !parsed.success) this.#deps.logger.warn({ source: this.#id }, 'Stored MDI checkpoint is not readable; starting from `since`.');
    const now = this.#deps.clock.now();
    const end = new Date(now - SAFETY_LAG_MS).toISOString();
    const state: { -readonly [K in keyof MdiCheckpoint]: MdiCheckpoint[K] } = parsed?.success ? { ...parsed.data } : { version: 1, origin: new Date(this.#options.since.at(now)).toISOString() };
    const originMs = Date.parse(state.origin);
    const streams: Array<{ key: 'alerts' | 'health'; path: string; field: string; extra: string; events: (raw: JsonValue) => SecurityEvent[] }> = [];
    if (this.#notifications.has('new-alerts') || this.#notifications.has('updated-alerts')) {
      streams.push({ key: 'alerts', path: ALERTS_PATH, field: 'lastUpdateDateTime', extra: `serviceSource eq '${MDI_SERVICE_SOURCE}' and `, events: (raw) => this.#alertEvents(raw, originMs) });
    }
    if (this.#notifications.has('health-issues')) {
      streams.push({ key: 'health', path: HEALTH_ISSUES_PATH, field: 'createdDateTime', extra: '', events: (raw) => this.#healthEvents(raw) });
    }
    // One budget for the whole poll, both streams: `limits` bound a poll, not a stream.
    const budget = new PollBudget(this.#client.limits);
    for (const stream of streams) {
      const mark = state[stream.key];
      const span = state.spans?.[stream.key];
      // A narrowed read (a span in the checkpoint) resumes exactly where it stopped, without the overlap: it would
      // step back into the window that stopped it, poll after poll.
      const start = mark === undefined ? state.origin : new Date(Math.max(originMs, Date.parse(mark) - (span === undefined ? OVERLAP_MS : 0))).toISOString();
      if (Date.parse(start) >= Date.parse(end)) {
        yield { events: [], checkpoint: toCheckpoint(state) };
        continue;
      }
      yield* readNarrowingWindows({
        sourceId: this.#id,
        start: Date.parse(start),
        end: Date.parse(end),
        span,
        minSpanMs: MIN_WINDOW_MS,
        align: (ms) => ms,
        budget,
        logger: this.#deps.logger,
        now: () => this.#deps.clock.now(),
        format: (ms) => new Date(ms).toISOString(),
        checkpoint: (readUpTo, narrowed) => {
          if (readUpTo !== undefined) state[stream.key] = new Date(readUpTo).toISOString();
          const spans = { ...state.spans };
          if (narrowed === undefined) delete spans[stream.key];
          else spans[stream.key] = narrowed;
          state.spans = spans;
          return toCheckpoint(state);
        },
        read: async function* (this: MdiSource, from: number, to: number, pollBudget: PollBudget) {
          // OData 4.01 §5.1.1.1.2: DateTimeOffset literals are written bare, not quoted.
          const filter = `${stream.extra}${stream.field} ge ${new Date(from).toISOString()} and ${stream.field} lt ${new Date(to).toISOString()}`;
          for await (const page of this.#client.list(stream.path, { $filter: filter, $top: String(this.#options.pageSize) }, signal, pollBudget)) {
            yield { events: page.items.flatMap((item) => stream.events(item as JsonValue)), deadLetters: page.deadLetters, last: page.last };
          }
        }.bind(this),
      });
    }
  }

  check(signal: AbortSignal): AsyncIterable<CheckStep> {
    const probes: Array<{ path: string; query: Record<string, string> }> = [];
    if (this.#notifications.has('new-alerts') || this.#notifications.has('updated-alerts')) {
      probes.push({ path: ALERTS_PATH, query: { $filter: `serviceSource eq '${MDI_SERVICE_SOURCE}'`, $top: '1' } });
    }
    if (this.#notifications.has('health-issues')) probes.push({ path: HEALTH_ISSUES_PATH, query: { $top: '1' } });
    return this.#client.check(probes, signal);
  }

  async close(): Promise<void> {
    // Requests use the global fetch and end with each poll; only the client's place at its hosts' gates is released.
    this.#client.close();
  }

  #alertEvents(raw: JsonValue, originMs: number): SecurityEvent[] {
    const alert = readMdiAlert(raw);
    const id = alert.id ?? `sha256:${createHash('sha256').update(JSON.stringify(raw)).digest('hex')}`;
    if (alert.id === undefined || alert.createdMs === undefined || alert.lastUpdateMs === undefined) {
      this.#deps.logger.warn({ source: this.#id, key: id }, 'MDI alert lacks id, createdDateTime or lastUpdateDateTime; forwarding the fields that could be read.');
    }
    const events: SecurityEvent[] = [];
    const created = alert.createdMs ?? alert.lastUpdateMs ?? this.#deps.clock.now();
    if (this.#notifications.has('new-alerts') && created >= originMs) {
      events.push({ key: id, source: this.#id, type: 'mdi-alert', time: created, raw, record: mdiAlertCefRecord(alert, 'new') });
    }
    if (this.#notifications.has('updated-alerts') && alert.lastUpdateMs !== undefined && alert.lastUpdateMs !== alert.createdMs) {
      events.push({
        key: `${id}@${alert.lastUpdateDateTime ?? ''}`,
        source: this.#id,
        type: 'mdi-alert',
        time: alert.lastUpdateMs,
        raw,
        record: mdiAlertCefRecord(alert, 'update'),
      });
    }
    return events;
  }

  #healthEvents(raw: JsonValue): SecurityEvent[] {
    const issue = readMdiHealthIssue(raw);
    const id = issue.id ?? `sha256:${createHash('sha256').update(JSON.stringify(raw)).digest('hex')}`;
    return [{ key: `health:${id}`, source: this.#id, type: 'mdi-health-issue', time: issue.createdMs ?? this.#deps.clock.now(), raw, record: mdiHealthIssueCefRecord(issue) }];
  }
}
