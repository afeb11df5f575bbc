import { describeError, SyslogConnectorError, TransportError } from '../errors.js';
import type { Formatter } from '../formatter.js';
import type { Journal, JournalEntry } from '../journal.js';
import type { Clock, Logger } from '../services.js';
import type { Transport } from '../transport.js';

export interface DestinationStats {
  readonly destination: string;
  /** Messages acknowledged in the journal (confirmed, and past the unconfirmed window). */
  delivered: number;
  /** Messages handed to the transport, re-sends included. */
  sent: number;
  /** Messages sent again after a failure: the duplicates a receiver may have seen (at most the unconfirmed window). */
  resent: number;
  deadLettered: number;
  /** Failed send attempts. */
  sendErrors: number;
  /** Times delivery came back after failing: one per outage of the destination. */
  reconnects: number;
  lastError: string | undefined;
  lastErrorAt: number | undefined;
  lastDeliveryAt: number | undefined;
  /** Since when it has had events to send (epoch ms); undefined while caught up. Its lag in time. */
  behindSince: number | undefined;
}

export interface DestinationRunnerOptions {
  readonly batchSize: number;
  /** Source ids this destination receives; undefined: all. */
  readonly sources: readonly string[] | undefined;
  /** Longest wait between retries after a send failure. */
  readonly maxRetryDelayMs: number;
  /**
   * How long a message the transport confirmed stays unacknowledged in the journal (default 0). A TCP or TLS
   * transport confirms a message once this machine's kernel has it (RFC 6587 has no application-level
   * acknowledgement); if the server goes away before reading it, only a later failure tells. Until this window has
   * passed the cursor does not move over the message, so the next failure — or a crash — sends it again:
   * at-least-once, with duplicates limited to the window.
   */
  readonly confirmWindowMs?: number;
}

/** How long the end of a drain waits at least for the server to confirm the end of the stream (`Transport.finish`). */
export const FINISH_GRACE_MS = 500;

interface SentBatch {
  readonly seq: number;
  readonly count: number;
  readonly at: number;
}

