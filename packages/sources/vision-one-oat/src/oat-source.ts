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
  tmv1AnyOf,
  toVisionOneDateTime,
  VisionOneClient,
  windowCheckpoint,
  type VisionOneClientTuning,
  type VisionOneItem,
  describeVisionOneTarget,
} from '@syslog-connector/vision-one-client';
import { oatCefRecord, oatDeviceFacility } from './oat-cef-record.js';
import { oatDetectionSchema, readOatDetection, type OatDetection, type OatDetectionFields } from './oat-detection.js';
import type { OatOptions } from './oat-options.js';

export const OAT_DETECTIONS_PATH = '/v3.0/oat/detections';

/** FACTS §B.6: an OAT time range may not exceed 365 days (else HTTP 400). */
export const OAT_MAX_RANGE_MS = 365 * 86_400_000;

/** Metric counting items that failed validation (labels: source, type); they are forwarded anyway. */
export const INVALID_ITEMS_METRIC = 'source_invalid_items';

/** Metric counting matched filters left out because their risk level is not in `riskLevels` (labels: source, riskLevel). */
export const SKIPPED_FILTERS_METRIC = 'source_oat_filters_skipped';

/**
 * Metric counting detections whose `detail.productCode` is not in `OAT_PRODUCT_NAMES` (labels: source,
 * productCode): their `deviceFacility` is the item's `pname`, else the code as it came.
 */
export const UNMAPPED_PRODUCT_CODES_METRIC = 'source_oat_unmapped_product_codes';

export interface OatSourceDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * Polls `GET /v3.0/oat/detections` (FACTS §B.6) by INGESTION time and maps each matched filter to Trend's CEF 900002.
 *
 * ## Why ingestion time
 * A detection can reach Vision One long after it happened (an endpoint offline for a day uploads its telemetry
 * when it reconnects). A window on `detectedDateTime` that has moved on would never see it; a window on
 * `ingestedDateTime` sees every detection once, when it arrives. So the window is
 * `ingestedStartDateTime`/`ingestedEndDateTime`, and no detected range is sent (the API then does not apply its
 * default 24 h detected window — [UNCONFIRMED], the simulator does the same).
 *
 * ## Windows and checkpoints
 * Same scheme as the workbench source (`planPollWindow`): end = now − 10 s, start = stored end − 60 s overlap or
 * `since` (pinned into the first checkpoint), never more than 365 days before the end (FACTS §B.6 — a longer
 * range is a 400; the cut is logged). Every page is one batch stored with its checkpoint; only the last page's
 * checkpoint moves the window end. The API returns newest first and the order cannot be changed (FACTS §B.6),
 * but the window's end is fixed and in the past, so the result set does not move while it is paged. A crash
 * mid-window re-reads the window; the journal drops the re-read events by key.
 *
 * ## riskLevels
 * Sent as `TMV1-Filter: (riskLevel eq 'critical') or …` on every page (FACTS §B.2, §B.4, §B.6). The API selects
 * a detection when ANY of its filters matches, so filters of an unselected level inside a selected detection are
 * left out here too, counted in `source_oat_filters_skipped`.
 *
 * ## One record per matched filter
 * Trend's 900002 line has one `cat`, one `msg`, one MITRE pair and one severity: those are properties of a
 * filter, not of the detection. A detection that matched two filters becomes two records, each with its own
 * name, description, MITRE ids and severity; key = `<uuid>:<filter id>`, so each is stored once.
 */
export class OatSource implements Source {
  readonly pollIntervalMs: number;
  readonly #id: string;
  readonly #options: OatOptions;
  readonly #deps: OatSourceDeps;
  readonly #client: VisionOneClient;
  readonly #riskLevels: ReadonlySet<string>;
  readonly #filter: string;
  /** Product codes already reported in the log, so each is logged once per process, not once per detection. */
  readonly #reportedCodes = new Set<string>();

  constructor(place: PluginPlace, options: OatOptions, deps: OatSourceDeps, tuning: VisionOneClientTuning = {}) {
    this.#id = place.id;
    this.#options = options;
    this.#deps = deps;
    this.pollIntervalMs = options.pollInterval;
    this.#client = new VisionOneClient(place, options, { clock: deps.clock, logger: deps.logger }, tuning);
    this.#riskLevels = new Set(options.riskLevels);
    // Deduplicated, in the option's order: the filter header is part of what an operator sees in a trace.
    this.#filter = tmv1AnyOf('riskLevel', [...this.#riskLevels]);
  }

