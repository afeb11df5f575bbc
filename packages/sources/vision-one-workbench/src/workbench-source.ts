import { createHash } from 'node:crypto';
import type { CheckStep, Checkpoint, Clock, Logger, Metrics, PluginPlace, SecurityEvent, Source, SourceBatch } from '@syslog-connector/core';
import { PollBudget, readNarrowingWindows, type WindowPage } from '@syslog-connector/core';
import {
  alignToSecond,
  MIN_WINDOW_MS,
  toVisionOneDateTime,
  mapPages,
  VisionOneClient,
  type VisionOneClientTuning,
  type VisionOneItem,
  describeVisionOneTarget,
} from '@syslog-connector/vision-one-client';
import { readWorkbenchAlert, workbenchAlertSchema, type WorkbenchAlert } from './workbench-alert.js';
import { workbenchCefRecord, type WorkbenchAlertVersion } from './workbench-cef-record.js';
import { readWorkbenchCheckpoint, toCheckpoint, type WorkbenchDateTimeTarget } from './workbench-checkpoint.js';
import type { WorkbenchOptions } from './workbench-options.js';

export const WORKBENCH_ALERTS_PATH = '/v3.0/workbench/alerts';

/**
 * The window ends this far before now: the API is never asked about the future (our clock may run ahead of
 * Trend's), and alerts being written at this very second are left for the next poll.
 */
export const SAFETY_LAG_MS = 10_000;

/**
 * Each window starts this far before the previous window's end, so an alert that becomes visible in the API a
 * little after its createdDateTime is still read; the journal drops the re-read ones by key. Together with the
 * lag, an alert may show up to 70 s late without being missed.
 */
export const OVERLAP_MS = 60_000;

/** Metric counting items that failed validation (labels: source, type); they are forwarded anyway. */
export const INVALID_ITEMS_METRIC = 'source_invalid_items';

export interface WorkbenchSourceDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

interface Stream {
  readonly target: WorkbenchDateTimeTarget;
  readonly version: WorkbenchAlertVersion;
}

/** What the streams of one poll share: the window end, the checkpoint's parts as they move, the poll's budget. */
interface Poll {
  readonly end: string;
  readonly windows: Partial<Record<WorkbenchDateTimeTarget, string>>;
  readonly firstRun: ReadonlySet<WorkbenchDateTimeTarget>;
  readonly spans: Partial<Record<WorkbenchDateTimeTarget, number>>;
  readonly budget: PollBudget;
}

/**
 * Polls `GET /v3.0/workbench/alerts` (FACTS §B.5) in time windows and maps each alert to Trend's CEF 900001.
 *
 * ## Windows and checkpoints: exactly once after dedup
 * A poll reads the window [start, end) with end = now − lag (whole seconds, FACTS §B.5 "no milliseconds") and
 * start = the stored window end − overlap (first run: `since`), ordered by the date-time target ascending. Every
 * page becomes one batch, and the journal stores each batch with its checkpoint in one transaction (DESIGN §2).
 * Only the LAST page's checkpoint carries the new window end; every earlier page carries the window's start
 * mark unchanged. So:
 * - No gap: the stored window end moves to `end` only together with the last page, i.e. after every page of the
 *   window is stored. A crash after page k leaves the old mark, and the next poll re-reads a window that starts
 *   at or before this one's start (`since` is pinned into the very first checkpoint, so a restart does not slide
 *   it forward) and reaches at least as far — every alert of this window is read again.
 * - No duplicate: pages 1..k are read again, but an event's key is the alert id (for an update: id@updatedDateTime),
 *   and the journal keeps one event per (source, key); the overlap is absorbed the same way.
 * - Within one read, pages come from one window with a fixed end, in ascending order; alerts are not deleted,
 *   so an alert added meanwhile can only push later ones onto later pages (read twice, deduplicated), never
 *   make one skip a page.
 *
 * ## include
 * - `new` reads by createdDateTime; key = id; one event per alert, for its first sighting.
 * - `updated` reads by updatedDateTime ([UNCONFIRMED] value, FACTS §B.5) and keeps alerts whose updatedDateTime
 *   differs from createdDateTime; key = id@updatedDateTime, so each change is one event. Both streams keep their
 *   own window end in the checkpoint.
 *
 * ## Invalid items
 * An alert that fails `workbenchAlertSchema` is not dropped: it is forwarded with the fields that could be read
 * (a missing field is left out of the CEF line; an unknown severity is 0), logged with its key and what failed
 * (never its content), and counted in `source_invalid_items`. Without an id its key is a hash of its JSON, so
 * re-reading it is still deduplicated.
 */
