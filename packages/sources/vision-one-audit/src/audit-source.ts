import { createHash } from 'node:crypto';
import type { CheckStep, Checkpoint, Clock, Logger, Metrics, PluginPlace, SecurityEvent, Source, SourceBatch } from '@syslog-connector/core';
import { PollBudget, readNarrowingWindows, type WindowPage } from '@syslog-connector/core';
import {
  alignToSecond,
  MIN_WINDOW_MS,
  planPollWindow,
  readWindowSpan,
  POLL_SAFETY_LAG_MS,
  readWindowCheckpoint,
  toVisionOneDateTime,
  VisionOneClient,
  windowCheckpoint,
  type VisionOneClientTuning,
  type VisionOneItem,
  describeVisionOneTarget,
} from '@syslog-connector/vision-one-client';
import { auditCefRecord } from './audit-cef-record.js';
import { auditLogTypeOf } from './audit-log-type.js';
import { auditLogSchema, readAuditLog, type AuditLog } from './audit-log.js';
import type { AuditLogType, AuditOptions } from './audit-options.js';

export const AUDIT_LOGS_PATH = '/v3.0/audit/logs';

/** FACTS §B.7: audit data goes back no more than 180 days. */
export const AUDIT_MAX_AGE_MS = 180 * 86_400_000;

/** Metric counting items that failed validation (labels: source, type); they are forwarded anyway. */
export const INVALID_ITEMS_METRIC = 'source_invalid_items';

/** Metric counting logs whose category is in neither table column (labels: source, category); sent as system. */
export const UNMAPPED_CATEGORY_METRIC = 'source_audit_unmapped_categories';

/** Metric counting logs left out because their log type is not in `logTypes` (labels: source, logType). */
export const SKIPPED_LOGS_METRIC = 'source_audit_logs_skipped';

export interface AuditSourceDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * Polls `GET /v3.0/audit/logs` (FACTS §B.7) by ingestion time and maps each log to Trend's CEF 900003 (account)
 * or 900004 (system).
 *
 * ## Windows and checkpoints
 * `dateTimeTarget=ingestedDateTime`, so a log that reaches the API late is read when it arrives, and
 * `orderBy=loggedDateTime asc`. Same window scheme as the other Vision One sources (`planPollWindow`): end =
 * now − 10 s, start = stored end − 60 s overlap or `since` (pinned), never more than 180 days back (FACTS §B.7;
 * the cut is logged). Only the last page's checkpoint moves the window end; the journal drops re-reads by key.
 *
 * ## Keys
 * Audit logs carry no id. The key is `<loggedDateTime>#<first 32 hex of SHA-256 of the log's JSON>`: the same log
 * read twice has the same JSON, so it is stored once. Two logs identical in every field (same user, activity,
 * second and details) would also collapse into one — they carry no information apart.
 *
 * ## logTypes, and categories in neither type
 * Selected here, not with `TMV1-Filter`: a `category eq …` filter could only list the known categories, and a
 * log of an unknown category would then never be seen — dropped silently. Instead every log is read; one whose
 * category is in neither column of `AUDIT_CATEGORY_LOG_TYPES` is sent as a system log (900004, Trend's catch-all
 * for what is not about accounts), counted in `source_audit_unmapped_categories` and logged once per category.
 * A log of a type not in `logTypes` is counted in `source_audit_logs_skipped`.
 */
export class AuditSource implements Source {
  readonly pollIntervalMs: number;
  readonly #id: string;
  readonly #options: AuditOptions;
  readonly #deps: AuditSourceDeps;
  readonly #client: VisionOneClient;
  readonly #logTypes: ReadonlySet<AuditLogType>;
  readonly #warnedCategories = new Set<string>();

  constructor(place: PluginPlace, options: AuditOptions, deps: AuditSourceDeps, tuning: VisionOneClientTuning = {}) {
    this.#id = place.id;
    this.#options = options;
    this.#deps = deps;
    this.pollIntervalMs = options.pollInterval;
    this.#client = new VisionOneClient(place, options, { clock: deps.clock, logger: deps.logger }, tuning);
    this.#logTypes = new Set(options.logTypes);
  }

