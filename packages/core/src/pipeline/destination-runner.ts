import { describeError, SyslogConnectorError, TransportError } from '../errors.js';
import { placeError } from './place-error.js';
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
  /**
   * Most messages sent and not acknowledged at a time, for a transport with `finish` (TCP, TLS); default
   * `DEFAULT_MAX_UNCONFIRMED`. When a backlog fills it faster than `confirmWindowMs` empties it, the destination
   * ends the connection with `finish` and moves the cursor over the window once the server confirmed it read to
   * the end. It bounds what a broken connection or a killed daemon sends again: at most this many per fault.
   */
  readonly maxUnconfirmed?: number;
  /**
   * Optional. Hears the messages the transport confirmed, exactly as formatted (framing is the transport's), in
   * order: the host keeps the last few for the console's "last lines sent" (issue #17). Must not throw or block.
   */
  readonly onSent?: (messages: readonly string[]) => void;
}

/** How long the end of a drain waits at least for the server to confirm the end of the stream (`Transport.finish`). */
export const FINISH_GRACE_MS = 500;

/**
 * The default `maxUnconfirmed`. Each full window costs one new connection (a TCP and maybe a TLS handshake) while a
 * backlog flows, against sending 2,000 messages (~1 MB); on loopback the rate with and without the cap was within
 * the machine's noise. In return a fault re-sends at most 2,000 messages instead of everything sent in
 * `confirmWindowMs` (16,182 duplicates of 7,782 events over four faults with the time window alone; now ~1,000 per
 * fault, apps/connector/test/destination-progress.test.ts).
 */
export const DEFAULT_MAX_UNCONFIRMED = 2_000;

/** After a broken connection, the first step sent and confirmed on its own (see `DestinationRunner`). */
export const RECOVERY_FIRST_STEP = 10;

