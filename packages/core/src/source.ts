import type { SourceDeadLetter } from './journal.js';
import type { JsonValue, SecurityEvent } from './security-event.js';

/** Where a source resumes: opaque to everyone but the source, stored by the journal with the events it covers. */
export type Checkpoint = { readonly [key: string]: JsonValue };

/** A page of events and the checkpoint that is true once they are stored. */
export interface SourceBatch {
  readonly events: readonly SecurityEvent[];
  readonly checkpoint: Checkpoint;
  /** Items of this page that could not become events, stored at the source with their reasons before the batch. */
  readonly deadLetters?: readonly SourceDeadLetter[];
  /**
   * The poll has failed already, though it goes on (a time window set aside, issue #16): the host counts the poll's
   * error as soon as this batch is stored, beside its dead letter, instead of when the poll ends — and keeps it if the
   * poll is then stopped. The poll still ends by throwing its error, which is not counted a second time.
   */
  readonly pollError?: Error;
}

/** One step of a connection check (`test-connection`), with its duration and, on failure, a fix. */
export interface CheckStep {
  readonly step: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly hint?: string;
  readonly durationMs: number;
}

/**
 * A pull-based source. The host calls `read` once per poll, with the last stored checkpoint; the source yields
 * batches in order. Each batch is stored with its checkpoint in one transaction, so a crash between batches
 * neither skips nor re-reads a page.
 */
export interface Source {
  /** How long the host waits between polls, in milliseconds. */
  readonly pollIntervalMs: number;
  read(from: Checkpoint | undefined, signal: AbortSignal): AsyncIterable<SourceBatch>;
  /**
   * Optional. One line saying what this source reads, for the host's screens (`validate`, `test-connection`,
   * `status`): `Vision One workbench alerts from api.xdr.trendmicro.com`. Never a secret. Absent: the source's `type`.
   */
  describeTarget?(): string;
  /** Checks the API side (name resolution, auth) for `test-connection`; each step is printed as the source says. */
  check?(signal: AbortSignal): AsyncIterable<CheckStep>;
  close(): Promise<void>;
}