/**
 * Delivers the journal to one destination: reads a batch after what it sent, formats, sends, and advances the
 * cursor over what the transport confirmed once the unconfirmed window has passed. An event the formatter
 * rejects is dead-lettered (kept with the reason) and counted; on a transport failure everything not yet
 * acknowledged is read again from the cursor and re-sent.
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
  readonly #window: number;
  /** Sent but not acknowledged yet, oldest first. */
  #unacked: SentBatch[] = [];
  /** The last sequence number sent; undefined: read from the stored cursor. */
  #position: number | undefined;
  #failing = false;
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
    this.#window = Math.max(0, options.confirmWindowMs ?? 0);
    this.stats = {
      destination: id,
      delivered: 0,
      sent: 0,
      resent: 0,
      deadLettered: 0,
      sendErrors: 0,
      reconnects: 0,
      lastError: undefined,
      lastErrorAt: undefined,
      lastDeliveryAt: undefined,
      behindSince: undefined,
    };
  }

  /** Called when sources stored new events, so an idle destination reads at once instead of at its next tick. */
  notify(): void {
    this.#pending = true;
    this.#wake?.();
  }

  /** Messages sent and not acknowledged yet (the unconfirmed window). */
  get unconfirmed(): number {
    return this.#unacked.reduce((sum, batch) => sum + batch.count, 0);
  }

  /**
   * Delivers one batch. Returns how many journal entries it moved past (0 when everything is sent).
   * Throws the transport's error after keeping the confirmed part; the next call re-sends the unacknowledged rest.
   */
  async deliverOnce(signal: AbortSignal): Promise<number> {
    this.#position ??= (await this.#journal.progress(this.#id)).cursor;
    const entries = await this.#journal.read(this.#id, {
      limit: this.#options.batchSize,
      after: this.#position,
      ...(this.#options.sources === undefined ? {} : { sources: this.#options.sources }),
    });
    if (entries.length === 0) {
      this.stats.behindSince = undefined;
      await this.#acknowledge(false);
      return 0;
    }
    this.stats.behindSince ??= this.#clock.now();
    const messages: string[] = [];
    const sent: JournalEntry[] = [];
    const maxBytes = this.#transport.maxMessageBytes;
    for (const entry of entries) {
      try {
        messages.push(maxBytes === undefined ? this.#formatter.format(entry.event) : this.#formatter.format(entry.event, maxBytes));
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
      this.#sent(last.seq, 0);
      await this.#acknowledge(false);
      return entries.length;
    }
    if (this.#connectionLost()) {
      // The connection the window went out on is gone: what the server had not read yet went with it. Send the
      // window again on the next connection, before this batch.
      this.#rewind();
      this.#failing = true;
      this.#pending = true;
      return 0;
    }
    try {
      await this.#transport.send(messages, signal);
    } catch (error) {
      const written = error instanceof TransportError ? Math.min(error.written, sent.length) : 0;
      if (written > 0) {
        this.#sent((sent[written - 1] as JournalEntry).seq, written);
        // Delivery came back (the new connection took messages) before failing again: that outage ended, a new
        // one begins. Counted here, or two outages close together would count as one.
        this.#deliveringAgain();
      }
      await this.#acknowledge(false);
      this.#rewind();
      this.#failing = true;
      throw error;
    }
    this.#sent(last.seq, messages.length);
    this.stats.lastDeliveryAt = this.#clock.now();
    this.#deliveringAgain();
    await this.#acknowledge(false);
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
      if (this.#drainUntil !== undefined && this.#clock.now() >= this.#drainUntil) return this.#finishDrain(false, signal);
      try {
        this.#pending = false;
        const moved = await this.deliverOnce(signal);
        failures = 0;
        this.stats.lastError = undefined;
        if (moved > 0 || this.#pending) continue;
        if (this.#drainUntil !== undefined) return this.#finishDrain(true, signal);
        const oldest = this.#unacked[0];
        // Wake up when the oldest unconfirmed batch leaves the window, so an idle destination acknowledges it.
        const wait = oldest === undefined ? idleMs : Math.min(idleMs, Math.max(1, oldest.at + this.#window - this.#clock.now() + 1));
        await this.#idle(wait, signal);
      } catch (error) {
        if (signal.aborted) break;
        failures += 1;
        this.stats.sendErrors += 1;
        this.stats.lastErrorAt = this.#clock.now();
        const message = describeError(error);
        if (message !== this.stats.lastError) {
          this.#logger.warn(
            { destination: this.#id, error: message, ...(SyslogConnectorError.is(error) ? { code: error.code } : {}) },
            'Delivery failed; unconfirmed events will be sent again.',
          );
        }
        this.stats.lastError = message;
        // While draining, one retry: a destination failing twice in a row only delays the exit, and its events
        // stay journaled for the next start.
        if (this.#drainUntil !== undefined && failures >= 2) return this.#finishDrain(false, signal);
        const jitter = 0.5 + Math.random() / 2;
        let wait = Math.min(this.#options.maxRetryDelayMs, 250 * 2 ** Math.min(failures - 1, 8)) * jitter;
        if (this.#drainUntil !== undefined) wait = Math.min(wait, Math.max(0, this.#drainUntil - this.#clock.now()));
        await this.#idle(wait, signal);
      }
    }
    return false;
  }

  /** After a failure, the first messages the transport confirms again end the outage: one reconnect. */
  #deliveringAgain(): void {
    if (!this.#failing) return;
    this.#failing = false;
    this.stats.reconnects += 1;
    this.#logger.info({ destination: this.#id, reconnects: this.stats.reconnects }, 'Destination delivering again.');
  }

  /** Asks `run` to deliver what is journaled now and return, at the latest at `deadline` (graceful shutdown). */
  requestDrain(deadline: number): void {
    this.#drainUntil = deadline;
    this.#wake?.();
  }

  #sent(seq: number, count: number): void {
    this.#position = seq;
    this.#unacked.push({ seq, count, at: this.#clock.now() });
    this.stats.sent += count;
  }

  /**
   * True when messages are unacknowledged and the transport says its connection is gone. A stream transport
   * (TCP/TLS) reconnects by itself on the next send, so without this look the window sent on the old connection
   * would be acknowledged although the server may never have read it. Transports without a `connected` flag
   * (UDP) are taken at their word.
   */
  #connectionLost(): boolean {
    if (this.#unacked.length === 0) return false;
    const connected = (this.#transport as { readonly connected?: unknown }).connected;
    return connected === false;
  }

  /** Moves the cursor over the batches older than the window (all of them when `all`). */
  async #acknowledge(all: boolean): Promise<void> {
    if (!all && this.#connectionLost()) {
      this.#rewind();
      this.#failing = true;
      this.#pending = true;
      return;
    }
    const before = this.#clock.now() - this.#window;
    let seq = 0;
    let count = 0;
    let batches = 0;
    for (const batch of this.#unacked) {
      if (!all && batch.at > before) break;
      seq = batch.seq;
      count += batch.count;
      batches += 1;
    }
    if (batches === 0) return;
    await this.#journal.ack(this.#id, seq, count);
    this.#unacked.splice(0, batches);
    this.stats.delivered += count;
  }

  /** After a failure: what was sent but not acknowledged is read from the cursor and sent again. */
  #rewind(): void {
    this.stats.resent += this.unconfirmed;
    this.#unacked = [];
    this.#position = undefined;
  }

  /**
   * The end of a drain. What is older than the window is acknowledged as usual. The window itself — sent, and
   * taken by the kernel, but maybe not read by the server — is acknowledged only if the transport's `finish`
   * confirms the server read to the end of the stream; otherwise it stays in the journal and is sent again at the
   * next start (a server that stopped reading must not lose it when we exit). A transport without `finish` (UDP)
   * has nothing to confirm: its window is acknowledged at once, as before.
   */
  async #finishDrain(caughtUp: boolean, signal: AbortSignal): Promise<boolean> {
    const finish = this.#transport.finish?.bind(this.#transport);
    if (finish === undefined) {
      await this.#acknowledge(true);
      return caughtUp;
    }
    await this.#acknowledge(false);
    if (this.#unacked.length === 0) return caughtUp;
    // At least FINISH_GRACE_MS, even when the drain ran out of time: the server's answer is one round trip away.
    const timeout = new AbortController();
    const stop = () => timeout.abort();
    signal.addEventListener('abort', stop, { once: true });
    const waitMs = Math.max(FINISH_GRACE_MS, (this.#drainUntil ?? 0) - this.#clock.now());
    void this.#clock.sleep(waitMs, timeout.signal).then(stop, () => undefined);
    let confirmed: boolean;
    try {
      confirmed = signal.aborted ? false : await finish(timeout.signal);
    } finally {
      stop();
      signal.removeEventListener('abort', stop);
    }
    if (confirmed) {
      await this.#acknowledge(true);
      return caughtUp;
    }
    const unconfirmed = this.unconfirmed;
    this.#rewind();
    this.#logger.warn(
      { destination: this.#id, unconfirmed },
      'The syslog server did not confirm the end of the stream; the unconfirmed window is sent again at the next start.',
    );
    return false;
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
