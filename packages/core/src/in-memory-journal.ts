import {
  firstEntryAfter,
  type AppendResult,
  type Backlog,
  type DeadLetterQuery,
  type DestinationDeadLetter,
  type DestinationProgress,
  type Journal,
  type JournalCapabilities,
  type JournalConsumer,
  type JournalEntry,
  type JournalReadOptions,
  type JournalUsage,
  type ListedDeadLetter,
  type SourceDeadLetter,
} from './journal.js';
import type { SecurityEvent } from './security-event.js';
import type { Checkpoint } from './source.js';

/**
 * A journal held in memory: same contract as the durable store, nothing survives a restart. For tests of the
 * pipeline and as the in-memory baseline of the end-to-end benchmark.
 */
export class InMemoryJournal implements Journal {
  /** Nothing survives a restart, nothing is compacted away (tests read `events`), no disk budget. */
  readonly capabilities: JournalCapabilities = { durable: false, compaction: false, budget: false };
  readonly #entries: JournalEntry[] = [];
  readonly #keys = new Set<string>();
  readonly #checkpoints = new Map<string, Checkpoint>();
  readonly #cursors = new Map<string, { cursor: number; delivered: number; deadLettered: number; dropped: number }>();
  readonly deadLetters: Array<{ destination: string; entry: JournalEntry; reason: string; id: number; time: number }> = [];
  #deadLetterId = 0;
  readonly #redriving = new Set<number>();
  /** Items sources could not turn into events, per source and key. */
  readonly sourceDeadLetters = new Map<string, SourceDeadLetter & { readonly source: string }>();
  /** When each source letter was kept (epoch ms), to list both kinds newest first as the durable store does. */
  readonly #sourceKeptAt = new Map<string, number>();
  #seq = 0;

  /** Every stored event, in journal order (for tests and the in-memory benchmark). */
  get events(): readonly SecurityEvent[] {
    return this.#entries.map((entry) => entry.event);
  }