export class WorkbenchSource implements Source {
  readonly pollIntervalMs: number;
  readonly #id: string;
  readonly #options: WorkbenchOptions;
  readonly #deps: WorkbenchSourceDeps;
  readonly #client: VisionOneClient;
  readonly #streams: readonly Stream[];

  constructor(place: PluginPlace, options: WorkbenchOptions, deps: WorkbenchSourceDeps, tuning: VisionOneClientTuning = {}) {
    this.#id = place.id;
    this.#options = options;
    this.#deps = deps;
    this.pollIntervalMs = options.pollInterval;
    this.#client = new VisionOneClient(place, options, { clock: deps.clock, logger: deps.logger }, tuning);
    const include = new Set(options.include);
    this.#streams = [
      ...(include.has('new') ? [{ target: 'createdDateTime', version: 'new' } as const] : []),
      ...(include.has('updated') ? [{ target: 'updatedDateTime', version: 'updated' } as const] : []),
    ];
  }

  /** What it reads, for the host's screens: the data, the API base URL and the company ID; never the API key. */
  describeTarget(): string {
    return describeVisionOneTarget('workbench alerts', this.#client.baseUrl, this.#options.companyId);
  }

  /**
   * One poll. The default, one stream (`include: [new]`), hands back its stream's batches as they come, with no async
   * generator around them: an idle poll's one empty page passed through four nested generators, a sixth of its
   * garbage with 1,000 idle sources (issue #20).
   */
  read(from: Checkpoint | undefined, signal: AbortSignal): AsyncIterable<SourceBatch> {
    const stored = readWorkbenchCheckpoint(from);
    if (from !== undefined && stored === undefined) {
      this.#deps.logger.warn({ source: this.#id }, 'Stored workbench checkpoint is not readable; starting from `since`.');
    }
    const now = this.#deps.clock.now();
    const windows = { ...stored?.windows };
    const firstRun = new Set<WorkbenchDateTimeTarget>();
    for (const { target } of this.#streams) {
      // First run: pin `since` into every checkpoint of this poll, so a restart does not slide the start forward.
      if (windows[target] === undefined) {
        windows[target] = toVisionOneDateTime(this.#options.since.at(now));
        firstRun.add(target);
      }
    }
    const poll: Poll = {
      end: toVisionOneDateTime(now - SAFETY_LAG_MS),
      windows,
      firstRun,
      spans: { ...stored?.spans },
      // One budget for the whole poll, both streams: `limits` bound a poll, not a stream.
      budget: new PollBudget(this.#client.limits),
    };
    const [only] = this.#streams;
    return this.#streams.length === 1 && only !== undefined ? this.#readStream(poll, only, signal) : this.#readStreams(poll, signal);
  }

  async *#readStreams(poll: Poll, signal: AbortSignal): AsyncIterable<SourceBatch> {
    for (const stream of this.#streams) yield* this.#readStream(poll, stream, signal);
  }

  #readStream(poll: Poll, stream: Stream, signal: AbortSignal): AsyncIterable<SourceBatch> {
    const { end, windows, spans, budget } = poll;
    const mark = windows[stream.target] ?? end;
    const span = spans[stream.target];
    // A narrowed read (a span in the checkpoint) resumes exactly where it stopped: with the overlap it would step
    // back into the window that stopped it, poll after poll.
    const start = poll.firstRun.has(stream.target) || span !== undefined ? mark : toVisionOneDateTime(Date.parse(mark) - OVERLAP_MS);
    if (Date.parse(start) >= Date.parse(end)) {
      // Nothing to read yet (`since` is later than now − lag). Store the pinned start anyway, or a short `since`
      // would be recomputed — and stay in the future — on every poll.
      return batchOf({ events: [], checkpoint: toCheckpoint(windows, spans) });
    }
    return readNarrowingWindows({
      sourceId: this.#id,
      start: Date.parse(start),
      end: Date.parse(end),
      span,
      minSpanMs: MIN_WINDOW_MS,
      align: alignToSecond,
      budget,
      logger: this.#deps.logger,
      now: () => this.#deps.clock.now(),
      format: toVisionOneDateTime,
      checkpoint: (readUpTo, narrowed) => {
        if (readUpTo !== undefined) windows[stream.target] = toVisionOneDateTime(readUpTo);
        if (narrowed === undefined) delete spans[stream.target];
        else spans[stream.target] = narrowed;
        return toCheckpoint(windows, spans);
      },
      read: (from, to, pollBudget) => this.#pages(stream, toVisionOneDateTime(from), toVisionOneDateTime(to), pollBudget, signal),
    });
  }

  /** The window's pages as batches of events: the client's pages mapped one by one (`mapPages`, no generator). */
  #pages(stream: Stream, start: string, end: string, budget: PollBudget, signal: AbortSignal): AsyncIterable<WindowPage> {
    const pages = this.#client.list(WORKBENCH_ALERTS_PATH, {
      query: {
        startDateTime: start,
        endDateTime: end,
        dateTimeTarget: stream.target,
        orderBy: `${stream.target} asc`,
        top: this.#options.pageSize,
      },
      itemSchema: workbenchAlertSchema,
      idField: 'id',
      signal,
      budget,
    });
    return mapPages(pages, (page) => ({ events: page.items.flatMap((item) => this.#event(item, stream.version)), deadLetters: page.deadLetters, last: page.last }));
  }

  check(signal: AbortSignal): AsyncIterable<CheckStep> {
    const now = this.#deps.clock.now();
    return this.#client.check(
      {
        path: WORKBENCH_ALERTS_PATH,
        // A small page of the last hour: cheap, and 50 is a `top` value the API documents elsewhere (FACTS §B.6).
        query: { startDateTime: toVisionOneDateTime(now - 3_600_000), endDateTime: toVisionOneDateTime(now - SAFETY_LAG_MS), top: 50 },
      },
      signal,
    );
  }

  async close(): Promise<void> {
    // Requests use the shared node:http agent of their origin (one keep-alive pool, vision-one-client) and end with
    // each poll; the client only gives its host's request limit back.
    this.#client.close();
  }

  #event(item: VisionOneItem<WorkbenchAlert>, version: WorkbenchAlertVersion): SecurityEvent[] {
    const alert = readWorkbenchAlert(item.raw);
    if (version === 'updated' && alert.updatedDateTime !== undefined && alert.updatedDateTime === alert.createdDateTime) {
      // Never changed since it was created: that is the `new` event's business, not an update.
      return [];
    }
    const id = alert.id ?? `sha256:${createHash('sha256').update(JSON.stringify(item.raw)).digest('hex')}`;
    const key = version === 'new' ? id : `${id}@${alert.updatedDateTime ?? 'unknown'}`;
    if (!item.valid) {
      this.#deps.logger.warn(
        { source: this.#id, key, issues: item.issues },
        'Workbench alert failed validation; forwarding the fields that could be read.',
      );
      this.#deps.metrics.increment(INVALID_ITEMS_METRIC, { source: this.#id, type: 'workbench-alert' });
    }
    return [
      {
        key,
        source: this.#id,
        type: 'workbench-alert',
        time: alert.createdMs ?? this.#deps.clock.now(),
        raw: item.raw,
        record: workbenchCefRecord(alert, { version, companyId: this.#options.companyId }),
      },
    ];
  }
}

async function* batchOf(batch: SourceBatch): AsyncIterable<SourceBatch> {
  yield batch;
}
