import { describeError, SyslogConnectorError } from '../errors.js';
import { placeError } from './place-error.js';
import { sharedWakeUps } from './shared-wake-ups.js';
import { securityEventProblem } from '../event-contract.js';
import { markScreened } from '../screened-batches.js';
import type { Journal, SourceDeadLetter } from '../journal.js';
import type { SecurityEvent } from '../security-event.js';
import { itemDeadLetter } from '../source-limits.js';
import type { Clock, Logger } from '../services.js';
import type { Checkpoint, Source } from '../source.js';

export interface SourceStats {
  readonly source: string;
  polls: number;
  fetched: number;
  stored: number;
  duplicates: number;
  /** Items the source could not turn into events, kept in the journal's source dead letters (this process). */
  deadLettered: number;
  errors: number;
  lastPollAt: number | undefined;
  lastError: string | undefined;
  /** True while the journal is full under the `block` policy: the source is not polled. */
  paused: boolean;
  /** Polls skipped because the journal was full. */
  pausedPolls: number;
}

/** When a runner polls, besides its source's interval (issue #20: many sources on one daemon). */
export interface SourceSchedule {
  /** Wait this long before the first poll: the host spreads the first polls of many sources over their interval. */
  readonly firstPollDelayMs?: number;
  /**
   * Each wait is varied by up to this share either way (0.05: ±5 %), so sources that started or failed together
   * (an outage ends for all at once) drift apart instead of polling in lockstep. Default 0.
   */
  readonly jitter?: number;
  /** [0, 1); default Math.random. */
  readonly random?: () => number;
  /**
   * Every wake-up (the first poll, each next one) is moved to the next multiple of this many ms of the clock, so
   * the polls of many sources run a few at a time in one wake-up instead of each in its own: on a busy machine a
   * lone poll cost about three times its share of a group of eight (issue #20). Default 0: no grid.
   */
  readonly tickMs?: number;
}

/**
 * An empty batch's checkpoint (no events, no dead letters) is kept in memory and stored at most this often (or with
 * the next batch that has events, or when the runner stops): storing it is a write transaction per poll, most of an
 * idle source's cost (issue #20). Not storing it loses nothing: a restart reads from the older checkpoint, a window
 * that covers the skipped empty ones, and the journal drops what it holds already by key.
 */
export const EMPTY_CHECKPOINT_STORE_MS = 5 * 60_000;

/**
 * How long a journal's "not full" answer holds for every runner of the process (issue #20: 1,000 sources would
 * otherwise measure the journal 33 times a second). Any runner that stores something asks again; the journal itself
 * refuses a batch over its budget under `block`, so a late pause costs one failed poll, never an event.
 */
const ROOM_CHECK_MS = 1_000;
const NO_LETTERS: readonly SourceDeadLetter[] = [];
const roomCheckedAt = new WeakMap<Journal, number>();

/**
 * Polls one source forever: from the journal's checkpoint, stores each batch with its checkpoint in one
 * transaction, then waits the source's poll interval. A failed poll is logged and retried with capped backoff;
 * an authentication error is logged once per change, not in a tight loop. The checkpoint is read from the journal
 * once; afterwards the runner knows it (it is its source's only writer), and an empty batch's checkpoint waits
 * (`EMPTY_CHECKPOINT_STORE_MS`).
 */
export class SourceRunner {
  readonly stats: SourceStats;
  readonly #id: string;
  readonly #source: Source;
  readonly #journal: Journal;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #onStored: () => void;
  readonly #schedule: SourceSchedule;
  /** The checkpoint in the journal, once read or written by this runner. */
  #stored: { readonly checkpoint: Checkpoint | undefined } | undefined;
  /** A newer checkpoint of empty batches, not stored yet, and since when it waits. */
  #pending: { readonly checkpoint: Checkpoint; readonly since: number } | undefined;
  /** The poll in progress has counted its error (`#failed`). */
  #pollFailed = false;

  constructor(id: string, source: Source, journal: Journal, clock: Clock, logger: Logger, onStored: () => void, schedule: SourceSchedule = {}) {
    this.#id = id;
    this.#schedule = schedule;
    this.#source = source;
    this.#journal = journal;
    this.#clock = clock;
    this.#logger = logger;
    this.#onStored = onStored;
    this.stats = { source: id, polls: 0, fetched: 0, stored: 0, duplicates: 0, deadLettered: 0, errors: 0, lastPollAt: undefined, lastError: undefined, paused: false, pausedPolls: 0 };
  }

