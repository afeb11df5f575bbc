import { Worker } from 'node:worker_threads';
import {
  SyslogConnectorError,
  type AppendResult,
  type Backlog,
  type Checkpoint,
  type DestinationProgress,
  type Journal,
  type JournalConsumer,
  type JournalEntry,
  type JournalReadOptions,
  type JournalUsage,
  type Logger,
  type SecurityEvent,
  type StateStore,
} from '@syslog-connector/core';
import { fromThreadError, type JournalCall, type JournalReply, type JournalWorkerMethod } from './journal-thread-protocol.js';
import { RecentEvents } from './recent-events.js';
import {
  checkReadOptions,
  DEFAULT_RECENT_EVENTS,
  parseStored,
  serializeBatch,
  type SqliteJournalOptions,
  type StoredBatch,
  type StoredEventRow,
} from './sqlite-journal.js';
import { STATE_DIR_CONFIG_PATH } from './store-error.js';

/**
 * The SQLite journal with its connection on a worker thread (`journal-worker`): inserts, commits and queries run
 * on another core, while this thread — the one that polls, formats and sends — only serialises each batch to JSON
 * and keeps the newest events in memory (`RecentEvents`) for the destinations that keep up. Same contract and same
 * file as `SqliteJournal`; the daemon uses this one, `status` and tools open the file directly.
 *
 * Calls reach the worker in the order they are made and it answers them in that order, so an `ack` never
 * overtakes the `append` it follows. If the worker dies, every pending and later call fails with
 * STORE_UNAVAILABLE: nothing is assumed stored that was not confirmed.
 */
export class ThreadedJournal implements Journal {
  readonly path: string;
  readonly state: StateStore;
  readonly #worker: Worker;
  readonly #logger: Logger | undefined;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  readonly #recent: RecentEvents;
  readonly #warnedSources = new Set<string>();
  #nextId = 1;
  #failure: Error | undefined;
  #closing: Promise<void> | undefined;