/** How long a step's confirmation (`Transport.finish`) may take outside a drain before the step counts as failed. */
export const CONFIRM_TIMEOUT_MS = 10_000;

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
 *
 * Progress under a receiver that breaks connections (issue #16). With a transport that has `finish` (TCP, TLS):
 * - the unconfirmed window holds at most `maxUnconfirmed` messages; a full window is confirmed with `finish` (the
 *   server read to the end of the stream) and the cursor committed, so a fault re-sends at most that many;
 * - after a broken connection the destination recovers in steps: it sends `RECOVERY_FIRST_STEP` messages, confirms
 *   them with `finish` and commits the cursor, then doubles the step after each confirmed one until it reaches
 *   `maxUnconfirmed` and the normal window again. A step that fails is halved and becomes a ceiling the step then
 *   passes only by a quarter at a time, so a server that resets every N messages still sees every event, in steps
 *   below N. Time alone never acknowledges a step.
 * Before, with the time window alone, a server resetting every 1,500 messages never let the window pass: the same
 * first 1,500 messages were sent 64 times and the cursor never moved. A transport without `finish` (UDP) keeps the
 * time window alone.
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
  readonly #maxUnconfirmed: number;
  /** Sent but not acknowledged yet, oldest first. */
  #unacked: SentBatch[] = [];
  /** The last sequence number sent; undefined: read from the stored cursor. */
  #position: number | undefined;
  #failing = false;
  #wake: (() => void) | undefined;
  #pending = false;
  #drainUntil: number | undefined;
  /** Recovering from a broken connection: the messages the next step sends before confirming; undefined: normal. */
  #step: number | undefined;
  /** The step halved after it failed; passed only a quarter at a time. */
  #ceiling: number | undefined;
  /** Re-arms the timer of a confirmation in progress when a drain is requested. */
  #onDrain: (() => void) | undefined;

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
    this.#maxUnconfirmed = Math.max(1, options.maxUnconfirmed ?? DEFAULT_MAX_UNCONFIRMED);
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
    if (this.#connectionLost()) {
      // The connection the window went out on is gone: what the server had not read yet went with it. Send the
      // window again on the next connection, in steps.
      this.#lost();
      return 0;
    }
    const confirmable = this.#confirmable;
    const limit = confirmable ? (this.#step ?? this.#maxUnconfirmed) : Infinity;
    if (this.unconfirmed >= limit) return this.#confirm(signal);
    const entries = await this.#journal.read(this.#id, {
      limit: Math.min(this.#options.batchSize, limit - this.unconfirmed, Math.max(1, this.#transport.maxBatch ?? Infinity)),
      after: this.#position,
      ...(this.#options.sources === undefined ? {} : { sources: this.#options.sources }),
    });
    if (entries.length === 0) {
      this.stats.behindSince = undefined;
      // A step is confirmed by the server, never by time: caught up in the middle of one, confirm it now.
      if (this.#step !== undefined && confirmable && this.unconfirmed > 0) return this.#confirm(signal);
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
    try {
      await this.#transport.send(messages, signal);
    } catch (error) {
      const written = TransportError.is(error) ? Math.min(error.written, sent.length) : 0;
      if (written > 0) {
        this.#options.onSent?.(messages.slice(0, written));
        this.#sent((sent[written - 1] as JournalEntry).seq, written);
        // Delivery came back (the new connection took messages) before failing again: that outage ended, a new
        // one begins. Counted here, or two outages close together would count as one.
        this.#deliveringAgain();
      }
      // What the server acknowledged itself (RELP) is delivered: never sent again.
      await this.#acknowledge(this.#transport.acknowledged === true);
      this.#broken();
      throw error;
    }
    this.#options.onSent?.(messages);
    this.#sent(last.seq, messages.length);
    this.stats.lastDeliveryAt = this.#clock.now();
    this.#deliveringAgain();
    await this.#acknowledge(this.#transport.acknowledged === true);
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
        const message = describeError(placeError(error, `destinations.${this.#id}`));
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
    this.#onDrain?.();
  }

  /**
   * Confirms the unconfirmed window with `finish` (the server read to the end of the stream) and commits the
   * cursor over it; the next send opens a new connection. Recovering, the next step doubles (or grows by a quarter
   * past a ceiling). Not confirmed: the window is sent again, the step halves, and the failure is thrown so that
   * `run` waits before the next try (a server that accepts and resets at once must not be hammered).
   */
  async #confirm(signal: AbortSignal): Promise<number> {
    const finish = this.#transport.finish?.bind(this.#transport);
    const count = this.unconfirmed;
    if (finish === undefined || count === 0) return 0;
    const timeout = new AbortController();
    const stop = () => timeout.abort();
    signal.addEventListener('abort', stop, { once: true });
    let timer: AbortController | undefined;
    // Outside a drain a server gets CONFIRM_TIMEOUT_MS to read to the end; a drain requested meanwhile shortens it.
    const arm = () => {
      timer?.abort();
      timer = new AbortController();
      const ms = this.#drainUntil === undefined ? CONFIRM_TIMEOUT_MS : Math.max(FINISH_GRACE_MS, this.#drainUntil - this.#clock.now());
      void this.#clock.sleep(ms, timer.signal).then(stop, () => undefined);
    };
    arm();
    this.#onDrain = arm;
    let confirmed: boolean;
    try {
      confirmed = signal.aborted ? false : await finish(timeout.signal);
    } finally {
      this.#onDrain = undefined;
      timer?.abort();
      signal.removeEventListener('abort', stop);
    }
    if (confirmed) {
      await this.#acknowledge(true);
      this.stats.lastDeliveryAt = this.#clock.now();
      this.#deliveringAgain();
      this.#widen();
      this.#pending = true;
      return count;
    }
    if (signal.aborted) return 0;
    this.#broken();
    throw new TransportError('TRANSPORT_CLOSED', `the syslog server did not confirm it read the last ${count} messages (end of stream); they are sent again`, 0);
  }

  /** A connection broke with messages unconfirmed: send them again, in (smaller) steps. */
  #broken(): void {
    const inFlight = this.unconfirmed;
    this.#rewind();
    this.#failing = true;
    if (!this.#confirmable) return;
    if (this.#step === undefined) {
      this.#step = Math.min(RECOVERY_FIRST_STEP, this.#maxUnconfirmed);
      this.#ceiling = undefined;
    } else if (inFlight > 0) {
      // The step itself failed on an open connection (not a refused connect, where nothing went out): halve it.
      this.#step = Math.max(1, Math.floor(this.#step / 2));
      this.#ceiling = this.#step;
    }
  }

  /** The connection was found gone between sends. */
  #lost(): void {
    this.#broken();
    this.#pending = true;
  }

  /** After a confirmed step: double it, or past the ceiling grow by a quarter; at `maxUnconfirmed`, back to normal. */
  #widen(): void {
    const step = this.#step;
    if (step === undefined) return;
    const ceiling = this.#ceiling;
    let next: number;
    if (ceiling === undefined) next = step * 2;
    else if (step < ceiling) next = Math.min(step * 2, ceiling);
    else {
      next = step + Math.ceil(step / 4);
      this.#ceiling = next;
    }
    if (next >= this.#maxUnconfirmed) {
      this.#step = undefined;
      this.#ceiling = undefined;
      this.#logger.info({ destination: this.#id }, 'Destination back to its normal unconfirmed window.');
    } else {
      this.#step = next;
    }
  }

  /**
   * Whether the destination confirms its window with `finish` (TCP, TLS): not for a transport without it (UDP), nor
   * for one whose server acknowledges every message (RELP), whose cursor moves as the acknowledgements come.
   */
  get #confirmable(): boolean {
    return this.#transport.finish !== undefined && this.#transport.acknowledged !== true;
  }

  #sent(seq: number, count: number): void {
    this.#position = seq;
    this.#unacked.push({ seq, count, at: this.#clock.now() });
    this.stats.sent += count;
  }

  /**
   * True when messages are unacknowledged and the transport says its connection is gone. A stream transport
   * (TCP/TLS) reconnects by itself on the next send, so without this look the window sent on the old connection
   * would be acknowledged although the server may never have read it. Transports without `Transport.connected`
   * (UDP) are taken at their word.
   */
  #connectionLost(): boolean {
    // Only messages that went out on a connection can be lost with it: a batch the formatter dead-lettered whole
    // sent nothing. Counting it here made a destination that never connected (its transport `connected` false)
    // rewind and re-read that batch at once, forever, without yielding to the event loop (issue #17 found it).
    if (!this.#unacked.some((batch) => batch.count > 0)) return false;
    return this.#transport.connected === false;
  }

  /** Moves the cursor over the batches older than the window (all of them when `all`). */
  async #acknowledge(all: boolean): Promise<void> {
    if (!all && this.#connectionLost()) {
      this.#lost();
      return;
    }
    // Recovering, only the server's end of stream confirms a step (#confirm), never time.
    if (!all && this.#step !== undefined) return;
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
