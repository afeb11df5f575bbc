import { describe, expect, it } from 'vitest';
import { SyslogConnectorError, TransportError } from '../errors.js';
import type { Formatter } from '../formatter.js';
import { InMemoryJournal } from '../in-memory-journal.js';
import type { SecurityEvent } from '../security-event.js';
import type { Clock, Logger } from '../services.js';
import type { Checkpoint, Source, SourceBatch } from '../source.js';
import { systemClock } from '../system-clock.js';
import type { Transport } from '../transport.js';
import { DestinationRunner, FINISH_GRACE_MS } from './destination-runner.js';
import { SourceRunner } from './source-runner.js';

const logged: string[] = [];
const logger: Logger = {
  debug: () => undefined,
  info: (_f, m) => logged.push(m),
  warn: (_f, m) => logged.push(m),
  error: (_f, m) => logged.push(m),
  child: () => logger,
};

const event = (source: string, n: number): SecurityEvent => ({
  key: `${source}-${n}`,
  source,
  type: 'test',
  time: n,
  raw: { n },
  record: { vendor: 'V', product: 'P', version: '1', signatureId: '1', name: `e${n}`, severity: 5, extensions: [] },
});

/** A source over a fixed list, paging by 2, resuming after the last index in its checkpoint. */
const listSource = (events: SecurityEvent[]): Source & { froms: Array<Checkpoint | undefined> } => {
  const froms: Array<Checkpoint | undefined> = [];
  return {
    froms,
    pollIntervalMs: 10,
    async *read(from): AsyncIterable<SourceBatch> {
      froms.push(from);
      let next = typeof from?.next === 'number' ? from.next : 0;
      while (next < events.length) {
        const page = events.slice(next, next + 2);
        next += page.length;
        yield { events: page, checkpoint: { next } };
      }
    },
    close: async () => undefined,
  };
};

/** Records what it was given; fails the next `send` after confirming `confirmFirst` messages when armed. */
class RecordingTransport implements Transport {
  readonly received: string[] = [];
  failNext: { confirmFirst: number } | undefined;
  async send(messages: readonly string[]) {
    if (this.failNext !== undefined) {
      const { confirmFirst } = this.failNext;
      this.failNext = undefined;
      this.received.push(...messages.slice(0, confirmFirst));
      throw new TransportError('TRANSPORT_CLOSED', 'connection closed by the server', confirmFirst);
    }
    this.received.push(...messages);
    return { written: messages.length };
  }
  async *check() {}
  async close() {}
}

const nameFormatter: Formatter = {
  format: (e) => {
    if (e.record.name === 'e13') throw new SyslogConnectorError('FORMAT_REJECTED', 'extension key "bad key" is not valid');
    return `${e.source}:${e.record.name}`;
  },
};

/** A runner for destination "siem" over a journal holding wb events 1..`events`, with an unconfirmed window. */
const windowedRunner = async (transport: Transport, options: { events: number; batchSize: number; confirmWindowMs: number }, clock: Clock = systemClock) => {
  const journal = new InMemoryJournal();
  await journal.append('wb', Array.from({ length: options.events }, (_, i) => event('wb', i + 1)), {});
  const runner = new DestinationRunner('siem', nameFormatter, transport, journal, clock, logger, {
    batchSize: options.batchSize,
    sources: undefined,
    maxRetryDelayMs: 10,
    confirmWindowMs: options.confirmWindowMs,
  });
  return { journal, runner };
};

describe('SourceRunner', () => {
  it('stores each page with its checkpoint and resumes from the stored checkpoint', async () => {
    const journal = new InMemoryJournal();
    const source = listSource([1, 2, 3, 4, 5].map((n) => event('wb', n)));
    const runner = new SourceRunner('wb', source, journal, systemClock, logger, () => undefined);
    await runner.pollOnce(new AbortController().signal);
    expect(await journal.checkpoint('wb')).toEqual({ next: 5 });
    expect(await journal.head()).toBe(5);
    await runner.pollOnce(new AbortController().signal);
    expect(source.froms).toEqual([undefined, { next: 5 }]);
    expect(runner.stats).toMatchObject({ polls: 2, fetched: 5, stored: 5, duplicates: 0 });
  });

  it('counts an overlapping event as a duplicate and stores it once', async () => {
    const journal = new InMemoryJournal();
    await journal.append('wb', [event('wb', 1)], {});
    const runner = new SourceRunner('wb', listSource([event('wb', 1), event('wb', 2)]), journal, systemClock, logger, () => undefined);
    await runner.pollOnce(new AbortController().signal);
    expect(runner.stats).toMatchObject({ fetched: 2, stored: 1, duplicates: 1 });
  });
});

