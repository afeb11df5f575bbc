import type { SecurityEvent } from './security-event.js';
import type { Checkpoint } from './source.js';

/** An event as stored in the journal, with its position. */
export interface JournalEntry {
  readonly seq: number;
  readonly event: SecurityEvent;
}

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
}

/**
 * The durable journal (DESIGN §2): append-only events, one cursor per destination, source checkpoints stored
 * in the same transaction as the events they cover.
 */
export interface Journal {
  /** The last checkpoint stored for a source, if any. */
  checkpoint(source: string): Promise<Checkpoint | undefined>;
  /** Stores events (ignoring keys already held for their source) and the checkpoint, atomically. */
  append(source: string, events: readonly SecurityEvent[], checkpoint: Checkpoint): Promise<AppendResult>;
  /** Entries after the destination's cursor, oldest first, limited to the given sources when set. */
  read(destination: string, options: { readonly limit: number; readonly sources?: readonly string[] }): Promise<readonly JournalEntry[]>;
  /** Moves the destination's cursor to `seq` (everything up to it is delivered or dead-lettered). */
  ack(destination: string, seq: number, delivered: number): Promise<void>;
  /** Keeps an event a destination could not format, with the reason; it is never silently dropped. */
  deadLetter(destination: string, entry: JournalEntry, reason: string): Promise<void>;
  /** The newest sequence number (0 when empty). */
  head(): Promise<number>;
  progress(destination: string): Promise<DestinationProgress>;
  close(): Promise<void>;
}
