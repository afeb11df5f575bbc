import type { SourceDeadLetter } from './journal.js';
import type { Logger } from './services.js';
import type { Checkpoint, SourceBatch } from './source.js';
import type { SecurityEvent } from './security-event.js';
import { SourceLimitError, type PollBudget } from './source-limits.js';

/** One page of a time window, as a source maps it. */
export interface WindowPage {
  readonly events: readonly SecurityEvent[];
  readonly deadLetters: readonly SourceDeadLetter[];
  /** True on the window's last page: the window has been read whole. */
  readonly last: boolean;
}

export interface NarrowingWindowsInput {
  readonly sourceId: string;
  /** The time range this poll should read, epoch ms; `start` < `end`. */
  readonly start: number;
  readonly end: number;
  /** The sub-window length to begin with (a narrowed span from the checkpoint); default the whole range. */
  readonly span: number | undefined;
  /** The narrowest window tried; one that does not fit even at this size is reported and skipped. */
  readonly minSpanMs: number;
  /** Rounds a window edge to what the API accepts (Vision One: whole seconds). */
  readonly align: (ms: number) => number;
  readonly budget: PollBudget;
  readonly logger: Logger;
  readonly now: () => number;
  /** The API time text of an edge, for logs and dead letters. */
  readonly format: (ms: number) => string;
  /** Reads [start, end] page by page, within the poll's `budget` (pass it to the API client). */
  readonly read: (start: number, end: number, budget: PollBudget) => AsyncIterable<WindowPage>;
  /**
   * The checkpoint for "read whole up to `readUpTo`" (undefined: nothing read yet this poll, keep the stored
   * mark), with the span the next poll starts with (undefined: the whole range).
   */
  readonly checkpoint: (readUpTo: number | undefined, span: number | undefined) => Checkpoint;
}

/**
 * Reads a poll's time range so that a poll that runs into a limit still makes progress (issue #16).
 *
 * The range is read as sub-windows of `span` (first: the whole range, or the span the last poll ended with). A
 * sub-window read whole moves the checkpoint to its end. A sub-window that hits a limit (too many pages, too many
 * bytes, one response too large) is halved and read again, in this poll while its budget lasts, else in the next
 * poll, which starts from the stored narrowed span; each success doubles the span again. The events of a
 * sub-window that hit its limit are stored all the same (under the old checkpoint): re-read later, they are
 * de-duplicated by key. Narrowing makes sense because APIs page newest first (OAT) or oldest first, and a
 * window holds fewer items than its double either way.
 *
 * A sub-window that hits a limit even at `minSpanMs` cannot be read by narrowing: it is set aside as a source
 * dead letter (key `window:<start>/<end>`, the limit's message as its reason), the checkpoint moves past it, and
 * the poll goes on. Never silent: the dead letter is logged as an error and counted in status together with the
 * poll's error (the batch's `pollError`: errors count and last error at once), and the poll ends with the limit
 * error, so `status` shows the cause.
 */
/**
 * True when a per-poll limit (pages, bytes) stopped a window that itself read less than half of it: the budget was
 * spent by the windows before, so the window is not the problem.
 */
const spentElsewhere = (error: SourceLimitError, budget: PollBudget, before: { readonly pages: number; readonly bytes: number }): boolean => {
  if (error.limit === 'pagesPerPoll') return (budget.pages - before.pages) * 2 < budget.limits.pagesPerPoll;
  if (error.limit === 'bytesPerPoll') return (budget.bytes - before.bytes) * 2 < budget.limits.bytesPerPoll;
  return false;
};

export async function* readNarrowingWindows(input: NarrowingWindowsInput): AsyncIterable<SourceBatch> {
  const { start, end, budget, logger, sourceId } = input;
  const whole = end - start;
  let span = Math.max(input.minSpanMs, Math.min(input.span ?? whole, whole));
  let from = start;
  let readUpTo: number | undefined;
  let limitError: SourceLimitError | undefined;
  const exhausted = (): boolean => budget.pages >= budget.limits.pagesPerPoll || budget.bytes >= budget.limits.bytesPerPoll;
  while (from < end) {
    if (exhausted()) {
      // The poll's budget went to earlier windows: not a reason to narrow this one. The next poll goes on.
      limitError ??= new SourceLimitError(
        budget.pages >= budget.limits.pagesPerPoll ? 'pagesPerPoll' : 'bytesPerPoll',
        `the poll read ${budget.pages} page(s), ${budget.bytes} bytes, its limit`,
      );
      break;
    }
    const to = Math.min(end, input.align(from + span));
    const narrowed = (): number | undefined => (span >= whole ? undefined : span);
    const before = { pages: budget.pages, bytes: budget.bytes };
    try {
      for await (const page of input.read(from, to, budget)) {
        if (page.last) readUpTo = to;
        const checkpoint = input.checkpoint(readUpTo, narrowed());
        yield page.deadLetters.length === 0 ? { events: page.events, checkpoint } : { events: page.events, deadLetters: page.deadLetters, checkpoint };
      }
      readUpTo = to;
      from = to;
      // Past the hard part the windows grow back, so a narrowed poll soon reads in few requests again.
      if (span < whole) span = Math.min(whole, span * 2);
      continue;
    } catch (error) {
      if (!SourceLimitError.isLimit(error)) throw error;
      limitError = error;
    }
    if (spentElsewhere(limitError, budget, before)) {
      // The poll's budget went mostly to earlier windows: this one is not too large, the poll is just over.
      // Neither narrow nor set it aside; the next poll reads it.
      break;
    }
    if (to - from <= input.minSpanMs) {
      const window = `${input.format(from)}/${input.format(to)}`;
      logger.error(
        { source: sourceId, window, limit: limitError.limit, error: limitError.message },
        'A time window does not fit the source limits even at its narrowest; it is set aside as a dead letter and the source goes on after it.',
      );
      readUpTo = to;
      from = to;
      yield {
        events: [],
        deadLetters: [{ key: `window:${window}`, reason: `window skipped: ${limitError.message}`, excerpt: '', time: input.now() }],
        checkpoint: input.checkpoint(readUpTo, narrowed()),
        // Counted in status now, beside the dead letter, not only when the poll ends (or never, if it is stopped).
        pollError: limitError,
      };
    } else {
      span = Math.max(input.minSpanMs, input.align(Math.floor((to - from) / 2)));
      logger.warn(
        { source: sourceId, window: `${input.format(from)}/${input.format(to)}`, limit: limitError.limit, spanMs: span },
        'Source limit reached; reading the window in narrower parts.',
      );
      // Keep the narrowed span even if the poll stops here: the next poll starts with it.
      yield { events: [], checkpoint: input.checkpoint(readUpTo, span) };
    }
  }
  if (limitError !== undefined) {
    throw new SourceLimitError(
      limitError.limit,
      from < end
        ? `${limitError.message}; read up to ${input.format(readUpTo ?? start)}, the next poll goes on in windows of ${Math.round(span / 1000)} s`
        : `${limitError.message}; the poll went on in narrower windows`,
      { ...(limitError.path === undefined ? {} : { path: limitError.path }), ...(limitError.hint === undefined ? {} : { hint: limitError.hint }) },
    );
  }
}