  checkpoint(source: string): Promise<Checkpoint | undefined> {
    return Promise.resolve(this.#checkpoints.get(source));
  }

  append(source: string, events: readonly SecurityEvent[], checkpoint: Checkpoint): Promise<AppendResult> {
    let appended = 0;
    for (const event of events) {
      const id = `${source}\u0000${event.key}`;
      if (this.#keys.has(id)) continue;
      this.#keys.add(id);
      this.#seq += 1;
      this.#entries.push({ seq: this.#seq, event });
      appended += 1;
    }
    this.#checkpoints.set(source, checkpoint);
    return Promise.resolve({ appended, duplicates: events.length - appended });
  }

  read(destination: string, options: JournalReadOptions): Promise<readonly JournalEntry[]> {
    const cursor = options.after ?? this.#cursor(destination).cursor;
    const wanted = options.sources === undefined ? undefined : new Set(options.sources);
    const result: JournalEntry[] = [];
    // Start at the first entry after the cursor, not at the beginning.
    const entries = this.#entries;
    for (let i = firstEntryAfter(entries, cursor); i < entries.length && result.length < options.limit; i += 1) {
      const entry = entries[i] as JournalEntry;
      if (wanted === undefined || wanted.has(entry.event.source)) result.push(entry);
    }
    return Promise.resolve(result);
  }

  ack(destination: string, seq: number, delivered: number): Promise<void> {
    const state = this.#cursor(destination);
    state.cursor = Math.max(state.cursor, seq);
    state.delivered += delivered;
    return Promise.resolve();
  }

  deadLetter(destination: string, entry: JournalEntry, reason: string): Promise<void> {
    // Kept once per (destination, seq), as the durable store does: a batch retried after a transport error
    // dead-letters the same entry again.
    if (this.deadLetters.some((l) => l.destination === destination && l.entry.seq === entry.seq)) return Promise.resolve();
    this.#deadLetterId += 1;
    this.deadLetters.push({ destination, entry, reason, id: this.#deadLetterId, time: Date.now() });
    this.#cursor(destination).deadLettered += 1;
    return Promise.resolve();
  }

  deadLetterAtSource(source: string, letters: readonly SourceDeadLetter[]): Promise<number> {
    let stored = 0;
    for (const letter of letters) {
      const id = `${source}\u0000${letter.key}`;
      if (this.sourceDeadLetters.has(id)) continue;
      this.sourceDeadLetters.set(id, { ...letter, source });
      this.#sourceKeptAt.set(id, Date.now());
      stored += 1;
    }
    return Promise.resolve(stored);
  }

  sourceDeadLetterCount(source: string): Promise<number> {
    let count = 0;
    for (const letter of this.sourceDeadLetters.values()) if (letter.source === source) count += 1;
    return Promise.resolve(count);
  }

  listDeadLetters(query: DeadLetterQuery): Promise<readonly ListedDeadLetter[]> {
    // Ordered by when the journal kept them (a source letter's `time` is when its item was read).
    const destinations = this.deadLetters
      .filter((l) => query.destination === undefined || l.destination === query.destination)
      .map((l) => ({ at: l.time, letter: destinationLetter(l) as ListedDeadLetter }));
    const sources = query.destination === undefined
      ? [...this.sourceDeadLetters].map(([id, l]) => ({ at: this.#sourceKeptAt.get(id) ?? 0, letter: { kind: 'source', ...l } as ListedDeadLetter }))
      : [];
    return Promise.resolve([...destinations, ...sources].sort((a, b) => b.at - a.at).slice(0, query.limit).map((l) => l.letter));
  }

  async redriveDeadLetter(id: number, deliver: (letter: DestinationDeadLetter) => Promise<void>): Promise<boolean> {
    const letter = this.deadLetters.find((l) => l.id === id);
    if (letter === undefined || this.#redriving.has(id)) return false;
    this.#redriving.add(id);
    try {
      await deliver(destinationLetter(letter));
      this.deadLetters.splice(this.deadLetters.indexOf(letter), 1);
      return true;
    } finally {
      this.#redriving.delete(id);
    }
  }

  head(): Promise<number> {
    return Promise.resolve(this.#seq);
  }

  progress(destination: string): Promise<DestinationProgress> {
    const state = this.#cursor(destination);
    return Promise.resolve({ destination, ...state });
  }

  backlog(consumer: JournalConsumer): Promise<Backlog> {
    const wanted = consumer.sources === undefined ? undefined : new Set(consumer.sources);
    const entries = this.#entries;
    let events = 0;
    let oldestTime: number | undefined;
    for (let i = firstEntryAfter(entries, this.#cursor(consumer.destination).cursor); i < entries.length; i += 1) {
      const event = (entries[i] as JournalEntry).event;
      if (wanted !== undefined && !wanted.has(event.source)) continue;
      events += 1;
      oldestTime ??= event.time;
    }
    return Promise.resolve({ events, oldestTime });
  }

  setConsumers(_consumers: readonly JournalConsumer[]): Promise<void> {
    return Promise.resolve();
  }

  compact(): Promise<number> {
    return Promise.resolve(0);
  }

  usage(): Promise<JournalUsage> {
    return Promise.resolve({ bytes: 0, maxBytes: undefined, policy: 'block', full: false });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  #cursor(destination: string) {
    let state = this.#cursors.get(destination);
    if (state === undefined) {
      state = { cursor: 0, delivered: 0, deadLettered: 0, dropped: 0 };
      this.#cursors.set(destination, state);
    }
    return state;
  }
}

const destinationLetter = (l: InMemoryJournal['deadLetters'][number]): DestinationDeadLetter => ({
  kind: 'destination',
  id: l.id,
  destination: l.destination,
  seq: l.entry.seq,
  source: l.entry.event.source,
  key: l.entry.event.key,
  reason: l.reason,
  time: l.time,
  event: l.entry.event,
});