describe('DestinationRunner', () => {
  const setup = async (sources?: string[]) => {
    const journal = new InMemoryJournal();
    await journal.append('wb', [1, 2, 3, 4, 5].map((n) => event('wb', n)), {});
    await journal.append('oat', [11, 12, 13].map((n) => event('oat', n)), {});
    const transport = new RecordingTransport();
    const runner = new DestinationRunner('siem', nameFormatter, transport, journal, systemClock, logger, {
      batchSize: 3,
      sources,
      maxRetryDelayMs: 10,
    });
    return { journal, transport, runner };
  };

  it('delivers in journal order and advances the cursor only over what was sent', async () => {
    const { journal, transport, runner } = await setup(['wb']);
    const signal = new AbortController().signal;
    expect(await runner.deliverOnce(signal)).toBe(3);
    expect((await journal.progress('siem')).cursor).toBe(3);
    expect(await runner.deliverOnce(signal)).toBe(2);
    expect(await runner.deliverOnce(signal)).toBe(0);
    expect(transport.received).toEqual(['wb:e1', 'wb:e2', 'wb:e3', 'wb:e4', 'wb:e5']);
  });

  it('after a failure part-way, re-sends exactly the unconfirmed rest', async () => {
    const { journal, transport, runner } = await setup(['wb']);
    const signal = new AbortController().signal;
    transport.failNext = { confirmFirst: 2 };
    await expect(runner.deliverOnce(signal)).rejects.toThrow('connection closed by the server');
    expect(await journal.progress('siem')).toMatchObject({ cursor: 2, delivered: 2 });
    while ((await runner.deliverOnce(signal)) > 0);
    expect(transport.received).toEqual(['wb:e1', 'wb:e2', 'wb:e3', 'wb:e4', 'wb:e5']);
  });

  it("hands the transport's maxMessageBytes to the formatter, and nothing when it has none", async () => {
    const journal = new InMemoryJournal();
    await journal.append('wb', [event('wb', 1)], {});
    const seen: Array<number | undefined> = [];
    const sizeFormatter: Formatter = { format: (e, maxBytes) => (seen.push(maxBytes), e.key) };
    const datagrams = Object.assign(new RecordingTransport(), { maxMessageBytes: 480 });
    const signal = new AbortController().signal;
    await new DestinationRunner('udp', sizeFormatter, datagrams, journal, systemClock, logger, { batchSize: 3, sources: undefined, maxRetryDelayMs: 10 }).deliverOnce(signal);
    await new DestinationRunner('tcp', sizeFormatter, new RecordingTransport(), journal, systemClock, logger, { batchSize: 3, sources: undefined, maxRetryDelayMs: 10 }).deliverOnce(signal);
    expect(seen).toEqual([480, undefined]);
  });

  it('moves the cursor at once over what a server-acknowledging transport (RELP) took, and re-sends none of it after a failure', async () => {
    const { journal, transport } = await setup(['wb']);
    const acknowledging = Object.assign(transport, { acknowledged: true, finish: async () => true });
    const runner = new DestinationRunner('siem', nameFormatter, acknowledging, journal, systemClock, logger, {
      batchSize: 3,
      sources: ['wb'],
      maxRetryDelayMs: 10,
      confirmWindowMs: 60_000,
    });
    const signal = new AbortController().signal;
    acknowledging.failNext = { confirmFirst: 2 };
    await expect(runner.deliverOnce(signal)).rejects.toThrow('connection closed by the server');
    // Acknowledged by the server: delivered, although the 60 s window has not passed.
    expect(await journal.progress('siem')).toMatchObject({ cursor: 2, delivered: 2 });
    while ((await runner.deliverOnce(signal)) > 0);
    expect(transport.received).toEqual(['wb:e1', 'wb:e2', 'wb:e3', 'wb:e4', 'wb:e5']);
    expect(await journal.progress('siem')).toMatchObject({ cursor: 5, delivered: 5 });
    expect(runner.stats.resent).toBe(0);
  });

  it("sends at most the transport's maxBatch per send, and commits the cursor after each", async () => {
    const { journal, transport } = await setup(['wb']);
    const sends: number[] = [];
    const windowed = Object.assign(transport, { acknowledged: true, maxBatch: 2 });
    const send = windowed.send.bind(windowed);
    windowed.send = async (messages: readonly string[]) => (sends.push(messages.length), send(messages));
    const runner = new DestinationRunner('siem', nameFormatter, windowed, journal, systemClock, logger, { batchSize: 3, sources: ['wb'], maxRetryDelayMs: 10 });
    const signal = new AbortController().signal;
    expect(await runner.deliverOnce(signal)).toBe(2);
    expect(await journal.progress('siem')).toMatchObject({ cursor: 2, delivered: 2 });
    while ((await runner.deliverOnce(signal)) > 0);
    expect(sends).toEqual([2, 2, 1]);
  });

  it('dead-letters an event the formatter rejects, counts it, and delivers the rest', async () => {
    const { journal, transport, runner } = await setup(['oat']);
    const signal = new AbortController().signal;
    while ((await runner.deliverOnce(signal)) > 0);
    expect(transport.received).toEqual(['oat:e11', 'oat:e12']);
    expect(journal.deadLetters.map((d) => [d.entry.event.key, d.reason])).toEqual([['oat-13', 'extension key "bad key" is not valid']]);
    expect(runner.stats).toMatchObject({ delivered: 2, deadLettered: 1 });
  });

  it('moves past a batch dead-lettered whole on a stream transport that never connected, yielding to the event loop', async () => {
    // A TCP/TLS transport that has not connected yet says connected: false; nothing was sent, so nothing is lost.
    const journal = new InMemoryJournal();
    await journal.append('oat', [event('oat', 1), event('oat', 2)], { next: 2 });
    const transport = { connected: false, send: async () => ({ written: 0 }), finish: async () => true, check: async function* () {}, close: async () => undefined };
    const refusing: Formatter = { format: () => { throw new Error('refused'); } };
    const runner = new DestinationRunner('siem', refusing, transport, journal, systemClock, logger, { batchSize: 10, sources: undefined, maxRetryDelayMs: 50, confirmWindowMs: 0 });
    const controller = new AbortController();
    const run = runner.run(controller.signal, 10);
    // A timer fires: the runner is not spinning on microtasks.
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    await run;
    expect(journal.deadLetters.map((d) => d.entry.event.key)).toEqual(['oat-1', 'oat-2']);
    expect(await journal.progress('siem')).toMatchObject({ cursor: 2, deadLettered: 2 });
  });

  it('keeps retrying through failures in run() and stops caught up when asked to drain', async () => {
    const { transport, runner } = await setup();
    transport.failNext = { confirmFirst: 1 };
    const controller = new AbortController();
    const running = runner.run(controller.signal, 5);
    runner.requestDrain(Date.now() + 5_000);
    await expect(running).resolves.toBe(true);
    expect(transport.received).toEqual(['wb:e1', 'wb:e2', 'wb:e3', 'wb:e4', 'wb:e5', 'oat:e11', 'oat:e12']);
    expect(runner.stats.sendErrors).toBe(1);
  });

  it('keeps a confirmed batch unacknowledged for the window and re-sends it after a later failure', async () => {
    const transport = new RecordingTransport();
    const { journal, runner } = await windowedRunner(transport, { events: 5, batchSize: 2, confirmWindowMs: 60_000 });
    const signal = new AbortController().signal;
    expect(await runner.deliverOnce(signal)).toBe(2);
    // Confirmed by the transport, but inside the window: the cursor has not moved, a crash now re-sends e1 and e2.
    expect(await journal.progress('siem')).toMatchObject({ cursor: 0, delivered: 0 });
    expect(runner.unconfirmed).toBe(2);
    transport.failNext = { confirmFirst: 1 };
    await expect(runner.deliverOnce(signal)).rejects.toThrow('connection closed by the server');
    expect(runner.stats).toMatchObject({ sent: 3, resent: 3, sendErrors: 0 });
    while ((await runner.deliverOnce(signal)) > 0);
    expect(transport.received).toEqual(['wb:e1', 'wb:e2', 'wb:e3', 'wb:e1', 'wb:e2', 'wb:e3', 'wb:e4', 'wb:e5']);
    expect(runner.stats.reconnects).toBe(1);
  });

  it('counts one reconnect per outage, also when the next outage cuts the first send after the last one', async () => {
    const transport = new RecordingTransport();
    const { runner } = await windowedRunner(transport, { events: 5, batchSize: 5, confirmWindowMs: 0 });
    const signal = new AbortController().signal;
    // Outage 1: nothing goes through.
    transport.failNext = { confirmFirst: 0 };
    await expect(runner.deliverOnce(signal)).rejects.toThrow('connection closed by the server');
    expect(runner.stats.reconnects).toBe(0);
    // Back: two messages go out on the new connection, then outage 2 cuts the send.
    transport.failNext = { confirmFirst: 2 };
    await expect(runner.deliverOnce(signal)).rejects.toThrow('connection closed by the server');
    expect(runner.stats.reconnects).toBe(1);
    // Back again, for good.
    while ((await runner.deliverOnce(signal)) > 0);
    expect(runner.stats).toMatchObject({ reconnects: 2, sendErrors: 0, delivered: 5 });
    expect(transport.received).toEqual(['wb:e1', 'wb:e2', 'wb:e3', 'wb:e4', 'wb:e5']);
  });

  /** Three events sent within a long unconfirmed window, then a drain of `drainMs`; what `run` resolved. */
  const drain = async (transport: Transport, drainMs = 5_000) => {
    const { journal, runner } = await windowedRunner(transport, { events: 3, batchSize: 10, confirmWindowMs: 60_000 });
    const running = runner.run(new AbortController().signal, 5);
    runner.requestDrain(Date.now() + drainMs);
    return { journal, runner, caughtUp: await running };
  };

  it('acknowledges the window when draining a transport without finish (UDP), so a clean restart repeats nothing', async () => {
    const { journal, caughtUp } = await drain(new RecordingTransport());
    expect(caughtUp).toBe(true);
    expect(await journal.progress('siem')).toMatchObject({ cursor: 3, delivered: 3 });
  });

  describe('the end of a drain asks a transport with finish() whether the server read the window', () => {
    /** A stream transport whose server answers the end of stream (or not) as told; `finish` ends the connection. */
    class FinishingTransport extends RecordingTransport {
      connected = true;
      readonly finishes: AbortSignal[] = [];
      readonly answer: boolean | 'never';
      constructor(answer: boolean | 'never') {
        super();
        this.answer = answer;
      }
      async finish(signal: AbortSignal): Promise<boolean> {
        this.finishes.push(signal);
        this.connected = false;
        if (this.answer !== 'never') return this.answer;
        // A server that stopped reading: no answer before the signal gives up.
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        return false;
      }
    }

    it('confirmed: the window is acknowledged, a clean restart repeats nothing', async () => {
      const transport = new FinishingTransport(true);
      const { journal, caughtUp } = await drain(transport);
      expect(caughtUp).toBe(true);
      expect(transport.finishes).toHaveLength(1);
      expect(await journal.progress('siem')).toMatchObject({ cursor: 3, delivered: 3 });
    });

    it('not confirmed: the window stays in the journal and is sent again at the next start', async () => {
      const transport = new FinishingTransport(false);
      const { journal, runner, caughtUp } = await drain(transport);
      expect(caughtUp).toBe(false);
      expect(await journal.progress('siem')).toMatchObject({ cursor: 0, delivered: 0 });
      expect(runner.stats.resent).toBe(3);
      expect(logged).toContain('The syslog server did not confirm the end of the stream; the unconfirmed window is sent again at the next start.');
      const next = new RecordingTransport();
      const restarted = new DestinationRunner('siem', nameFormatter, next, journal, systemClock, logger, { batchSize: 10, sources: undefined, maxRetryDelayMs: 10 });
      await restarted.deliverOnce(new AbortController().signal);
      expect(next.received).toEqual(['wb:e1', 'wb:e2', 'wb:e3']);
    });

    it('no answer: finish is given up after the drain time (at least FINISH_GRACE_MS), nothing is acknowledged', async () => {
      const transport = new FinishingTransport('never');
      const started = Date.now();
      const { journal, caughtUp } = await drain(transport, 200);
      expect(caughtUp).toBe(false);
      expect(Date.now() - started).toBeGreaterThanOrEqual(FINISH_GRACE_MS - 50);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(transport.finishes[0]?.aborted).toBe(true);
      expect(await journal.progress('siem')).toMatchObject({ cursor: 0 });
    });
  });

  it('stops draining at the first failure: a dead destination does not hold up the exit', async () => {
    const journal = new InMemoryJournal();
    await journal.append('wb', [event('wb', 1)], {});
    const dead: Transport = {
      send: () => Promise.reject(new TransportError('TRANSPORT_CONNECT', 'connection refused', 0)),
      check: async function* () {},
      close: async () => undefined,
    };
    const runner = new DestinationRunner('down', nameFormatter, dead, journal, systemClock, logger, { batchSize: 10, sources: undefined, maxRetryDelayMs: 60_000 });
    const started = Date.now();
    runner.requestDrain(started + 30_000);
    await expect(runner.run(new AbortController().signal, 5)).resolves.toBe(false);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await journal.progress('down')).toMatchObject({ cursor: 0, delivered: 0 });
  });
});