  /** What it reads, for the host's screens: the data, the API base URL and the company ID; never the API key. */
  describeTarget(): string {
    return describeVisionOneTarget('audit logs', this.#client.baseUrl, this.#options.companyId);
  }

  async *read(from: Checkpoint | undefined, signal: AbortSignal): AsyncIterable<SourceBatch> {
    const stored = readWindowCheckpoint(from);
    if (from !== undefined && stored === undefined) {
      this.#deps.logger.warn({ source: this.#id }, 'Stored audit checkpoint is not readable; starting from `since`.');
    }
    // A narrowed read (a span in the checkpoint) resumes exactly where it stopped: with the overlap it would
    // step back into the window that stopped it, poll after poll.
    const span = readWindowSpan(from);
    const window = planPollWindow({
      mark: stored,
      now: this.#deps.clock.now(),
      since: this.#options.since,
      maxAgeMs: AUDIT_MAX_AGE_MS,
      ...(span === undefined ? {} : { overlapMs: 0 }),
    });
    if (window.clampedFrom !== undefined) {
      this.#deps.logger.warn(
        { source: this.#id, wanted: window.clampedFrom, start: window.start },
        'Audit window starts later than asked: the API keeps audit logs for 180 days; older logs are out of reach.',
      );
    }
    if (window.empty) {
      yield { events: [], checkpoint: windowCheckpoint(window.mark) };
      return;
    }
    yield* readNarrowingWindows({
      sourceId: this.#id,
      start: Date.parse(window.start),
      end: Date.parse(window.end),
      span,
      minSpanMs: MIN_WINDOW_MS,
      align: alignToSecond,
      budget: new PollBudget(this.#client.limits),
      logger: this.#deps.logger,
      now: () => this.#deps.clock.now(),
      format: toVisionOneDateTime,
      checkpoint: (readUpTo, span) => windowCheckpoint(readUpTo === undefined ? window.mark : toVisionOneDateTime(readUpTo), span),
      read: (start, end, budget) => this.#pages(toVisionOneDateTime(start), toVisionOneDateTime(end), budget, signal),
    });
  }

  async *#pages(start: string, end: string, budget: PollBudget, signal: AbortSignal): AsyncIterable<WindowPage> {
    const pages = this.#client.list(AUDIT_LOGS_PATH, {
      query: {
        startDateTime: start,
        endDateTime: end,
        dateTimeTarget: 'ingestedDateTime',
        orderBy: 'loggedDateTime asc',
        top: this.#options.pageSize,
      },
      itemSchema: auditLogSchema,
      signal,
      budget,
    });
    for await (const page of pages) {
      yield { events: page.items.flatMap((item) => this.#event(item)), deadLetters: page.deadLetters, last: page.last };
    }
  }

  check(signal: AbortSignal): AsyncIterable<CheckStep> {
    const now = this.#deps.clock.now();
    return this.#client.check(
      {
        path: AUDIT_LOGS_PATH,
        query: { startDateTime: toVisionOneDateTime(now - 3_600_000), endDateTime: toVisionOneDateTime(now - POLL_SAFETY_LAG_MS), top: 50 },
      },
      signal,
    );
  }

  async close(): Promise<void> {
    // Requests use the global fetch (one keep-alive pool per origin, shared) and end with each poll; the client
    // only gives its host's request limit back.
    this.#client.close();
  }

  #event(item: VisionOneItem<AuditLog>): SecurityEvent[] {
    const log = readAuditLog(item.raw);
    const key = `${log.loggedDateTime ?? 'unknown'}#${createHash('sha256').update(JSON.stringify(item.raw)).digest('hex').slice(0, 32)}`;
    if (!item.valid) {
      this.#deps.logger.warn({ source: this.#id, key, issues: item.issues }, 'Audit log failed validation; forwarding the fields that could be read.');
      this.#deps.metrics.increment(INVALID_ITEMS_METRIC, { source: this.#id, type: 'audit-log' });
    }
    let logType = auditLogTypeOf(log.category);
    if (logType === undefined) {
      // Vendor text in a label: cut, so a hostile category cannot blow up the metrics.
      const category = (log.category ?? '').slice(0, 100);
      this.#deps.metrics.increment(UNMAPPED_CATEGORY_METRIC, { source: this.#id, category });
      if (!this.#warnedCategories.has(category)) {
        this.#warnedCategories.add(category);
        this.#deps.logger.warn(
          { source: this.#id, key, category },
          'Audit log category is neither account nor system in the category table; sending it as a system audit log (900004).',
        );
      }
      logType = 'system';
    }
    if (!this.#logTypes.has(logType)) {
      this.#deps.metrics.increment(SKIPPED_LOGS_METRIC, { source: this.#id, logType });
      return [];
    }
    return [
      {
        key,
        source: this.#id,
        type: 'audit-log',
        time: log.loggedMs ?? this.#deps.clock.now(),
        raw: item.raw,
        record: auditCefRecord(log, logType, { companyId: this.#options.companyId }),
      },
    ];
  }
}