  /** What it reads, for the host's screens: the data, the API base URL and the company ID; never the API key. */
  describeTarget(): string {
    return describeVisionOneTarget('OAT detections', this.#client.baseUrl, this.#options.companyId);
  }

  async *read(from: Checkpoint | undefined, signal: AbortSignal): AsyncIterable<SourceBatch> {
    const stored = readWindowCheckpoint(from);
    if (from !== undefined && stored === undefined) {
      this.#deps.logger.warn({ source: this.#id }, 'Stored OAT checkpoint is not readable; starting from `since`.');
    }
    // A narrowed read (a span in the checkpoint) resumes exactly where it stopped: with the overlap it would
    // step back into the window that stopped it, poll after poll.
    const span = readWindowSpan(from);
    const window = planPollWindow({
      mark: stored,
      now: this.#deps.clock.now(),
      since: this.#options.since,
      maxAgeMs: OAT_MAX_RANGE_MS,
      ...(span === undefined ? {} : { overlapMs: 0 }),
    });
    if (window.clampedFrom !== undefined) {
      this.#deps.logger.warn(
        { source: this.#id, wanted: window.clampedFrom, start: window.start },
        'OAT window starts later than asked: the API reads at most 365 days at once; older detections are out of reach.',
      );
    }
    if (window.empty) {
      // Store the pinned start anyway, or a short `since` would be recomputed — and stay ahead — on every poll.
      yield { events: [], checkpoint: windowCheckpoint(window.mark) };
      return;
    }
    const client = this.#client;
    const filter = this.#filter;
    const pageSize = this.#options.pageSize;
    yield* readNarrowingWindows({
      sourceId: this.#id,
      start: Date.parse(window.start),
      end: Date.parse(window.end),
      span,
      minSpanMs: MIN_WINDOW_MS,
      align: alignToSecond,
      budget: new PollBudget(client.limits),
      logger: this.#deps.logger,
      now: () => this.#deps.clock.now(),
      format: toVisionOneDateTime,
      checkpoint: (readUpTo, span) => windowCheckpoint(readUpTo === undefined ? window.mark : toVisionOneDateTime(readUpTo), span),
      read: (start, end, budget) => this.#pages(toVisionOneDateTime(start), toVisionOneDateTime(end), filter, pageSize, budget, signal),
    });
  }

  async *#pages(start: string, end: string, filter: string, pageSize: number, budget: PollBudget, signal: AbortSignal): AsyncIterable<WindowPage> {
    const pages = this.#client.list(OAT_DETECTIONS_PATH, {
      query: { ingestedStartDateTime: start, ingestedEndDateTime: end, top: pageSize },
      filter,
      itemSchema: oatDetectionSchema,
      idField: 'uuid',
      signal,
      budget,
    });
    for await (const page of pages) {
      yield { events: page.items.flatMap((item) => this.#events(item)), deadLetters: page.deadLetters, last: page.last };
    }
  }

  check(signal: AbortSignal): AsyncIterable<CheckStep> {
    const now = this.#deps.clock.now();
    return this.#client.check(
      {
        path: OAT_DETECTIONS_PATH,
        query: { ingestedStartDateTime: toVisionOneDateTime(now - 3_600_000), ingestedEndDateTime: toVisionOneDateTime(now - POLL_SAFETY_LAG_MS), top: 50 },
        filter: this.#filter,
      },
      signal,
    );
  }

  async close(): Promise<void> {
    // Requests use the global fetch (one keep-alive pool per origin, shared) and end with each poll; the client
    // only gives its host's request limit back.
    this.#client.close();
  }

  #events(item: VisionOneItem<OatDetection>): SecurityEvent[] {
    const detection = readOatDetection(item.raw);
    const uuid = detection.uuid ?? `sha256:${createHash('sha256').update(JSON.stringify(item.raw)).digest('hex')}`;
    if (!item.valid) {
      this.#deps.logger.warn({ source: this.#id, key: uuid, issues: item.issues }, 'OAT detection failed validation; forwarding the fields that could be read.');
      this.#deps.metrics.increment(INVALID_ITEMS_METRIC, { source: this.#id, type: 'oat-detection' });
    }
    this.#countUnmappedProduct(detection.detail, uuid);
    const base = { source: this.#id, type: 'oat-detection', time: detection.detectedMs ?? this.#deps.clock.now(), raw: item.raw };
    if (detection.filters.length === 0) {
      // Nothing to split by: one record with what the detection has, rather than none.
      return [{ ...base, key: uuid, record: oatCefRecord(detection, undefined, { companyId: this.#options.companyId }) }];
    }
    return detection.filters.flatMap((filter, index): SecurityEvent[] => {
      if (filter.riskLevel !== undefined && !this.#riskLevels.has(filter.riskLevel)) {
        this.#deps.metrics.increment(SKIPPED_FILTERS_METRIC, { source: this.#id, riskLevel: filter.riskLevel });
        this.#deps.logger.debug({ source: this.#id, key: uuid, riskLevel: filter.riskLevel }, 'OAT filter below the chosen risk levels left out.');
        return [];
      }
      return [
        {
          ...base,
          key: `${uuid}:${filter.id ?? `#${index}`}`,
          record: oatCefRecord(detection, filter, { companyId: this.#options.companyId }),
        },
      ];
    });
  }

  #countUnmappedProduct(detail: OatDetectionFields['detail'], key: string): void {
    const { value, unmappedCode } = oatDeviceFacility(detail);
    if (unmappedCode === undefined) return;
    this.#deps.metrics.increment(UNMAPPED_PRODUCT_CODES_METRIC, { source: this.#id, productCode: unmappedCode });
    if (this.#reportedCodes.has(unmappedCode)) return;
    this.#reportedCodes.add(unmappedCode);
    this.#deps.logger.info(
      { source: this.#id, key, productCode: unmappedCode, deviceFacility: value },
      'OAT product code without a known product name; deviceFacility carries the item\'s pname or the code itself.',
    );
  }
}
