import { SyslogConnectorError } from './errors.js';
import { jsonValueProblem } from './json-value.js';
import { isScreened } from './screened-batches.js';
import type { SecurityEvent } from './security-event.js';
import type { Logger } from './services.js';
import type { Checkpoint } from './source.js';
import type { DestinationDeadLetter, JournalReadOptions } from './journal.js';

/** An event a destination could not format, kept with the reason (`Journal.deadLetter`), as a store returns it. */
export interface StoredDeadLetter {
  readonly id: number;
  readonly destination: string;
  readonly seq: number;
  readonly source: string;
  readonly key: string;
  readonly reason: string;
  readonly event: SecurityEvent;
  /** When it was dead-lettered, epoch milliseconds. */
  readonly at: number;
}

/** A stored dead letter as `Journal.listDeadLetters` and `redriveDeadLetter` hand it out, the same from every store. */
export const destinationDeadLetter = (letter: StoredDeadLetter): DestinationDeadLetter => ({
  kind: 'destination',
  id: letter.id,
  destination: letter.destination,
  seq: letter.seq,
  source: letter.source,
  key: letter.key,
  reason: letter.reason,
  time: letter.at,
  event: letter.event,
});

/** An event checked and serialised for a journal's store: what every store indexes, and its JSON. */
export interface SerializedJournalEvent {
  readonly key: string;
  readonly type: string;
  /** Epoch milliseconds, whole. */
  readonly time: number;
  readonly json: string;
}

/** An event a source plugin produced that no journal can store: the plugin's bug (`PLUGIN_INVALID`), the batch is not stored. */
const invalidEvent = (source: string, problem: string, cause?: unknown): SyslogConnectorError =>
  new SyslogConnectorError('PLUGIN_INVALID', `Source "${source}" produced an event that cannot be stored: ${problem}.`, {
    path: `sources.${source}`,
    hint: 'this is a bug in the source plugin; report it with the event key, the batch was not stored',
    ...(cause === undefined ? {} : { cause }),
  });

/**
 * Checks an event of a source's batch for every durable journal: a non-empty key and type, a finite time, and
 * values that read back from any of the journal's encodings as they were (`jsonValueProblem`: JSON's values only; a
 * BigInt, a cycle, a `Date`, a function or NaN is refused, where JSON.stringify would throw or change it).
 */
export const checkJournalEvent = (source: string, event: SecurityEvent, screened = false): void => {
  if (typeof event !== 'object' || event === null) throw invalidEvent(source, 'not an object');
  if (typeof event.key !== 'string' || event.key === '') throw invalidEvent(source, '`key` must be a non-empty string');
  if (typeof event.type !== 'string' || event.type === '') throw invalidEvent(source, `event ${event.key}: \`type\` must be a non-empty string`);
  if (typeof event.time !== 'number' || !Number.isFinite(event.time)) throw invalidEvent(source, `event ${event.key}: \`time\` must be a finite number`);
  if (screened) return;
  const problem = jsonValueProblem(event, 'event');
  if (problem !== undefined) throw invalidEvent(source, `event ${event.key} is not JSON (${problem.replace(/^event\./, '')})`);
};

/** A checked event's JSON; one that is not JSON (BigInt, a cycle) is named with its key. */
export const journalEventJson = (source: string, event: SecurityEvent): string => {
  try {
    return JSON.stringify(event);
  } catch (error) {
    throw invalidEvent(source, `event ${event.key} is not JSON (${error instanceof Error ? error.message : String(error)})`, error);
  }
};

/**
 * Checks an event of a source's batch and serialises it, for every durable journal (SQLite, log, PostgreSQL): a bad
 * one is a bug in the source plugin (`PLUGIN_INVALID`), and the journal stores nothing of its batch.
 */
export const serializeJournalEvent = (source: string, event: SecurityEvent): SerializedJournalEvent => {
  checkJournalEvent(source, event);
  return { key: event.key, type: event.type, time: Math.trunc(event.time), json: journalEventJson(source, event) };
};

/** Checks and serialises a source's checkpoint (a JSON object); a bad one is a bug in the source plugin. */
export const serializeJournalCheckpoint = (source: string, checkpoint: Checkpoint): string => {
  const invalid = (problem: string, cause?: unknown): SyslogConnectorError =>
    new SyslogConnectorError('PLUGIN_INVALID', `Source "${source}" produced a checkpoint that cannot be stored: ${problem}.`, {
      path: `sources.${source}`,
      hint: 'this is a bug in the source plugin; the batch was not stored',
      ...(cause === undefined ? {} : { cause }),
    });
  if (typeof checkpoint !== 'object' || checkpoint === null || Array.isArray(checkpoint)) throw invalid('it is not an object');
  try {
    return JSON.stringify(checkpoint);
  } catch (error) {
    throw invalid(`it is not JSON (${error instanceof Error ? error.message : String(error)})`, error);
  }
};

/**
 * The serialisers above with the one warning both stores give: a source whose events carry another source id is
 * stored under the append's source (the authority for dedup, filters and checkpoint), warned about once per source.
 */
export class JournalSerializer {
  readonly #logger: Logger | undefined;
  readonly #warned = new Set<string>();

  constructor(logger?: Logger) {
    this.#logger = logger;
  }

  event(source: string, event: SecurityEvent): SerializedJournalEvent {
    this.check(source, event);
    return { key: event.key, type: event.type, time: Math.trunc(event.time), json: journalEventJson(source, event) };
  }

  /** `check` for each event of a batch; a batch the source runner screened is not walked for JSON values again. */
  checkBatch(source: string, events: readonly SecurityEvent[]): void {
    const screened = isScreened(events);
    for (const event of events) this.check(source, event, screened);
  }

  /** `checkJournalEvent` and the warning, for a journal that serialises only the events it keeps (the log engine). */
  check(source: string, event: SecurityEvent, screened = false): void {
    checkJournalEvent(source, event, screened);
    if (event.source !== source && !this.#warned.has(source)) {
      this.#warned.add(source);
      this.#logger?.warn({ source, eventSource: event.source, key: event.key }, 'Source produced events labelled with another source id.');
    }
  }

  checkpoint(source: string, checkpoint: Checkpoint): string {
    return serializeJournalCheckpoint(source, checkpoint);
  }
}

/** Refuses `read` options that are not non-negative integers (a caller bug, thrown as RangeError by every store). */
export const checkReadOptions = (options: JournalReadOptions): void => {
  if (options.after !== undefined && (!Number.isSafeInteger(options.after) || options.after < 0)) {
    throw new RangeError(`read(): after must be a non-negative integer, got ${options.after}`);
  }
  if (!Number.isSafeInteger(options.limit) || options.limit < 0) throw new RangeError(`read(): limit must be a non-negative integer, got ${options.limit}`);
};

/** Refuses `ack` arguments that are not non-negative integers (a caller bug, thrown as RangeError by every store). */
export const checkAckArguments = (seq: number, delivered: number): void => {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`ack(): seq must be a non-negative integer, got ${seq}`);
  if (!Number.isSafeInteger(delivered) || delivered < 0) throw new RangeError(`ack(): delivered must be a non-negative integer, got ${delivered}`);
};
