import type { AppendResult, Checkpoint, DestinationProgress, Journal, JournalEntry, SecurityEvent } from '@syslog-connector/core';

/**
 * The journal contract's source side, in memory, for source tests: events unique per (source, key), stored with
 * the checkpoint in one step (DESIGN §2). The destination side is not needed here.
 */
export class MemoryJournal implements Journal {
  readonly events: SecurityEvent[] = [];
  readonly #keys = new Set<string>();
  readonly #checkpoints = new Map<string, Checkpoint>();

  async checkpoint(source: string): Promise<Checkpoint | undefined> {
    return this.#checkpoints.get(source);
  }

  async append(source: string, events: readonly SecurityEvent[], checkpoint: Checkpoint): Promise<AppendResult> {
    let appended = 0;
    for (const event of events) {
      const key = `${source}\u0000${event.key}`;
      if (this.#keys.has(key)) continue;
      this.#keys.add(key);
      this.events.push(event);
      appended += 1;
    }
    this.#checkpoints.set(source, checkpoint);
    return { appended, duplicates: events.length - appended };
  }

  async read(): Promise<readonly JournalEntry[]> {
    return this.events.map((event, index) => ({ seq: index + 1, event }));
  }

  async ack(): Promise<void> {}

  async deadLetter(): Promise<void> {}

  async head(): Promise<number> {
    return this.events.length;
  }

  async progress(destination: string): Promise<DestinationProgress> {
    return { destination, cursor: 0, delivered: 0, deadLettered: 0 };
  }

  async close(): Promise<void> {}
}
