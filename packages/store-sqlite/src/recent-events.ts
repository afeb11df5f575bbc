import { firstEntryAfter, type JournalEntry, type SecurityEvent } from '@syslog-connector/core';

/** Appends without a read answered from memory after which it stops holding events. */
export const IDLE_APPENDS = 4;

/** The longest one append waits for a reader that is about to fall out of the tail (`pace`). */
export const PACE_MAX_MS = 50;

/**
 * An append waits while a reader is more than this share of the tail's capacity behind (2,500 of 10,000 events),
 * until it is back within `PACE_UNTIL` (1,250): what a reader has not read yet is what the tail holds, and the fewer
 * events live past a young-generation collection, the less they cost (same-process A/B: 1/4 and 1/8 took 1.47× less
 * CPU per event than 3/4 and 1/2; 1/8 and 1/20 no less than 1/4 and 1/8).
 */
export const PACE_FROM = 1 / 4;
export const PACE_UNTIL = 1 / 8;

/**
 * The newest journal entries, kept in memory so that a destination keeping up reads them without a query and
 * without parsing their JSON again (the tail of the log, as a page cache keeps it for Kafka's consumers).
 *
 * It always holds **every** event with a seq in `(floor, last]`, or nothing claims to: a read after `floor` or later
 * is answered here exactly as the database would answer it. Only the journal that writes the store fills it, so
 * that holds while it is the store's only writer (one daemon per `stateDir`).
 *
 * The entries are the objects the source appended, shared by every reader: nothing may change an event after
 * appending it (the pipeline only formats them).
 *
 * It only keeps events while some reader comes to it: after `IDLE_APPENDS` appends without a read it answered,
 * it lets go of everything. Events held but never read from memory would outlive a few garbage collections and
 * end as old-generation garbage: with a destination down and a backlog piling up on disk, that doubled the
 * process's memory. A reader that catches up with the head turns it on again.
 */
export class RecentEvents {
  readonly #capacity: number;
  readonly #maxBytes: number;
  #entries: JournalEntry[] = [];
  /** The JSON size of each entry (as the store wrote it), and of all held: the tail is bounded in bytes too. */
  #sizes: number[] = [];
  #bytes = 0;
  /** The source each entry was appended under (the store's `source` column, which filters read). */
  #sources: string[] = [];
  /** Index of the oldest entry still held in `#entries` (evicting moves it, compaction of the array is lazy). */
  #start = 0;
  #floor: number;
  /** Appends since a read was answered here. */
  #idleAppends = 0;
  /**
   * The readers the tail answered lately (by name): the last seq each has read, and the appends since. One that
   * has not read here for `IDLE_APPENDS` appends is no longer paced for (it reads from the store, or stopped).
   */
  readonly #readers = new Map<string, { at: number; appends: number }>();
  /** Appends waiting for a reader to move (`pace`), woken by a read or their timeout. */
  #waiting: Array<() => void> = [];

  /**
   * `maxBytes` bounds what it holds by the events' JSON size (issue #16: items up to a source's `bytesPerItem`,
   * 1 MiB, times 10,000 entries would be 10 GB); the oldest go first, as past the capacity.
   */
  constructor(capacity: number, head: number, maxBytes: number = Number.POSITIVE_INFINITY) {
    if (!Number.isSafeInteger(capacity) || capacity < 0) throw new RangeError(`capacity must be a non-negative integer, got ${capacity}`);
    this.#capacity = capacity;
    this.#maxBytes = maxBytes;
    this.#floor = head;
  }

  get size(): number {
    return this.#entries.length - this.#start;
  }

  /** True when the entries after `after` are all here. */
  covers(after: number): boolean {
    return after >= this.#floor;
  }

