import type { SecurityEvent } from './security-event.js';
import type { Checkpoint } from './source.js';

/** An event as stored in the journal, with its position. */
export interface JournalEntry {
  readonly seq: number;
  readonly event: SecurityEvent;
}

/**
 * Index of the first entry with a seq after `seq` in `entries[from…]`, which are in seq order (binary search);
 * `entries.length` when there is none. For journals that keep entries in memory.
 */
export const firstEntryAfter = (entries: readonly JournalEntry[], seq: number, from = 0): number => {
  let lo = from;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((entries[mid] as JournalEntry).seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

export interface AppendResult {
  /** Events stored now. */
  readonly appended: number;
  /** Events whose key the journal already held for that source (overlapping poll windows). */
  readonly duplicates: number;
}

export interface DestinationProgress {
  readonly destination: string;
  /** Last delivered sequence number (0 before the first). */
  readonly cursor: number;
  readonly delivered: number;
  readonly deadLettered: number;
  /** Events removed by the `drop-oldest` policy before this destination delivered them. */
  readonly dropped: number;
}

export interface JournalReadOptions {
  readonly limit: number;
  /** Only events of these sources; undefined: all. */
  readonly sources?: readonly string[];
  /**
   * Read after this sequence number instead of the stored cursor. A destination that has sent entries it has not
   * acknowledged yet (its unconfirmed window) reads on from what it sent, and falls back to the cursor on failure.
   */
  readonly after?: number;
}

/** A destination reading the journal: what compaction must keep for it and what `drop-oldest` counts against it. */
export interface JournalConsumer {
  readonly destination: string;
  /** Source ids it receives; undefined: all. */
  readonly sources?: readonly string[] | undefined;
}

export interface Backlog {
  /** Events after the destination's cursor that it receives. */
  readonly events: number;
  /** `time` of the oldest of them (epoch ms); undefined when there are none. */
  readonly oldestTime: number | undefined;
}

/**
 * An item a source read but could not turn into an event (not an object, nested too deep, too large, …): kept
 * with its reason at the source, so one bad item never blocks the page it came in (issue #16) and is never lost
 * silently. Stored once per (source, key): a re-read page does not store it twice.
 */
export interface SourceDeadLetter {
  /** The vendor id when the item had one, else a hash of its excerpt. */
  readonly key: string;
  readonly reason: string;
  /** The start of the item's JSON (a few KiB at most), to find it in the vendor's console. */
  readonly excerpt: string;
  /** When it was read (epoch ms). */
  readonly time: number;
}

/** An event a destination could not format, kept with the reason (`Journal.deadLetter`), as listed. */
export interface DestinationDeadLetter {
  readonly kind: 'destination';
  /** The journal's id of the letter: what `redriveDeadLetter` takes. */
  readonly id: number;
  readonly destination: string;
  /** The event's sequence number when it was dead-lettered. */
  readonly seq: number;
  readonly source: string;
  readonly key: string;
  readonly reason: string;
  /** When it was dead-lettered (epoch ms). */
  readonly time: number;
  readonly event: SecurityEvent;
}

/** An item a source could not turn into an event (`Journal.deadLetterAtSource`), as listed: there is no event to re-drive. */
export interface SourceDeadLetterEntry extends SourceDeadLetter {
  readonly kind: 'source';
  readonly source: string;
}

export type ListedDeadLetter = DestinationDeadLetter | SourceDeadLetterEntry;

export interface DeadLetterQuery {
  /** Most letters returned (of both kinds together). */
  readonly limit: number;
  /** Only this destination's letters (and no source letters). */
  readonly destination?: string;
}

/** What the journal holds on disk against its budget. */
export interface JournalUsage {
  /** Bytes of the database in use (free pages excluded). */
  readonly bytes: number;
  /** The budget; undefined: unbounded. */
  readonly maxBytes: number | undefined;
  readonly policy: JournalFullPolicy;
  /** True when the budget is reached under the `block` policy: sources pause until destinations catch up. */
  readonly full: boolean;
}

/** DESIGN §2: when the disk budget is reached, either the sources wait (`block`) or the oldest events go (`drop-oldest`). */
export const JOURNAL_FULL_POLICIES = ['block', 'drop-oldest'] as const;
export type JournalFullPolicy = (typeof JOURNAL_FULL_POLICIES)[number];

/**
 * What a journal engine can do, declared rather than probed: the host reads these, never `typeof journal.x`.
 * Every method of `Journal` exists on every engine; a capability says whether it does real work.
 */
export interface JournalCapabilities {
  /** Events, cursors and checkpoints survive a restart of the process (false: an in-memory journal). */
  readonly durable: boolean;
  /** `compact` removes events every consumer has passed (false: it removes nothing and resolves 0). */
  readonly compaction: boolean;
  /**
   * `usage` measures the bytes held against a disk budget, and `full` can turn true under the `block` policy (false:
   * `usage` resolves `{ bytes: 0, maxBytes: undefined, policy: 'block', full: false }` and the host shows no size).
   */
  readonly budget: boolean;
}

/**
 * The durable journal (DESIGN §2): append-only events, one cursor per destination, source checkpoints stored
 * in the same transaction as the events they cover. Every method is required; what an engine cannot do is
 * declared in `capabilities`. Engines: `SqliteJournal` (`@syslog-connector/store-sqlite`), `InMemoryJournal`
 * (`@syslog-connector/core/engine`, tests).
 */
export interface Journal {
  /** What this engine does for real (see `JournalCapabilities`). */
  readonly capabilities: JournalCapabilities;
  /** The last checkpoint stored for a source, if any. */
  checkpoint(source: string): Promise<Checkpoint | undefined>;
  /**
   * Stores events (ignoring keys already held for their source) and the checkpoint, atomically. The journal may
   * hand the very objects appended to its readers, so an event must not be changed after it is appended.
   */
  append(source: string, events: readonly SecurityEvent[], checkpoint: Checkpoint): Promise<AppendResult>;
  /** Entries after the destination's cursor (or `after`), oldest first, limited to the given sources when set. */
  read(destination: string, options: JournalReadOptions): Promise<readonly JournalEntry[]>;
  /** Moves the destination's cursor to `seq` (everything up to it is delivered or dead-lettered). */
  ack(destination: string, seq: number, delivered: number): Promise<void>;
  /** Keeps an event a destination could not format, with the reason; it is never silently dropped. */
  deadLetter(destination: string, entry: JournalEntry, reason: string): Promise<void>;
  /**
   * Keeps items a source could not turn into events, with their reasons; keys already held for the source are
   * ignored. Returns how many were stored now.
   */
  deadLetterAtSource(source: string, letters: readonly SourceDeadLetter[]): Promise<number>;
  /** How many items a source dead-lettered (all time), for status. */
  sourceDeadLetterCount(source: string): Promise<number>;
  /** The newest sequence number (0 when empty). */
  head(): Promise<number>;
  progress(destination: string): Promise<DestinationProgress>;
  /** What a destination has not delivered yet, for status: the count, and the time of the oldest such event. */
  backlog(consumer: JournalConsumer): Promise<Backlog>;
  /**
   * Declares the destinations that read the journal. Compaction keeps every event one of them still needs;
   * cursors of destinations not listed (removed from the config) no longer hold events back.
   */
  setConsumers(consumers: readonly JournalConsumer[]): Promise<void>;
  /** Removes the events every consumer that wants them has passed. Returns how many were removed. */
  compact(): Promise<number>;
  /** The bytes held against the budget (see `JournalCapabilities.budget`). */
  usage(): Promise<JournalUsage>;
  /**
   * The console's dead letters (issue #17): dead letters of both kinds, newest first (by `time`), at most
   * `query.limit`.
   */
  listDeadLetters(query: DeadLetterQuery): Promise<readonly ListedDeadLetter[]>;
  /**
   * The console's "Retry": re-drives one destination dead letter: hands it to `deliver` (the host formats
   * and sends it through its destination) and removes it once `deliver` resolved; a `deliver` that throws leaves it
   * kept as it was, and the error is thrown on. Resolves false when there is no such letter (or it is being
   * re-driven already). The destination's `deadLettered` count is all-time and does not go down.
   */
  redriveDeadLetter(id: number, deliver: (letter: DestinationDeadLetter) => Promise<void>): Promise<boolean>;
  close(): Promise<void>;
}