describe('DestinationRunner and a lost connection', () => {
  /** A stream transport that reconnects by itself: `connected` turns false when the server went away. */
  class ReconnectingTransport extends RecordingTransport {
    connected = true;
  }

  it('re-sends the unconfirmed window when the connection it went out on is gone, although no send failed', async () => {
    const transport = new ReconnectingTransport();
    const { runner } = await windowedRunner(transport, { events: 3, batchSize: 2, confirmWindowMs: 60_000 });
    const signal = new AbortController().signal;
    expect(await runner.deliverOnce(signal)).toBe(2);
    transport.connected = false; // the server closed; the transport reconnects on the next send
    expect(await runner.deliverOnce(signal)).toBe(0);
    transport.connected = true;
    while ((await runner.deliverOnce(signal)) > 0);
    expect(transport.received).toEqual(['wb:e1', 'wb:e2', 'wb:e1', 'wb:e2', 'wb:e3']);
    expect(runner.stats).toMatchObject({ resent: 2, reconnects: 1, sendErrors: 0 });
  });

  it('does not acknowledge an idle window whose connection is gone', async () => {
    const transport = new ReconnectingTransport();
    // Time moves when the test says: on a slow machine the 1 ms window could pass inside the first delivery, while
    // the connection was still there, and be acknowledged before the test takes the connection away.
    const clock = { at: 1_000_000, now: () => clock.at, sleep: (ms: number, signal?: AbortSignal) => systemClock.sleep(ms, signal) };
    const { journal, runner } = await windowedRunner(transport, { events: 1, batchSize: 10, confirmWindowMs: 1 }, clock);
    const signal = new AbortController().signal;
    expect(await runner.deliverOnce(signal)).toBe(1);
    transport.connected = false;
    clock.at += 5;
    expect(await runner.deliverOnce(signal)).toBe(0); // window passed, but the connection is gone: no ack
    expect((await journal.progress('siem')).cursor).toBe(0);
    transport.connected = true;
    expect(await runner.deliverOnce(signal)).toBe(1);
    expect(transport.received).toEqual(['wb:e1', 'wb:e1']);
  });
});