  /**
   * Adds the entries a committed append stored under `source`, in seq order, with their JSON sizes (default 0);
   * the oldest go beyond the capacity or the byte bound.
   */
  add(source: string, entries: readonly JournalEntry[], sizes: readonly number[] = []): void {
    this.#idleAppends += 1;
    for (const [name, reader] of this.#readers) if ((reader.appends += 1) > IDLE_APPENDS) this.#readers.delete(name);
    if (this.#capacity === 0 || this.#idleAppends > IDLE_APPENDS) {
      // Nobody reads here: hold nothing, and claim nothing up to the newest event.
      this.#evict(this.size);
      const last = entries[entries.length - 1];
      if (last !== undefined) this.#floor = Math.max(this.#floor, last.seq);
      return;
    }
    for (let i = 0; i < entries.length; i += 1) {
      const size = sizes[i] ?? 0;
      this.#entries.push(entries[i] as JournalEntry);
      this.#sources.push(source);
      this.#sizes.push(size);
      this.#bytes += size;
    }
    let excess = Math.max(0, this.size - this.#capacity);
    let bytes = this.#bytes;
    for (let i = this.#start; i < this.#start + excess; i += 1) bytes -= this.#sizes[i] ?? 0;
    while (bytes > this.#maxBytes && this.#start + excess < this.#entries.length) {
      bytes -= this.#sizes[this.#start + excess] ?? 0;
      excess += 1;
    }
    if (excess > 0) this.#evict(excess);
  }

  /**
   * After a committed append: the events stored (`seqs[i]` > 0; 0 marks a duplicate) join the tail, after what a
   * drop or a compaction during the append removed (`removedThrough`, 0: nothing) leaves of it.
   */
  stored(source: string, events: readonly SecurityEvent[], seqs: readonly number[], removedThrough: number, sizes: readonly number[] = []): void {
    const entries: JournalEntry[] = [];
    const kept: number[] = [];
    for (let i = 0; i < seqs.length; i += 1) {
      const seq = seqs[i] as number;
      if (seq <= 0) continue;
      entries.push({ seq, event: events[i] as SecurityEvent });
      kept.push(sizes[i] ?? 0);
    }
    this.add(source, entries, kept);
    if (removedThrough > 0) this.evictThrough(removedThrough);
  }

  /**
   * `stored` for an append whose stored events have consecutive seqs from `first` on (the log engine's): builds no
   * entry while nobody reads from memory.
   */
  storedRun(source: string, first: number, events: readonly SecurityEvent[], removedThrough: number, sizes: readonly number[]): void {
    const entries: JournalEntry[] = [];
    if (this.#capacity > 0 && this.#idleAppends < IDLE_APPENDS) {
      for (let n = 0; n < events.length; n += 1) entries.push({ seq: first + n, event: events[n] as SecurityEvent });
    }
    if (entries.length > 0) this.add(source, entries, sizes);
    else {
      // As `add` does when it holds nothing: the appends count, and nothing is claimed up to the newest seq.
      this.add(source, [], []);
      if (events.length > 0) this.evictThrough(first + events.length - 1);
    }
    if (removedThrough > 0) this.evictThrough(removedThrough);
  }

  /** Forgets every entry up to `seq` (they were removed from the store, or may have been): the floor rises to it. */
  evictThrough(seq: number): void {
    let count = 0;
    for (let i = this.#start; i < this.#entries.length && (this.#entries[i] as JournalEntry).seq <= seq; i += 1) count += 1;
    this.#evict(count);
    this.#floor = Math.max(this.#floor, seq);
  }

  /**
   * At most `limit` entries after `after`, oldest first, of the given sources (all when undefined). Needs
   * `covers(after)`. `reader` names who reads (a destination): `pace` keeps such a reader in the tail.
   */
  read(after: number, limit: number, sources: ReadonlySet<string> | undefined, reader?: string): JournalEntry[] {
    this.#idleAppends = 0;
    const entries = this.#entries;
    const result: JournalEntry[] = [];
    let i = firstEntryAfter(entries, after, this.#start);
    for (; i < entries.length && result.length < limit; i += 1) {
      if (sources === undefined || sources.has(this.#sources[i] as string)) result.push(entries[i] as JournalEntry);
    }
    if (reader !== undefined) {
      // Read up to the last entry looked at (those of other sources included), or to `after` when there was none.
      this.#readerAt(reader, Math.max(after, i > this.#start ? (entries[i - 1] as JournalEntry).seq : after));
    }
    return result;
  }

  /**
   * A reader was answered from the store (`covers(after)` was false), up to `reached`. Close behind the tail
   * (within twice its capacity), it counts as a reader of the tail: the tail holds on for it, and `pace` waits for
   * it, so it comes back into memory instead of reading from disk until it has caught up with the head. Farther
   * behind (a backlog), it does not.
   */
  readFromStore(after: number, reached: number, reader: string): void {
    if (this.#capacity === 0 || this.#newest() - after > this.#capacity * 2) return;
    this.#idleAppends = 0;
    this.#readerAt(reader, reached);
  }

  /**
   * After an append: a promise to wait on when a reader the tail answers lately is more than `PACE_FROM` of the
   * capacity behind the newest entry, resolved once it is back within `PACE_UNTIL` of it, or after `PACE_MAX_MS`,
   * or at `release`; undefined otherwise. A source that outruns such a destination would push it out of memory,
   * and from there it would read every batch back from disk until it had caught up with the head. A reader that
   * stopped reading here (a destination down, or reading an old backlog from the store) is not waited for.
   */
  pace(): Promise<void> | undefined {
    if (this.#capacity === 0 || this.#readers.size === 0 || this.#lag() <= this.#capacity * PACE_FROM) return undefined;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, PACE_MAX_MS);
      timer.unref();
      const waiting = this.#waiting;
      function done(): void {
        clearTimeout(timer);
        const at = waiting.indexOf(done);
        if (at >= 0) waiting.splice(at, 1);
        resolve();
      }
      waiting.push(done);
    });
  }

  /** Lets every append waiting in `pace` go (the journal closes). */
  release(): void {
    this.#readers.clear();
    this.#wake();
  }

  /**
   * Where a reader paced for has read to; wakes the waiting appends once every such reader is within `PACE_UNTIL`.
   * What every such reader has read is let go (as a store without the tail, a later read of it, a destination
   * sending a window again, goes to the store): events held after they were read would survive the young
   * generation's collections, copied each time, and die old — the larger part of the tail's cost.
   */
  #readerAt(reader: string, at: number): void {
    this.#readers.set(reader, { at, appends: 0 });
    if (this.#waiting.length > 0 && this.#lag() <= this.#capacity * PACE_UNTIL) this.#wake();
    let read = Number.POSITIVE_INFINITY;
    for (const r of this.#readers.values()) read = Math.min(read, r.at);
    if (this.size > 0 && read > this.#floor) this.evictThrough(read);
  }

  /** How far the slowest reader paced for is behind the newest entry held. */
  #lag(): number {
    const newest = this.#newest();
    let lag = 0;
    for (const reader of this.#readers.values()) lag = Math.max(lag, newest - reader.at);
    return lag;
  }

  /** The newest seq held, or claimed (the floor) when nothing is. */
  #newest(): number {
    return this.size === 0 ? this.#floor : (this.#entries[this.#entries.length - 1] as JournalEntry).seq;
  }

  #wake(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const done of waiting) done();
  }

  #evict(count: number): void {
    if (count <= 0) return;
    this.#floor = Math.max(this.#floor, (this.#entries[this.#start + count - 1] as JournalEntry).seq);
    for (let i = this.#start; i < this.#start + count; i += 1) this.#bytes -= this.#sizes[i] ?? 0;
    this.#start += count;
    // Let go of the evicted slots once they are the larger part (at once when nothing is left), so evicted events
    // are never kept alive for long.
    if (this.#start === this.#entries.length || (this.#start >= 1_024 && this.#start * 2 >= this.#entries.length)) {
      this.#entries = this.#entries.slice(this.#start);
      this.#sources = this.#sources.slice(this.#start);
      this.#sizes = this.#sizes.slice(this.#start);
      this.#start = 0;
    }
  }
}