  private constructor(worker: Worker, path: string, head: number, options: SqliteJournalOptions) {
    this.#worker = worker;
    this.path = path;
    this.#logger = options.logger;
    this.#recent = new RecentEvents(options.recentEvents ?? DEFAULT_RECENT_EVENTS, head);
    this.state = {
      get: (namespace, key) => this.#call('stateGet', [namespace, key]) as Promise<string | undefined>,
      set: (namespace, key, value) => this.#call('stateSet', [namespace, key, value]) as Promise<void>,
    };
    worker.on('message', (reply: JournalReply) => this.#receive(reply));
    worker.on('error', (error) => this.#fail(error));
    worker.on('exit', (code) => this.#fail(new Error(`the journal thread exited (code ${code})`)));
  }

  /** Starts the worker and opens the store there; rejects with the store's own error (a corrupt file, say). */
  static async open(options: SqliteJournalOptions): Promise<ThreadedJournal> {
    const { logger, clock, ...data } = options;
    void clock; // the worker stamps dead letters with its own clock (the system's)
    const worker = new Worker(WORKER_URL, {
      workerData: data,
      name: 'syslog-connector journal',
      // The worker only holds a batch's JSON at a time (large strings live outside the young generation): a small
      // young generation keeps its memory low while a backlog piles up.
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    const opened = await new Promise<{ head: number; path: string }>((resolve, reject) => {
      const onMessage = (reply: JournalReply) => {
        if ('log' in reply) logger?.[reply.log.level](reply.log.fields, reply.log.message);
        else if ('opened' in reply) done(() => resolve({ head: reply.head, path: data.path }));
        else if ('openFailed' in reply) done(() => reject(fromThreadError(reply.openFailed)));
      };
      const onError = (error: Error) => done(() => reject(unavailable(data.path, error.message)));
      const done = (settle: () => void) => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        settle();
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
    });
    return new ThreadedJournal(worker, opened.path, opened.head, options);
  }

  checkpoint(source: string): Promise<Checkpoint | undefined> {
    return this.#call('checkpoint', [source]) as Promise<Checkpoint | undefined>;
  }

  async append(source: string, events: readonly SecurityEvent[], checkpoint: Checkpoint): Promise<AppendResult> {
    // Serialised here (V8 objects cannot cross threads cheaper than as JSON); stored there.
    const batch = serializeBatch(source, events, checkpoint, this.#logger, this.#warnedSources);
    const stored = (await this.#call('appendSerialized', [source, batch])) as StoredBatch;
    this.#recent.stored(source, events, stored.seqs, stored.removedThrough);
    return { appended: stored.appended, duplicates: stored.duplicates };
  }

  async read(destination: string, options: JournalReadOptions): Promise<readonly JournalEntry[]> {
    checkReadOptions(options);
    const after = options.after ?? (await this.progress(destination)).cursor;
    if (options.limit > 0 && this.#recent.covers(after)) {
      return this.#recent.read(after, options.limit, options.sources === undefined ? undefined : new Set(options.sources));
    }
    const rows = (await this.#call('readSerialized', [destination, { ...options, after }])) as readonly StoredEventRow[];
    return rows.map((row) => ({ seq: row.seq, event: parseStored(row.json, `event #${row.seq}`, this.path) as SecurityEvent }));
  }

  ack(destination: string, seq: number, delivered: number): Promise<void> {
    return this.#call('ack', [destination, seq, delivered]) as Promise<void>;
  }

  deadLetter(destination: string, entry: JournalEntry, reason: string): Promise<void> {
    return this.#call('deadLetter', [destination, entry, reason]) as Promise<void>;
  }

  head(): Promise<number> {
    return this.#call('head', []) as Promise<number>;
  }

  progress(destination: string): Promise<DestinationProgress> {
    return this.#call('progress', [destination]) as Promise<DestinationProgress>;
  }

  backlog(consumer: JournalConsumer): Promise<Backlog> {
    return this.#call('backlog', [consumer]) as Promise<Backlog>;
  }

  setConsumers(consumers: readonly JournalConsumer[]): Promise<void> {
    return this.#call('setConsumers', [consumers]) as Promise<void>;
  }

  async compact(): Promise<number> {
    const { removed, through } = (await this.#call('compactReporting', [])) as { removed: number; through: number };
    if (through > 0) this.#recent.evictThrough(through);
    return removed;
  }

  usage(): Promise<JournalUsage> {
    return this.#call('usage', []) as Promise<JournalUsage>;
  }

  /** Closes the store on its thread (SQLite checkpoints the WAL), then ends the thread. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        if (this.#failure === undefined) await this.#call('close', []);
      } finally {
        this.#failure ??= closed(this.path);
        await this.#worker.terminate();
      }
    })();
    return this.#closing;
  }

  #call(method: JournalWorkerMethod, args: readonly unknown[]): Promise<unknown> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      const call: JournalCall = { id, method, args };
      this.#worker.postMessage(call);
    });
  }

  #receive(reply: JournalReply): void {
    if ('log' in reply) {
      this.#logger?.[reply.log.level](reply.log.fields, reply.log.message);
      return;
    }
    if (!('id' in reply)) return;
    const pending = this.#pending.get(reply.id);
    if (pending === undefined) return;
    this.#pending.delete(reply.id);
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(fromThreadError(reply.error));
  }

  #fail(error: Error): void {
    const failure = this.#closing === undefined ? unavailable(this.path, error.message) : closed(this.path);
    this.#failure ??= failure;
    if (this.#closing === undefined) this.#logger?.error({ path: this.path, error: error.message }, 'The journal thread failed; the store is unavailable.');
    for (const pending of this.#pending.values()) pending.reject(this.#failure);
    this.#pending.clear();
  }
}

// Tests run the TypeScript sources, which Node cannot start as a worker: they use the built one (turbo builds the
// package before its tests).
const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? '../dist/journal-worker.js' : './journal-worker.js', import.meta.url);

const unavailable = (path: string, reason: string): SyslogConnectorError =>
  new SyslogConnectorError('STORE_UNAVAILABLE', `The store ${path} is unavailable: ${reason}.`, {
    path: STATE_DIR_CONFIG_PATH,
    hint: 'restart the connector; events not confirmed as stored are read again from the sources',
  });

const closed = (path: string): SyslogConnectorError =>
  new SyslogConnectorError('STORE_UNAVAILABLE', `The store ${path} is closed.`, {
    path: STATE_DIR_CONFIG_PATH,
    hint: 'the host closed the store during shutdown; open it again to use it',
  });