  /**
   * One poll: reads every batch the source has now. When the journal's disk budget is reached under the `block`
   * policy (DESIGN §2) the source is not polled at all: its checkpoint stays, so nothing is skipped, and polling
   * resumes once destinations have caught up and compaction freed space. Returns false when paused.
   */
  async pollOnce(signal: AbortSignal): Promise<boolean> {
    this.#pollFailed = false;
    // The room answer of the last second holds (most polls): no async call and no await for it (issue #20).
    if (!this.#roomKnown() && (await this.#journalFull())) {
      if (!this.stats.paused) this.#logger.warn({ source: this.#id }, 'Journal full: source paused until destinations catch up.');
      this.stats.paused = true;
      this.stats.pausedPolls += 1;
      return false;
    }
    if (this.stats.paused) this.#logger.info({ source: this.#id }, 'Journal has room again: source resumed.');
    this.stats.paused = false;
    this.#stored ??= { checkpoint: await this.#journal.checkpoint(this.#id) };
    const from = this.#pending?.checkpoint ?? this.#stored.checkpoint;
    for await (const batch of this.#source.read(from, signal)) {
      // An empty page (an idle poll's only one) has nothing to screen or to set aside: no lists made for it.
      let events = batch.events;
      let deadLetters = NO_LETTERS;
      if (events.length > 0 || (batch.deadLetters !== undefined && batch.deadLetters.length > 0)) {
        const screened = this.#screen(events);
        events = screened.events;
        deadLetters = [...(batch.deadLetters ?? []), ...screened.broken];
      }
      // Dead letters first: a crash before the batch re-reads the page, and the journal keeps each letter once.
      if (deadLetters.length > 0) {
        const stored = await this.#journal.deadLetterAtSource(this.#id, deadLetters);
        this.stats.deadLettered += stored;
        for (const letter of deadLetters.slice(0, 10)) {
          this.#logger.warn({ source: this.#id, key: letter.key, reason: letter.reason }, 'Source item dead-lettered: it cannot become an event; the rest of its page goes on.');
        }
      }
      if (batch.pollError !== undefined) this.#failed(batch.pollError);
      this.stats.fetched += batch.events.length;
      if (events.length === 0 && deadLetters.length === 0 && this.#defer(batch.checkpoint)) continue;
      // Stored with its checkpoint in one transaction; an empty batch too, when its checkpoint has waited long enough.
      const result = await this.#journal.append(this.#id, events, batch.checkpoint);
      this.#stored = { checkpoint: batch.checkpoint };
      this.#pending = undefined;
      if (result.appended > 0 || deadLetters.length > 0) roomCheckedAt.delete(this.#journal);
      this.stats.stored += result.appended;
      this.stats.duplicates += result.duplicates;
      if (result.appended > 0) this.#onStored();
      // Let the destinations and their sockets run between batches: the journal answers at once, so a source
      // reading a long backlog page after page would otherwise hold the event loop and run far ahead of delivery,
      // past the journal's in-memory tail.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.stats.polls += 1;
    this.stats.lastPollAt = this.#clock.now();
    if (!this.#pollFailed) this.stats.lastError = undefined;
    return true;
  }

  /**
   * The poll in progress failed: one error for the poll, counted once — when a batch says so (beside its dead
   * letter, so `status` never shows a window set aside with no error) or when the poll throws — and kept if the
   * poll is then stopped. The last error is the latest the poll met.
   */
  #failed(error: unknown): void {
    this.stats.lastError = describeError(placeError(error, `sources.${this.#id}`));
    if (this.#pollFailed) return;
    this.#pollFailed = true;
    this.stats.errors += 1;
  }

  /**
   * The host's check of the event contract (`securityEventProblem`): an event a source yields that breaks it is
   * dead-lettered here with the reason, so no formatter ever sees one. The rest of the batch goes on.
   */
  #screen(events: readonly SecurityEvent[]): { events: readonly SecurityEvent[]; broken: SourceDeadLetter[] } {
    let broken: SourceDeadLetter[] | undefined;
    let kept: SecurityEvent[] | undefined;
    // An indexed loop: no iterator and no [index, event] pair per event.
    for (let i = 0; i < events.length; i += 1) {
      const event = events[i] as SecurityEvent;
      const problem = securityEventProblem(event);
      if (problem === undefined) {
        kept?.push(event);
        continue;
      }
      kept ??= events.slice(0, i);
      broken ??= [];
      const reason = `breaks the SecurityEvent contract: ${problem}`;
      let letter: SourceDeadLetter;
      try {
        letter = itemDeadLetter(event, reason, this.#clock.now());
      } catch {
        // Not even an excerpt can be written (a BigInt): the key and the reason are kept.
        letter = itemDeadLetter(null, reason, this.#clock.now());
      }
      const key = (event as { readonly key?: unknown }).key;
      broken.push(typeof key === 'string' && key !== '' && key.length <= 200 ? { ...letter, key } : letter);
    }
    return { events: markScreened(kept ?? events), broken: broken ?? [] };
  }

  /**
   * Keeps an empty batch's checkpoint in memory instead of storing it; false when it is to be stored now: the
   * source has none stored yet (a first poll pins its start), or one has waited `EMPTY_CHECKPOINT_STORE_MS`.
   */
  #defer(checkpoint: Checkpoint): boolean {
    if (this.#stored?.checkpoint === undefined) return false;
    const now = this.#clock.now();
    const since = this.#pending?.since ?? now;
    if (now - since >= EMPTY_CHECKPOINT_STORE_MS) return false;
    this.#pending = { checkpoint, since };
    return true;
  }

  /** Stores the checkpoint an empty poll left waiting (the runner stops). */
  async #storePending(): Promise<void> {
    const pending = this.#pending;
    if (pending === undefined) return;
    try {
      await this.#journal.append(this.#id, [], pending.checkpoint);
      this.#stored = { checkpoint: pending.checkpoint };
      this.#pending = undefined;
    } catch (error) {
      // The older checkpoint stays: the next start reads the empty window again (a lease lost to another daemon
      // refuses the write, as it should).
      this.#logger.debug({ source: this.#id, error: describeError(error) }, 'The checkpoint of an empty poll could not be stored; the next start reads its window again.');
    }
  }

  #jittered(wait: number): number {
    const jitter = this.#schedule.jitter ?? 0;
    if (jitter <= 0) return wait;
    return Math.max(0, Math.round(wait * (1 + jitter * (2 * (this.#schedule.random ?? Math.random)() - 1))));
  }

  /**
   * Waits `wait` ms; with a tick grid (`tickMs`), until the next multiple of the tick at or after that, through the
   * one timer all runners of the clock share (`sharedWakeUps`) rather than a timer of its own (issue #20).
   */
  #sleep(wait: number, signal: AbortSignal): Promise<void> {
    const tick = this.#schedule.tickMs ?? 0;
    if (tick <= 0) return this.#clock.sleep(wait, signal);
    return sharedWakeUps(this.#clock).until(Math.ceil((this.#clock.now() + wait) / tick) * tick, signal);
  }

  /** The journal has room, as far as the last `ROOM_CHECK_MS` tell (or it keeps no budget). */
  #roomKnown(): boolean {
    if (!this.#journal.capabilities.budget) return true;
    const checkedAt = roomCheckedAt.get(this.#journal);
    const now = this.#clock.now();
    return checkedAt !== undefined && now >= checkedAt && now - checkedAt < ROOM_CHECK_MS;
  }

  async #journalFull(): Promise<boolean> {
    if (this.#roomKnown()) return false;
    const now = this.#clock.now();
    if (!(await this.#journal.usage()).full) {
      roomCheckedAt.set(this.#journal, now);
      return false;
    }
    roomCheckedAt.delete(this.#journal);
    await this.#journal.compact();
    return (await this.#journal.usage()).full;
  }

  async run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    if ((this.#schedule.firstPollDelayMs ?? 0) > 0) {
      try {
        await this.#sleep(this.#schedule.firstPollDelayMs ?? 0, signal);
      } catch {
        return;
      }
    }
    while (!signal.aborted) {
      let wait = this.#source.pollIntervalMs;
      try {
        // A paused source looks again soon (not a whole poll interval later) so it resumes as space frees up.
        if (!(await this.pollOnce(signal))) wait = Math.min(wait, 1_000);
        failures = 0;
      } catch (error) {
        // Stopped: not an error of the source (an error the poll met before is counted already).
        if (signal.aborted) break;
        failures += 1;
        const previous = this.stats.lastError;
        this.#failed(error);
        if (this.stats.lastError !== previous) {
          this.#logger.error({ source: this.#id, error: this.stats.lastError }, 'Source poll failed.');
        }
        const auth = SyslogConnectorError.hasCode(error, 'SOURCE_AUTH');
        // Auth errors wait a full interval (never a tight loop); others back off 1s, 2s, 4s … up to the interval.
        wait = auth ? Math.max(this.#source.pollIntervalMs, 60_000) : Math.min(this.#source.pollIntervalMs, 1_000 * 2 ** Math.min(failures - 1, 10));
      }
      try {
        await this.#sleep(this.#jittered(wait), signal);
      } catch {
        break;
      }
    }
    await this.#storePending();
  }
}
