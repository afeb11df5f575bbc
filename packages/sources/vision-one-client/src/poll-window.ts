import { z, type Checkpoint } from '@syslog-connector/core';
import { toVisionOneDateTime } from './vision-one-date-time.js';

/**
 * The window ends this far before now: the API is never asked about the future (FACTS §B.6: an end in the future
 * is a 400, and our clock may run ahead of Trend's), and items being written at this very second are left for the
 * next poll.
 */
export const POLL_SAFETY_LAG_MS = 10_000;

/**
 * Each window starts this far before the previous window's end, so an item that becomes visible in the API a
 * little after its (ingestion) time is still read; the journal drops the re-read ones by key.
 */
export const POLL_OVERLAP_MS = 60_000;

/** The API's reach back in time, less this margin, so a slow request still asks for a range the API accepts. */
const LIMIT_MARGIN_MS = 60_000;

export interface PollWindowInput {
  /** The stored window end (an API time), or undefined on the first run. */
  readonly mark: string | undefined;
  readonly now: number;
  /** The `since` option: where a first run starts. */
  readonly since: { readonly at: (now: number) => number };
  /** How far back the API can read (OAT 365 days, audit 180 days; FACTS §B.6, §B.7). */
  readonly maxAgeMs: number;
  readonly lagMs?: number;
  readonly overlapMs?: number;
}

export interface PollWindow {
  /** The mark to store until the window is read completely: the first run pins `since` here. */
  readonly mark: string;
  /** API times, whole seconds. `empty` when start is not before end (nothing can be read yet). */
  readonly start: string;
  readonly end: string;
  readonly empty: boolean;
  /** The start the window wanted, when the API's reach cut it (events before `start` are out of reach). */
  readonly clampedFrom: string | undefined;
}

/**
 * Plans one poll's window [start, end] for a source that reads by a time field: end = now − lag, start = the
 * stored mark − overlap, or `since` on the first run, and never further back than the API reaches. The caller
 * stores `mark` with every page but the last, and `end` with the last: a crash mid-window re-reads the window,
 * and the journal de-duplicates by event key (see `WorkbenchSource` for the full argument).
 */
export const planPollWindow = (input: PollWindowInput): PollWindow => {
  const lag = input.lagMs ?? POLL_SAFETY_LAG_MS;
  const overlap = input.overlapMs ?? POLL_OVERLAP_MS;
  const end = toVisionOneDateTime(input.now - lag);
  const mark = input.mark ?? toVisionOneDateTime(input.since.at(input.now));
  const wanted = input.mark === undefined ? Date.parse(mark) : Date.parse(mark) - overlap;
  const oldest = Date.parse(toVisionOneDateTime(input.now - lag - input.maxAgeMs + LIMIT_MARGIN_MS + 999));
  const startMs = Math.max(wanted, oldest);
  const start = toVisionOneDateTime(startMs);
  return {
    mark,
    start,
    end,
    empty: startMs >= Date.parse(end),
    clampedFrom: wanted < oldest ? toVisionOneDateTime(wanted) : undefined,
  };
};

/**
 * The checkpoint of a source with one time window (OAT, audit): the end of the window read last, as an API time.
 * Readable on purpose; stored by the journal with the events it covers.
 */
export interface WindowCheckpoint {
  readonly version: 1;
  readonly windowEnd: string;
  /**
   * Present after a poll ran into a source limit: the length (ms) of the narrowed windows the next poll reads
   * the rest in (`readNarrowingWindows`); it doubles with each window read whole, and goes once it spans the poll.
   */
  readonly span?: number;
}

const windowCheckpointSchema = z.object({
  version: z.literal(1),
  windowEnd: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
  span: z.number().int().positive().optional(),
});

/** The stored window end, or undefined when there is no checkpoint or it is not one this version wrote. */
export const readWindowCheckpoint = (checkpoint: Checkpoint | undefined): string | undefined => {
  const result = windowCheckpointSchema.safeParse(checkpoint);
  return result.success ? result.data.windowEnd : undefined;
};

/** The narrowed window length a checkpoint carries, if any. */
export const readWindowSpan = (checkpoint: Checkpoint | undefined): number | undefined => {
  const result = windowCheckpointSchema.safeParse(checkpoint);
  return result.success ? result.data.span : undefined;
};

export const windowCheckpoint = (windowEnd: string, span?: number): Checkpoint =>
  span === undefined ? { version: 1, windowEnd } : { version: 1, windowEnd, span };

/** Vision One times are whole seconds (FACTS §B.5): window edges are rounded down to one. */
export const alignToSecond = (ms: number): number => Math.floor(ms / 1000) * 1000;

/** The narrowest window a limited poll tries before it sets the window aside (`readNarrowingWindows`). */
export const MIN_WINDOW_MS = 1_000;
