import { describeError, SyslogConnectorError, TransportError } from '../errors.js';
import type { Formatter } from '../formatter.js';
import type { Journal, JournalEntry } from '../journal.js';
import type { Clock, Logger } from '../services.js';
import type { Transport } from '../transport.js';

export interface DestinationStats {
  readonly destination: string;
  delivered: number;
  deadLettered: number;
  sendErrors: number;
  lastError: string | undefined;
  lastDeliveryAt: number | undefined;
}

export interface DestinationRunnerOptions {
  readonly batchSize: number;
  /** Source ids this destination receives; undefined: all. */
  readonly sources: readonly string[] | undefined;
  /** Longest wait between retries after a send failure. */
  readonly maxRetryDelayMs: number;
}

/**
 * Delivers the journal to one destination: reads a batch after its cursor, formats, sends, and advances the
 * cursor over exactly what the transport confirmed. An event the formatter rejects is dead-lettered (kept with
 * the reason) and counted; on a transport failure the unconfirmed rest is read again and re-sent.
 */
export class DestinationRunner {
  readonly stats: DestinationStats;
  readonly #id: string;
  readonly #formatter: Formatter;
  readonly #transport: Transport;
  readonly #journal: Journal;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #options: DestinationRunnerOptions;
  #wake: (() => void) | undefined;
  #pending = false;
  #drainUntil: number | undefined;

  constructor(
    id: string,
    formatter: Formatter,
    transport: Transport,
    journal: Journal,
    clock: Clock,
    logger: Logger,
    options: DestinationRunnerOptions,
  ) {
    this.#id = id;
    this.#formatter = formatter;
    this.#transport = transport;
    this.#journal = journal;
    this.#clock = clock;
    this.#logger = logger;
    this.#options = options;
    this.stats = { destination: id, delivered: 0, deadLettered: 0, sendErrors: 0, lastError: undefined, lastDeliveryAt: undefined };
  }

  /** Called when sources stored new events, so an idle destination reads at once instead of at its next tick. */
  notify(): void {
    this.#pending = true;
    this.#wake?.();
  }

  /**
   * Delivers one batch. Returns how many journal entries it moved past (0 when the cursor is at the head).
   * Throws the transport's error after advancing over the confirmed part.
   */
  async deliverOnce(signal: AbortSignal): Promise<number> {
    const entries = await this.#journal.read(this.#id, {
      limit: this.#options.batchSize,
      ...(this.#options.sources === undefined ? {} : { sources: this.#options.sources }),
    });
    if (entries.length === 0) return 0;
    const messages: string[] = [];
    const sent: JournalEntry[] = [];
    // Entries before the first formatted one that were dead-lettered can be acknowledged with it.
    for (const entry of entries) {
      try {
        messages.push(this.#formatter.format(entry.event));
        sent.push(entry);
      } catch (error) {
        const reason = describeError(error);
        await this.#journal.deadLetter(this.#id, entry, reason);
        this.stats.deadLettered += 1;
        this.#logger.warn({ destination: this.#id, key: entry.event.key, source: entry.event.source, error: reason }, 'Event dead-lettered: the formatter rejected it.');
      }
    }
    const last = entries[entries.length - 1] as JournalEntry;
    if (messages.length === 0) {
      await this.#journal.ack(this.#id, last.seq, 0);
      return entries.length;
    }
    try {
      await this.#transport.send(messages, signal);
    } catch (error) {
      const written = error instanceof TransportError ? Math.min(error.written, sent.length) : 0;
      if (written > 0) {
        await this.#journal.ack(this.#id, (sent[written - 1] as JournalEntry).seq, written);
        this.stats.delivered += written;
      }
      throw error;
    }
    await this.#journal.ack(this.#id, last.seq, messages.length);
    this.stats.delivered += messages.length;
    this.stats.lastDeliveryAt = this.#clock.now();
    return entries.length;
  }

  /**
   * Delivers until the signal aborts, or — once `requestDrain` was called — until the journal is delivered or the
   * drain deadline passes. Resolves true if it stopped caught up. `idleMs` is how often an idle destination looks
   * at the journal anyway.
   */
  async run(signal: AbortSignal, idleMs = 1_000): Promise<boolean> {
    let failures = 0;
    while (!signal.aborted) {
      if (this.#drainUntil !== undefined && this.#clock.now() >= this.#drainUntil) return false;
      try {
        this.#pending = false;
        const moved = await this.deliverOnce(signal);
        if (failures > 0) this.#logger.info({ destination: this.#id }, 'Destination delivering again.');
        failures = 0;
        this.stats.lastError = undefined;
        if (moved > 0 || this.#pending) continue;
        if (this.#drainUntil !== undefined) return true;
        await this.#idle(idleMs, signal);
      } catch (error) {
        if (signal.aborted) break;
        failures += 1;
        this.stats.sendErrors += 1;
        const message = describeError(error);
        if (message !== this.stats.lastError) {
          this.#logger.warn(
            { destination: this.#id, error: message, ...(SyslogConnectorError.is(error) ? { code: error.code } : {}) },
            'Delivery failed; unconfirmed events will be sent again.',
          );
        }
        this.stats.lastError = message;
        const jitter = 0.5 + Math.random() / 2;
        let wait = Math.min(this.#options.maxRetryDelayMs, 250 * 2 ** Math.min(failures - 1, 8)) * jitter;
        if (this.#drainUntil !== undefined) wait = Math.min(wait, Math.max(0, this.#drainUntil - this.#clock.now()));
        await this.#idle(wait, signal);
      }
    }
    return false;
  }

  /** Asks `run` to deliver what is journaled now and return, at the latest at `deadline` (graceful shutdown). */
  requestDrain(deadline: number): void {
    this.#drainUntil = deadline;
    this.#wake?.();
  }

  async #idle(ms: number, signal: AbortSignal): Promise<void> {
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    this.#wake = () => controller.abort();
    try {
      await this.#clock.sleep(ms, controller.signal);
    } catch {
      // woken up or shutting down
    } finally {
      this.#wake = undefined;
      signal.removeEventListener('abort', onAbort);
    }
  }
}