describe('SourceRunner with a full journal', () => {
  it('does not poll while the journal is full under the block policy, and resumes when it has room', async () => {
    const journal = new InMemoryJournal();
    let full = true;
    let compactions = 0;
    const bounded = Object.assign(journal, {
      capabilities: { durable: false, compaction: true, budget: true },
      usage: () => Promise.resolve({ bytes: 100, maxBytes: 100, policy: 'block' as const, full }),
      compact: () => {
        compactions += 1;
        return Promise.resolve(0);
      },
    });
    const source = listSource([event('wb', 1)]);
    const runner = new SourceRunner('wb', source, bounded, systemClock, logger, () => undefined);
    expect(await runner.pollOnce(new AbortController().signal)).toBe(false);
    expect(source.froms).toEqual([]);
    expect(runner.stats).toMatchObject({ paused: true, pausedPolls: 1, polls: 0 });
    expect(compactions).toBe(1);
    full = false;
    expect(await runner.pollOnce(new AbortController().signal)).toBe(true);
    expect(runner.stats).toMatchObject({ paused: false, stored: 1 });
  });
});

describe('DestinationRunner under a server that resets the connection every N messages (issue #16)', () => {
  /**
   * A stream transport to a server that reads N messages on each connection, then resets it. `quiet`: the kernel
   * took the rest, so the send resolves and only `connected` (then `finish`) tells; `throwing`: the send fails at
   * the reset with what was read as `written`. `finish` is true only if the server read everything (no reset).
   */
  class ResettingTransport implements Transport {
    readonly received: string[] = [];
    sent = 0;
    finishes = 0;
    resets = 0;
    readonly #every: number;
    readonly #mode: 'quiet' | 'throwing';
    #open = false;
    #reset = false;
    #onConnection = 0;
    constructor(every: number, mode: 'quiet' | 'throwing') {
      this.#every = every;
      this.#mode = mode;
    }
    get connected(): boolean {
      return this.#open && !this.#reset;
    }
    async send(messages: readonly string[]) {
      if (!this.connected) {
        this.#open = true;
        this.#reset = false;
        this.#onConnection = 0;
      }
      for (const [i, message] of messages.entries()) {
        this.sent += 1;
        if (this.#reset) continue; // into the kernel's buffer of a connection the server has reset: never read
        this.received.push(message);
        this.#onConnection += 1;
        if (this.#onConnection < this.#every) continue;
        this.#reset = true;
        this.resets += 1;
        if (this.#mode === 'throwing') throw new TransportError('TRANSPORT_CLOSED', 'connection reset by the server', i + 1);
      }
      return { written: messages.length };
    }
    async finish() {
      this.finishes += 1;
      const confirmed = this.connected;
      this.#open = false;
      return confirmed;
    }
    async *check() {}
    async close() {}
  }

  const deliverAll = async (runner: DestinationRunner, journal: InMemoryJournal, events: number) => {
    const signal = new AbortController().signal;
    for (let rounds = 0; (await journal.progress('siem')).cursor < events; rounds += 1) {
      if (rounds > 100_000) throw new Error('no progress');
      await runner.deliverOnce(signal).catch(() => undefined);
      // What the time window would acknowledge only after 60 s is confirmed at the end, as a drain does.
      if ((await runner.deliverOnce(signal).catch(() => -1)) === 0 && runner.unconfirmed > 0) {
        runner.requestDrain(Date.now());
        await runner.run(signal, 1);
      }
    }
  };

  for (const every of [7, 100, 1_500]) {
    for (const mode of ['quiet', 'throwing'] as const) {
      it(`every event is delivered when the server resets every ${every} messages (${mode}), in bounded sends`, async () => {
        const events = 6_000;
        const transport = new ResettingTransport(every, mode);
        // A long time window: what used to send the first 1,500 messages again and again.
        const { journal, runner } = await windowedRunner(transport, { events, batchSize: 1_000, confirmWindowMs: 60_000 });
        await deliverAll(runner, journal, events);
        expect(new Set(transport.received).size).toBe(events - 1); // all but e13, which is dead-lettered
        expect(await journal.progress('siem')).toMatchObject({ cursor: events, delivered: events - 1 });
        const perEvent = transport.sent / events;
        const duplicates = transport.received.length - (events - 1);
        console.info(
          `reset every ${every} (${mode}): ${transport.sent} sent for ${events} events (${perEvent.toFixed(2)}/event), ` +
            `${duplicates} duplicates over ${transport.resets} resets, ${runner.stats.resent} re-sent, ${transport.finishes} confirmations`,
        );
        // Before: the first messages were sent again and again and the cursor never moved (171,000 sent for 7,500).
        expect(perEvent).toBeLessThanOrEqual(2);
        // Each reset costs at most what the server read on that connection, and every re-send is counted.
        expect(duplicates).toBeLessThanOrEqual(transport.resets * every);
        expect(runner.stats.resent).toBeGreaterThanOrEqual(duplicates);
      });
    }
  }

  it('a drain requested while a full window waits for a server that stopped reading ends within the drain time', async () => {
    class SilentServerTransport extends RecordingTransport {
      connected = true;
      readonly finishes: AbortSignal[] = [];
      async finish(signal: AbortSignal) {
        this.finishes.push(signal);
        this.connected = false;
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        return false;
      }
    }
    const transport = new SilentServerTransport();
    const journal = new InMemoryJournal();
    await journal.append('wb', Array.from({ length: 5 }, (_, i) => event('wb', i + 1)), {});
    const plain: Formatter = { format: (e) => `${e.source}:${e.record.name}` };
    const runner = new DestinationRunner('siem', plain, transport, journal, systemClock, logger, {
      batchSize: 10,
      sources: undefined,
      maxRetryDelayMs: 10,
      confirmWindowMs: 60_000,
      maxUnconfirmed: 3,
    });
    const running = runner.run(new AbortController().signal, 5);
    while (transport.finishes.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const started = Date.now();
    runner.requestDrain(started + 200);
    await expect(running).resolves.toBe(false);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(transport.finishes[0]?.aborted).toBe(true);
    expect(await journal.progress('siem')).toMatchObject({ cursor: 0, delivered: 0 });
  });

  it('commits the cursor once per maxUnconfirmed messages while a backlog flows, so a crash re-sends at most that many', async () => {
    class ConfirmingTransport extends RecordingTransport {
      connected = true;
      finishes = 0;
      async finish() {
        this.finishes += 1;
        return true;
      }
    }
    const transport = new ConfirmingTransport();
    const journal = new InMemoryJournal();
    await journal.append('wb', Array.from({ length: 5_000 }, (_, i) => event('wb', i + 1)), {});
    const options = { batchSize: 300, sources: undefined, maxRetryDelayMs: 10, confirmWindowMs: 60_000, maxUnconfirmed: 1_000 };
    const plain: Formatter = { format: (e) => `${e.source}:${e.record.name}` };
    const runner = new DestinationRunner('siem', plain, transport, journal, systemClock, logger, options);
    const signal = new AbortController().signal;
    while ((await runner.deliverOnce(signal)) > 0);
    expect(transport.received).toHaveLength(5_000);
    expect(transport.finishes).toBe(5);
    expect(await journal.progress('siem')).toMatchObject({ cursor: 5_000, delivered: 5_000 });
    expect(runner.unconfirmed).toBe(0);

    // Killed in the middle of the next backlog: the restarted runner sends again only what was not committed.
    await journal.append('wb', Array.from({ length: 2_500 }, (_, i) => event('wb', 5_001 + i)), {});
    // 300 × 3 + 100 fill the window, its confirmation commits 1,000; then 300 more go out.
    for (let i = 0; i < 6; i += 1) await runner.deliverOnce(signal);
    const committed = (await journal.progress('siem')).cursor;
    expect(committed).toBe(6_000);
    expect(runner.unconfirmed).toBe(300);
    const next = new RecordingTransport();
    const restarted = new DestinationRunner('siem', plain, next, journal, systemClock, logger, options);
    await restarted.deliverOnce(signal);
    expect(next.received[0]).toBe(`wb:e${committed + 1}`);
    expect(transport.received.length - 5_000 - (committed - 5_000)).toBeLessThanOrEqual(options.maxUnconfirmed);
  });
});

describe('SourceRunner and the event contract', () => {
  it('dead-letters at the source an event that breaks the contract, and stores the rest of its batch', async () => {
    const journal = new InMemoryJournal();
    const good = event('wb', 1);
    const textTime = { ...event('wb', 2), time: '2022-12-05T05:26:45Z' } as unknown as SecurityEvent;
    const badSeverity = { ...event('wb', 3), record: { ...event('wb', 3).record, severity: 11 } } as unknown as SecurityEvent;
    const runner = new SourceRunner('wb', listSource([good, textTime, badSeverity, event('wb', 4)]), journal, systemClock, logger, () => undefined);
    await runner.pollOnce(new AbortController().signal);
    expect(journal.events.map((e) => e.key)).toEqual(['wb-1', 'wb-4']);
    expect(runner.stats).toMatchObject({ fetched: 4, stored: 2, deadLettered: 2 });
    const letters = [...journal.sourceDeadLetters.values()];
    expect(letters.map((l) => [l.key, l.reason])).toEqual([
      ['wb-2', 'breaks the SecurityEvent contract: time is 2022-12-05T05:26:45Z, not an integer from 0 to 253402300799999 (epoch ms)'],
      ['wb-3', 'breaks the SecurityEvent contract: record.severity is 11, not an integer 0–10'],
    ]);
    expect(letters[0]?.excerpt).toContain('"key":"wb-2"');
  });
});
