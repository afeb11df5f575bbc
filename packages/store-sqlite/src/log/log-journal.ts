import { appendFileSync, closeSync, fdatasyncSync, fstatSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { StatementSync } from 'node:sqlite';
import {
  SyslogConnectorError,
  type AppendResult,
  type Backlog,
  type Checkpoint,
  type DeadLetterQuery,
  type DestinationDeadLetter,
  type DestinationProgress,
  type Journal,
  type JournalCapabilities,
  type JournalConsumer,
  type JournalEntry,
  type JournalFullPolicy,
  type JournalReadOptions,
  type JournalUsage,
  type ListedDeadLetter,
  type Logger,
  type SecurityEvent,
  type SourceDeadLetter,
} from '@syslog-connector/core';
import { JournalSerializer } from '@syslog-connector/core/engine';
import { RecentEvents } from '../recent-events.js';
import { DEFAULT_RECENT_EVENTS, DEFAULT_RECENT_EVENTS_BYTES, type DeadLetter, type SqliteJournal, type StoreInfo } from '../sqlite-journal.js';
import type { SqliteStateStore } from '../sqlite-state-store.js';
import { corruptHint, STATE_DIR_CONFIG_PATH, toStoreError } from '../store-error.js';
import { compactionBounds, normalizeConsumers, parseStored, storeClosed } from '../journal-shared.js';
import { KeyHashSet, keyHashInto } from './key-hash-set.js';
import { eventTexts, JSON_EVENTS, MAX_RECORD_BYTES, PACKED_EVENTS, payloadIntact, readBatchHeader, RECORD_HEADER_BYTES, RecordWriter, unpackEvents } from './segment-record.js';

export interface LogJournalOptions {
  /** The folder of the segment files (`<stateDir>/journal`); created (0700) when missing. */
  readonly dir: string;
  /** The SQLite store beside it: cursors, dead letters, plugin state, checkpoint copies and marks. Closed with it. */
  readonly meta: SqliteJournal;
  readonly logger?: Logger | undefined;
  readonly clock?: { now(): number } | undefined;
  /** Disk budget of the segment files (and retained key files), bytes. Default: unbounded. */
  readonly maxBytes?: number | undefined;
  readonly whenFull?: JournalFullPolicy | undefined;
  /** How long the keys of compacted segments are kept for de-dup. Default 48 h. */
  readonly keyRetentionMs?: number | undefined;
  /** At most this many keys of compacted segments are kept (the oldest segments' go first). Default 2,000,000 (32 MB). */
  readonly maxRetainedKeys?: number | undefined;
  /** A segment is closed and a new one started past this size. Default 64 MiB (an eighth of the budget when smaller). */
  readonly segmentBytes?: number | undefined;
  /** `fdatasync` after every append: survives power loss too, at the cost measured in the benchmark. Default false. */
  readonly fsync?: boolean | undefined;
  readonly recentEvents?: number | undefined;
  readonly recentEventsBytes?: number | undefined;
  /**
   * How new records encode their events: `msgpack` (default since issue #18) or `json` (the format before it, kept
   * for the benchmark's comparison). Each record says its encoding, so either reads what the other wrote.
   */
  readonly eventEncoding?: 'msgpack' | 'json' | undefined;
  /**
   * Open to read beside the daemon (`status`): the files are never written, a tail that does not check out is
   * skipped, not cut (it may be the record the daemon is writing).
   */
  readonly readOnly?: boolean | undefined;
}

/** What recovery cut from the journal on open: a torn or damaged tail, reported and counted, never silent. */
export interface LogRecovery {
  readonly segment: string;
  /** Where the first record that does not check out starts. */
  readonly offset: number;
  /** Bytes cut from there to the end of the segment. */
  readonly bytes: number;
  readonly reason: string;
}

/** A batch record: where it is, whose events, which seqs. */
interface Batch {
  readonly segment: Segment;
  readonly offset: number;
  readonly size: number;
  /** The events' encoding (`JSON_EVENTS`, `PACKED_EVENTS`). */
  readonly format: number;
  readonly source: string;
  readonly first: number;
  readonly count: number;
  readonly lengthsAt: number;
  readonly eventsAt: number;
}

interface Segment {
  readonly id: number;
  readonly path: string;
  fd: number;
  size: number;
  /** When this process opened or created it (the active segment is compacted away once it is old or large enough). */
  readonly createdAt: number;
  readonly batches: Batch[];
  readonly keys: KeyHashSet;
}

/**
 * The keys of the segments compacted away during one window of time (a generation, an eighth of the retention), kept
 * for de-dup in one set and one `.keys` file until the retention has passed since the window closed. A handful of
 * generations at most, whatever the number of segments deleted.
 */
interface RetainedKeys {
  readonly path: string;
  readonly start: number;
  readonly keys: KeyHashSet;
  bytes: number;
}

const KEYS_HEADER_BYTES = 16;

const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
const MIN_SEGMENT_BYTES = 16 * 1024;
const DEFAULT_KEY_RETENTION_MS = 48 * 3_600_000;
const DEFAULT_MAX_RETAINED_KEYS = 2_000_000;
const SEGMENT_SUFFIX = '.log';
const KEYS_SUFFIX = '.keys';
const KEYS_MAGIC = 0x53434b59; // "SCKY"
const ACTIVE_SEGMENT_MIN_AGE_MS = 60_000;

const segmentName = (id: number): string => String(id).padStart(20, '0');

const lastSeq = (batch: Batch): number => batch.first + batch.count - 1;

/** A record's place in the log as one number, in log order: segment id × 2^32 + offset (exact below 2^53). */
const SEGMENT_SPAN = 2 ** 32;
const position = (segment: number, offset: number): number => segment * SEGMENT_SPAN + offset;

/**
 * The log engine of the journal (`journal.engine: log`, issue #18): events in append-only segment files, one CRC'd
 * record per stored batch with its checkpoint; cursors, dead letters and state in the SQLite store beside it.
 *
 * - **Durability** as SQLite's WAL with `synchronous=NORMAL`: `append` returns once its record is written to the
 *   file (in the OS page cache), so a killed process loses nothing it stored; power loss may lose the last records
 *   unless `fsync` is on. A batch's events and its checkpoint are one record: both or neither.
 * - **Recovery** on open reads every record and checks its CRC; the first one that does not check out and everything
 *   after it in that segment are cut, logged (`Journal tail cut`) and reported (`recovery()`).
 * - **De-dup** by 64-bit key hashes: each segment's, and those of compacted segments for `keyRetentionMs` (bounded by
 *   `maxRetainedKeys`), in typed arrays; no index on disk.
 * - **Compaction** is logical first (per source, what every consumer passed is no longer read) and physical once a
 *   whole segment is passed (its file is deleted, its keys kept in a small `.keys` file).
 */
export class LogJournal implements Journal {
  readonly capabilities: JournalCapabilities = { durable: true, compaction: true, budget: true };
  /** The SQLite store file (as `SqliteJournal.path`): what `status` and errors name. */
  readonly path: string;
  /** The folder of the segment files. */
  readonly dir: string;
  readonly #meta: SqliteJournal;
  readonly #logger: Logger | undefined;
  readonly #now: () => number;
  readonly #maxBytes: number | undefined;
  readonly #policy: JournalFullPolicy;
  readonly #keyRetentionMs: number;
  readonly #maxRetainedKeys: number;
  readonly #segmentBytes: number;
  readonly #fsync: boolean;
  readonly #packed: boolean;
  readonly #readOnly: boolean;
  readonly #recent: RecentEvents;
  readonly #writer = new RecordWriter();
  readonly #serializer: JournalSerializer;
  readonly #segments: Segment[] = [];
  /** Every batch with events, in seq order. */
  #batches: Batch[] = [];
  #retained: RetainedKeys[] = [];
  /** The newest checkpoint of each source, as JSON. */
  readonly #checkpoints = new Map<string, string>();
  /** Where the record of each source's newest checkpoint is (`position`): its copy in SQLite says so too. */
  readonly #checkpointAt = new Map<string, number>();
  /** Per source: events up to this seq were compacted (no longer read). */
  readonly #compacted = new Map<string, number>();
  readonly #recovery: LogRecovery[] = [];
  #head = 0;
  #consumers: readonly JournalConsumer[] | undefined;
  /** What `#compactionBounds` last worked the bounds out from (sources: how many had a checkpoint). */
  #boundsFrom:
    | { readonly consumers: readonly JournalConsumer[]; readonly head: number; readonly sources: number; readonly cursors: readonly number[] }
    | undefined;
  #closed = false;
  #decoded: { batch: Batch; events: SecurityEvent[] } | undefined;
  readonly #ack: StatementSync;
  readonly #cursor: StatementSync;
  readonly #setMark: StatementSync;
  readonly #setCheckpoint: StatementSync;
  readonly #addDropped: StatementSync;

  private constructor(options: LogJournalOptions) {
    this.dir = resolve(options.dir);
    this.#meta = options.meta;
    this.path = options.meta.path;
    this.#logger = options.logger;
    this.#serializer = new JournalSerializer(options.logger);
    const clock = options.clock;
    this.#now = clock === undefined ? Date.now : () => clock.now();
    if (options.maxBytes !== undefined && (!Number.isSafeInteger(options.maxBytes) || options.maxBytes <= 0)) {
      throw new RangeError(`maxBytes must be a positive integer, got ${options.maxBytes}`);
    }
    this.#maxBytes = options.maxBytes;
    this.#policy = options.whenFull ?? 'block';
    this.#keyRetentionMs = options.keyRetentionMs ?? DEFAULT_KEY_RETENTION_MS;
    this.#maxRetainedKeys = options.maxRetainedKeys ?? DEFAULT_MAX_RETAINED_KEYS;
    this.#segmentBytes = Math.max(
      MIN_SEGMENT_BYTES,
      options.segmentBytes ?? Math.min(DEFAULT_SEGMENT_BYTES, options.maxBytes === undefined ? DEFAULT_SEGMENT_BYTES : Math.floor(options.maxBytes / 8)),
    );
    this.#fsync = options.fsync ?? false;
    this.#packed = (options.eventEncoding ?? 'msgpack') === 'msgpack';
    this.#readOnly = options.readOnly ?? false;
    const db = this.#meta.database;
    this.#ack = db.prepare(
      'INSERT INTO cursors (destination, seq, delivered) VALUES (?, ?, ?) ' +
        'ON CONFLICT (destination) DO UPDATE SET seq = max(seq, excluded.seq), delivered = delivered + excluded.delivered',
    );
    this.#cursor = db.prepare('SELECT seq FROM cursors WHERE destination = ?');
    this.#setMark = db.prepare('INSERT INTO log_marks (name, seq) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET seq = excluded.seq');
    this.#setCheckpoint = db.prepare('INSERT INTO checkpoints (source, json) VALUES (?, ?) ON CONFLICT (source) DO UPDATE SET json = excluded.json');
    this.#addDropped = db.prepare(
      'INSERT INTO cursors (destination, dropped) VALUES (?, ?) ON CONFLICT (destination) DO UPDATE SET dropped = dropped + excluded.dropped',
    );
    this.#recent = new RecentEvents(options.recentEvents ?? DEFAULT_RECENT_EVENTS, 0, options.recentEventsBytes ?? DEFAULT_RECENT_EVENTS_BYTES);
  }

  /**
   * Opens the segment folder beside an open SQLite store (which it then owns and closes): recovers the segments
   * (cutting a torn or damaged tail, reported), the checkpoints, the de-dup keys and the head.
   */
  static async open(options: LogJournalOptions): Promise<LogJournal> {
    let journal: LogJournal | undefined;
    try {
      journal = new LogJournal(options);
      journal.#load();
    } catch (error) {
      if (journal !== undefined) journal.#closeFiles();
      await options.meta.close();
      throw toStoreError(error, resolve(options.dir), 'opening the journal segments');
    }
    options.logger?.info({ path: journal.dir, head: journal.#head, segments: journal.#segments.length, engine: 'log' }, 'Journal opened.');
    return journal;
  }

  /** What recovery cut on open (empty when every record checked out). */
  recovery(): readonly LogRecovery[] {
    return this.#recovery;
  }

  get state(): SqliteStateStore {
    return this.#meta.state;
  }

  async info(): Promise<StoreInfo> {
    return this.#meta.info();
  }

  async deadLetters(destination: string, options: { readonly limit?: number } = {}): Promise<readonly DeadLetter[]> {
    return this.#meta.deadLetters(destination, options);
  }

  async checkpoint(source: string): Promise<Checkpoint | undefined> {
    this.#live();
    const json = this.#checkpoints.get(source);
    return json === undefined ? undefined : (this.#parse(json, `checkpoint of source "${source}"`) as Checkpoint);
  }

  async append(source: string, events: readonly SecurityEvent[], checkpoint: Checkpoint): Promise<AppendResult> {
    this.#live();
    this.#writable();
    if (typeof source !== 'string' || source === '') throw new TypeError('append(): source must be a non-empty string');
    this.#serializer.checkBatch(source, events);
    const checkpointText = this.#serializer.checkpoint(source, checkpoint);
    let removedThrough = 0;
    if (this.#maxBytes !== undefined && this.#policy === 'block' && events.length > 0 && this.#overBudget()) {
      removedThrough = this.#compactSync().through;
      if (this.#overBudget()) {
        throw new SyslogConnectorError('STORE_UNAVAILABLE', `The journal ${this.dir} is full (budget ${this.#maxBytes} bytes reached).`, {
          path: 'journal.maxSize',
          hint: 'sources pause until the destinations catch up; raise `journal.maxSize` or fix the destination that lags',
        });
      }
    }
    // De-dup (DESIGN §2): a key held by a segment, by a compacted segment's kept keys, or earlier in this batch.
    const active = this.#active();
    const batchKeys = new KeyHashSet(events.length);
    const hashes = new Uint32Array(events.length * 2);
    const fresh: SecurityEvent[] = [];
    const first = this.#head + 1;
    for (let i = 0; i < events.length; i += 1) {
      const event = events[i] as SecurityEvent;
      // Into the next free pair: a duplicate's is overwritten by the next event's.
      keyHashInto(source, event.key, hashes, fresh.length * 2);
      const hi = hashes[fresh.length * 2] as number;
      const lo = hashes[fresh.length * 2 + 1] as number;
      if (this.#held(hi, lo) || !batchKeys.add(hi, lo)) continue;
      fresh.push(event);
    }
    const sizes: number[] = [];
    const record = this.#packed
      ? this.#writer.encodePacked(source, first, checkpointText, hashes, fresh, sizes)
      : this.#writer.encode(source, first, checkpointText, hashes, fresh, (event) => JSON.stringify(event), sizes);
    const offset = active.size;
    try {
      let written = 0;
      while (written < record.length) written += writeSync(active.fd, record, written, record.length - written, offset + written);
      if (this.#fsync) fdatasyncSync(active.fd);
    } catch (error) {
      // A short or failed write (disk full) leaves nothing behind: the record is cut so the next one starts clean.
      try {
        ftruncateSync(active.fd, offset);
      } catch {
        // The write error is the one to report.
      }
      throw toStoreError(error, active.path, `storing events of source "${source}"`);
    }
    active.size += record.length;
    for (let n = 0; n < fresh.length; n += 1) active.keys.add(hashes[n * 2] as number, hashes[n * 2 + 1] as number);
    if (fresh.length > 0) {
      const eventsAt = this.#writer.eventsAt;
      const lengthsAt = this.#packed ? eventsAt : eventsAt - fresh.length * 4;
      const batch: Batch = { segment: active, offset, size: record.length, format: this.#packed ? PACKED_EVENTS : JSON_EVENTS, source, first, count: fresh.length, lengthsAt, eventsAt };
      active.batches.push(batch);
      this.#batches.push(batch);
      this.#head += fresh.length;
    }
    this.#checkpoints.set(source, checkpointText);
    this.#checkpointAt.set(source, position(active.id, offset));
    if (active.size >= this.#segmentBytes) this.#roll();
    if (this.#maxBytes !== undefined && this.#policy === 'drop-oldest' && fresh.length > 0) {
      removedThrough = Math.max(removedThrough, this.#dropOldest());
    }
    this.#recent.storedRun(source, first, fresh, removedThrough, sizes);
    // Stored: what follows only lets a destination reading from memory keep up before this source goes on.
    const pace = this.#recent.pace();
    if (pace !== undefined) await pace;
    return { appended: fresh.length, duplicates: events.length - fresh.length };
  }

  async read(destination: string, options: JournalReadOptions): Promise<readonly JournalEntry[]> {
    this.#live();
    const { limit, sources } = options;
    if (options.after !== undefined && (!Number.isSafeInteger(options.after) || options.after < 0)) {
      throw new RangeError(`read(): after must be a non-negative integer, got ${options.after}`);
    }
    if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`read(): limit must be a non-negative integer, got ${limit}`);
    if (limit === 0) return [];
    const after = options.after ?? this.#cursorOf(destination);
    const wanted = sources === undefined ? undefined : new Set(sources);
    if (this.#recent.covers(after)) return this.#recent.read(after, limit, wanted, destination);
    const out: JournalEntry[] = [];
    for (let i = this.#firstBatchAfter(after); i < this.#batches.length && out.length < limit; i += 1) {
      const batch = this.#batches[i] as Batch;
      if (wanted !== undefined && !wanted.has(batch.source)) continue;
      const low = Math.max(after, this.#compacted.get(batch.source) ?? 0);
      if (lastSeq(batch) <= low) continue;
      const events = this.#decode(batch);
      for (let k = Math.max(0, low + 1 - batch.first); k < batch.count && out.length < limit; k += 1) {
        out.push({ seq: batch.first + k, event: events[k] as SecurityEvent });
      }
    }
    this.#recent.readFromStore(after, out.at(-1)?.seq ?? after, destination);
    return out;
  }

  async ack(destination: string, seq: number, delivered: number): Promise<void> {
    this.#live();
    if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`ack(): seq must be a non-negative integer, got ${seq}`);
    if (!Number.isSafeInteger(delivered) || delivered < 0) throw new RangeError(`ack(): delivered must be a non-negative integer, got ${delivered}`);
    if (seq > this.#head) throw new RangeError(`ack(): seq ${seq} is past the journal head ${this.#head}`);
    try {
      this.#ack.run(destination, seq, delivered);
    } catch (error) {
      throw toStoreError(error, this.#meta.path, `moving the cursor of destination "${destination}"`);
    }
  }

  async deadLetter(destination: string, entry: JournalEntry, reason: string): Promise<void> {
    this.#live();
    return this.#meta.deadLetter(destination, entry, reason);
  }

  async deadLetterAtSource(source: string, letters: readonly SourceDeadLetter[]): Promise<number> {
    this.#live();
    return this.#meta.deadLetterAtSource(source, letters);
  }

  async sourceDeadLetterCount(source: string): Promise<number> {
    this.#live();
    return this.#meta.sourceDeadLetterCount(source);
  }

  /** Dead letters live in the store's database, beside the cursors (`Journal.listDeadLetters`). */
  async listDeadLetters(query: DeadLetterQuery): Promise<readonly ListedDeadLetter[]> {
    this.#live();
    return this.#meta.listDeadLetters(query);
  }

  async redriveDeadLetter(id: number, deliver: (letter: DestinationDeadLetter) => Promise<void>): Promise<boolean> {
    this.#live();
    return this.#meta.redriveDeadLetter(id, deliver);
  }

  async head(): Promise<number> {
    this.#live();
    return this.#head;
  }

  async progress(destination: string): Promise<DestinationProgress> {
    this.#live();
    return this.#meta.progress(destination);
  }

  async backlog(consumer: JournalConsumer): Promise<Backlog> {
    this.#live();
    const cursor = this.#cursorOf(consumer.destination);
    const wanted = consumer.sources === undefined ? undefined : new Set(consumer.sources);
    let events = 0;
    let oldest: { batch: Batch; index: number } | undefined;
    for (let i = this.#firstBatchAfter(cursor); i < this.#batches.length; i += 1) {
      const batch = this.#batches[i] as Batch;
      if (wanted !== undefined && !wanted.has(batch.source)) continue;
      const low = Math.max(cursor, this.#compacted.get(batch.source) ?? 0);
      if (lastSeq(batch) <= low) continue;
      const from = Math.max(0, low + 1 - batch.first);
      events += batch.count - from;
      oldest ??= { batch, index: from };
    }
    const time = oldest === undefined ? undefined : (this.#decode(oldest.batch)[oldest.index] as SecurityEvent).time;
    return { events, oldestTime: time === undefined ? undefined : Math.trunc(time) };
  }

  async setConsumers(consumers: readonly JournalConsumer[]): Promise<void> {
    this.#live();
    this.#consumers = normalizeConsumers(consumers);
  }

  async compact(): Promise<number> {
    this.#live();
    if (this.#readOnly) return 0;
    try {
      return this.#compactSync().removed;
    } catch (error) {
      throw toStoreError(error, this.dir, 'compacting delivered events');
    }
  }

  async usage(): Promise<JournalUsage> {
    this.#live();
    const bytes = this.#usedBytes();
    return { bytes, maxBytes: this.#maxBytes, policy: this.#policy, full: this.#maxBytes !== undefined && this.#policy === 'block' && bytes >= this.#maxBytes };
  }

  /** Closes the segment files and the SQLite store (which keeps a copy of every checkpoint and the head). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#recent.release();
    try {
      if (!this.#readOnly) this.#saveMarks();
    } finally {
      this.#closeFiles();
      await this.#meta.close();
    }
    this.#logger?.info({ path: this.dir }, 'Journal closed.');
  }

  // --- opening -------------------------------------------------------------------------------------------------

  #load(): void {
    if (!this.#readOnly) mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const db = this.#meta.database;
    const events = Number(db.prepare('SELECT count(*) AS n FROM events').get()?.['n'] ?? 0);
    if (events > 0) {
      throw new SyslogConnectorError(
        'STORE_UNAVAILABLE',
        `The store ${this.#meta.path} holds ${events} events of the sqlite journal engine that are not delivered yet; the log engine would not read them.`,
        { path: 'journal.engine', hint: 'run with `journal.engine: sqlite` until the destinations have delivered them (status shows the backlog), then switch' },
      );
    }
    const copies = new Map<string, { json: string; at: number }>();
    for (const row of db.prepare('SELECT source, json FROM checkpoints').all() as Array<{ source: string; json: string }>) copies.set(row.source, { json: row.json, at: 0 });
    let head = Math.max(0, Number(db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'").get()?.['seq'] ?? 0));
    for (const row of db.prepare('SELECT name, seq FROM log_marks').all() as Array<{ name: string; seq: number }>) {
      if (row.name === 'head') head = Math.max(head, Number(row.seq));
      else if (row.name.startsWith('compacted:')) this.#compacted.set(row.name.slice('compacted:'.length), Number(row.seq));
      else if (row.name.startsWith('checkpoint-at:')) {
        const copy = copies.get(row.name.slice('checkpoint-at:'.length));
        if (copy !== undefined) copy.at = Number(row.seq);
      }
    }
    // A cursor is never past what was stored; should the log have lost its tail, seqs still go on after it.
    head = Math.max(head, Number(db.prepare('SELECT max(seq) AS n FROM cursors').get()?.['n'] ?? 0));
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (error) {
      if (this.#readOnly && (error as { code?: unknown }).code === 'ENOENT') names = [];
      else throw error;
    }
    const now = this.#now();
    for (const name of names.filter((n) => n.endsWith(KEYS_SUFFIX)).sort()) this.#loadKeys(join(this.dir, name), now);
    for (const name of names.filter((n) => n.endsWith(SEGMENT_SUFFIX)).sort()) {
      const id = Number(name.slice(0, -SEGMENT_SUFFIX.length));
      if (!Number.isSafeInteger(id)) continue;
      const segment = this.#scan(id, join(this.dir, name));
      this.#segments.push(segment);
      const last = segment.batches.at(-1);
      if (last !== undefined) head = Math.max(head, lastSeq(last));
    }
    this.#adoptCopies(copies);
    this.#head = head;
    this.#recent.evictThrough(head);
    if (!this.#readOnly && this.#segments.length === 0) this.#startSegment(1);
  }

  /**
   * The SQLite copies of the checkpoints against the records the log still has: per source the newer one wins, by
   * position. A copy whose record was cut on open (it lies past the end of a segment that is still there) is not
   * taken: its events are gone, so the source must read them again from the checkpoint before (or from the start).
   */
  #adoptCopies(copies: ReadonlyMap<string, { json: string; at: number }>): void {
    for (const [source, copy] of copies) {
      const inLog = this.#checkpointAt.get(source);
      if (inLog !== undefined && inLog >= copy.at) continue;
      const segment = this.#segments.find((s) => s.id === Math.floor(copy.at / SEGMENT_SPAN));
      if (segment !== undefined && copy.at % SEGMENT_SPAN >= segment.size) {
        this.#logger?.warn({ source }, 'Journal checkpoint rolled back: the batch it was stored with was cut; the source reads from the one before.');
        continue;
      }
      this.#checkpoints.set(source, copy.json);
      this.#checkpointAt.set(source, copy.at);
    }
  }

  /** Reads a segment's records, checking each; cuts (or, read-only, skips) from the first that does not check out. */
  #scan(id: number, path: string): Segment {
    const fd = openSync(path, this.#readOnly ? 'r' : 'r+');
    const segment: Segment = { id, path, fd, size: 0, createdAt: this.#now(), batches: [], keys: new KeyHashSet() };
    const fileSize = fstatSync(fd).size;
    const header = Buffer.alloc(RECORD_HEADER_BYTES);
    let offset = 0;
    let problem: string | undefined;
    while (offset < fileSize) {
      if (fileSize - offset < RECORD_HEADER_BYTES) {
        problem = 'a record header cut short';
        break;
      }
      readSync(fd, header, 0, RECORD_HEADER_BYTES, offset);
      const length = header.readUInt32LE(0);
      if (length === 0 || length > MAX_RECORD_BYTES || offset + RECORD_HEADER_BYTES + length > fileSize) {
        problem = length > MAX_RECORD_BYTES || length === 0 ? 'a record length that is not possible' : 'a record cut short';
        break;
      }
      const payload = Buffer.allocUnsafe(length);
      readSync(fd, payload, 0, length, offset + RECORD_HEADER_BYTES);
      const batch = payloadIntact(payload, header.readUInt32LE(4)) ? readBatchHeader(payload) : undefined;
      if (batch === undefined) {
        problem = 'a record whose checksum does not match';
        break;
      }
      segment.keys.addFrom(payload, batch.hashesAt, batch.count);
      this.#checkpoints.set(batch.source, batch.checkpoint);
      this.#checkpointAt.set(batch.source, position(id, offset));
      if (batch.count > 0) {
        const entry: Batch = { segment, offset, size: RECORD_HEADER_BYTES + length, format: batch.format, source: batch.source, first: batch.first, count: batch.count, lengthsAt: batch.lengthsAt, eventsAt: batch.eventsAt };
        segment.batches.push(entry);
        this.#batches.push(entry);
      }
      offset += RECORD_HEADER_BYTES + length;
    }
    segment.size = offset;
    if (problem !== undefined) {
      const cut: LogRecovery = { segment: path, offset, bytes: fileSize - offset, reason: problem };
      this.#recovery.push(cut);
      if (!this.#readOnly) {
        ftruncateSync(fd, offset);
        this.#logger?.warn({ ...cut, records: segment.batches.length }, 'Journal tail cut: a torn or damaged record and what followed it in its segment were removed.');
      }
    }
    return segment;
  }

  #loadKeys(path: string, now: number): void {
    try {
      const data = readFileSync(path);
      if (data.length < KEYS_HEADER_BYTES || data.readUInt32LE(0) !== KEYS_MAGIC) throw new Error('not a key file');
      const start = data.readDoubleLE(4);
      if (this.#expired(start, now)) {
        if (!this.#readOnly) unlinkSync(path);
        return;
      }
      // A pair cut short by a crash is left out: only the keys of whole pairs count.
      const count = Math.floor((data.length - KEYS_HEADER_BYTES) / 8);
      const keys = new KeyHashSet(count);
      keys.addFrom(data, KEYS_HEADER_BYTES, count);
      this.#retained.push({ path, start, keys, bytes: data.length });
    } catch (error) {
      // Only de-dup of old, delivered events depends on it: said, and set aside.
      this.#logger?.warn({ path, error: error instanceof Error ? error.message : String(error) }, 'Journal key file unreadable: ignored.');
    }
  }

  /** A generation of kept keys is forgotten once the retention has passed since its window closed. */
  #expired(start: number, now: number): boolean {
    return now - start >= this.#keyRetentionMs + this.#keyWindowMs();
  }

  #keyWindowMs(): number {
    return Math.max(1_000, Math.floor(this.#keyRetentionMs / 8));
  }

  // --- writing -------------------------------------------------------------------------------------------------

  #active(): Segment {
    const active = this.#segments.at(-1);
    if (active === undefined) return this.#startSegment(1);
    return active;
  }

  #startSegment(id: number): Segment {
    const path = join(this.dir, `${segmentName(id)}${SEGMENT_SUFFIX}`);
    const fd = openSync(path, 'wx+', 0o600);
    const segment: Segment = { id, path, fd, size: 0, createdAt: this.#now(), batches: [], keys: new KeyHashSet() };
    this.#segments.push(segment);
    return segment;
  }

  /** Starts the next segment; the full one stays open for reads. */
  #roll(): void {
    this.#startSegment((this.#segments.at(-1)?.id ?? 0) + 1);
  }

  #held(hi: number, lo: number): boolean {
    for (const segment of this.#segments) if (segment.keys.has(hi, lo)) return true;
    for (const retained of this.#retained) if (retained.keys.has(hi, lo)) return true;
    return false;
  }

  #usedBytes(): number {
    let bytes = 0;
    for (const segment of this.#segments) bytes += segment.size;
    for (const retained of this.#retained) bytes += retained.bytes;
    return bytes;
  }

  #overBudget(): boolean {
    return this.#maxBytes !== undefined && this.#usedBytes() >= this.#maxBytes;
  }

  /** The checkpoints and the head into SQLite, so that deleting segments (or switching engines) loses neither. */
  #saveMarks(): void {
    const db = this.#meta.database;
    db.exec('BEGIN IMMEDIATE');
    try {
      for (const [source, json] of this.#checkpoints) {
        this.#setCheckpoint.run(source, json);
        this.#setMark.run(`checkpoint-at:${source}`, this.#checkpointAt.get(source) ?? 0);
      }
      this.#setMark.run('head', this.#head);
      for (const [source, seq] of this.#compacted) this.#setMark.run(`compacted:${source}`, seq);
      db.exec('COMMIT');
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw error;
    }
  }

  /**
   * How far each source may be compacted; empty when the head, the sources, the consumers and their cursors are those
   * the last bounds were worked out from: those bounds are reached already. With 1,000 idle sources the bounds of all
   * of them, a list and a map of a thousand each at every compaction, were 2 % of the daemon's garbage (issue #20).
   */
  #compactionBounds(): Map<string, number> | undefined {
    const consumers = this.#consumers;
    if (consumers === undefined || consumers.length === 0) return undefined;
    const cursors = consumers.map((consumer) => this.#cursorOf(consumer.destination));
    const from = this.#boundsFrom;
    if (
      from !== undefined &&
      from.consumers === consumers &&
      from.head === this.#head &&
      from.sources === this.#checkpoints.size &&
      from.cursors.every((cursor, i) => cursor === cursors[i])
    ) {
      return new Map();
    }
    this.#boundsFrom = { consumers, head: this.#head, sources: this.#checkpoints.size, cursors };
    return compactionBounds(consumers, [...this.#checkpoints.keys()], this.#head, (destination) => this.#cursorOf(destination));
  }

  #compactSync(): { removed: number; through: number } {
    this.#expireKeys();
    const bounds = this.#compactionBounds();
    if (bounds === undefined) return { removed: 0, through: 0 };
    let removed = 0;
    let through = 0;
    for (const [source, bound] of bounds) {
      const old = this.#compacted.get(source) ?? 0;
      if (bound <= old) continue;
      let n = 0;
      for (let i = this.#firstBatchAfter(old); i < this.#batches.length; i += 1) {
        const batch = this.#batches[i] as Batch;
        if (batch.first > bound) break;
        if (batch.source !== source) continue;
        n += Math.min(bound, lastSeq(batch)) - Math.max(old + 1, batch.first) + 1;
      }
      this.#compacted.set(source, bound);
      removed += n;
      if (n > 0) through = Math.max(through, bound);
    }
    const now = this.#now();
    const active = this.#segments.at(-1);
    // The active segment goes too once passed, if it is a quarter full or a minute old: a journal that keeps up does
    // not create and delete a file at every compaction (every second), and its budget still frees.
    const passed = this.#segments.filter(
      (segment) =>
        segment.size > 0 &&
        (segment !== active || segment.size * 4 >= this.#segmentBytes || now - segment.createdAt >= ACTIVE_SEGMENT_MIN_AGE_MS || this.#overBudget()) &&
        segment.batches.every((b) => lastSeq(b) <= (this.#compacted.get(b.source) ?? 0)),
    );
    if (removed > 0 || passed.length > 0) this.#saveMarks();
    for (const segment of passed) this.#deleteSegment(segment);
    if (through > 0) this.#recent.evictThrough(through);
    return { removed, through };
  }

  /** Deletes a segment file, keeping its keys for de-dup (a `.keys` file) for the retention period. */
  #deleteSegment(segment: Segment): void {
    const isActive = segment === this.#segments.at(-1);
    if (isActive) this.#roll();
    if (segment.keys.size > 0 && this.#keyRetentionMs > 0) this.#retain(segment.keys);
    closeSync(segment.fd);
    unlinkSync(segment.path);
    this.#segments.splice(this.#segments.indexOf(segment), 1);
    if (segment.batches.length > 0) this.#batches = this.#batches.filter((b) => b.segment !== segment);
    if (this.#decoded?.batch.segment === segment) this.#decoded = undefined;
  }

  /** Adds a deleted segment's keys to the current generation (its set and its file), starting one when due. */
  #retain(keys: KeyHashSet): void {
    const now = this.#now();
    let generation = this.#retained.at(-1);
    if (generation === undefined || now - generation.start >= this.#keyWindowMs()) {
      const path = join(this.dir, `${String(now).padStart(16, '0')}${KEYS_SUFFIX}`);
      const header = Buffer.alloc(KEYS_HEADER_BYTES);
      header.writeUInt32LE(KEYS_MAGIC, 0);
      header.writeDoubleLE(now, 4);
      writeFileSync(path, header, { mode: 0o600 });
      generation = { path, start: now, keys: new KeyHashSet(keys.size), bytes: KEYS_HEADER_BYTES };
      this.#retained.push(generation);
    }
    const hashes = keys.toBuffer();
    appendFileSync(generation.path, hashes);
    generation.bytes += hashes.length;
    generation.keys.addFrom(hashes, 0, keys.size);
    this.#boundRetained();
  }

  #expireKeys(): void {
    const now = this.#now();
    const expired = this.#retained.filter((r) => this.#expired(r.start, now));
    if (expired.length === 0) return;
    for (const r of expired) unlinkSync(r.path);
    this.#retained = this.#retained.filter((r) => !this.#expired(r.start, now));
  }

  /** At most `maxRetainedKeys` kept keys: the oldest generations go first (never the current one). */
  #boundRetained(): void {
    let total = this.#retained.reduce((sum, r) => sum + r.keys.size, 0);
    while (total > this.#maxRetainedKeys && this.#retained.length > 1) {
      const oldest = this.#retained.shift() as RetainedKeys;
      total -= oldest.keys.size;
      unlinkSync(oldest.path);
    }
  }

  /**
   * drop-oldest, after an append crossed the budget: delivered segments go first; then the oldest segments until the
   * journal is 10% under the budget, counted per destination that had not delivered them, and logged.
   */
  #dropOldest(): number {
    const max = this.#maxBytes as number;
    if (this.#usedBytes() < max) return 0;
    let through = this.#compactSync().through;
    const dropped = new Map<string, number>();
    const cursors = new Map((this.#consumers ?? []).map((c) => [c.destination, this.#cursorOf(c.destination)]));
    while (this.#usedBytes() > max * 0.9 && this.#segments.some((s) => s.size > 0)) {
      const segment = this.#segments.find((s) => s.size > 0) as Segment;
      for (const consumer of this.#consumers ?? []) {
        const cursor = cursors.get(consumer.destination) ?? 0;
        let lost = 0;
        for (const batch of segment.batches) {
          if (consumer.sources !== undefined && !consumer.sources.includes(batch.source)) continue;
          const low = Math.max(cursor, this.#compacted.get(batch.source) ?? 0);
          if (lastSeq(batch) > low) lost += lastSeq(batch) - Math.max(low + 1, batch.first) + 1;
        }
        if (lost > 0) dropped.set(consumer.destination, (dropped.get(consumer.destination) ?? 0) + lost);
      }
      const last = segment.batches.at(-1);
      if (last !== undefined) through = Math.max(through, lastSeq(last));
      this.#saveMarks();
      this.#deleteSegment(segment);
    }
    for (const [destination, n] of dropped) {
      this.#addDropped.run(destination, n);
      this.#logger?.warn({ destination, dropped: n, maxBytes: max }, 'Journal full: oldest undelivered events dropped (whenFull: drop-oldest).');
    }
    return through;
  }

  // --- reading -------------------------------------------------------------------------------------------------

  /** Index of the first batch with events after `seq`. */
  #firstBatchAfter(seq: number): number {
    const batches = this.#batches;
    let lo = 0;
    let hi = batches.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (lastSeq(batches[mid] as Batch) <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The events of a batch, from its file (the last one decoded is kept: a reader takes a batch in several reads). */
  #decode(batch: Batch): SecurityEvent[] {
    if (this.#decoded?.batch === batch) return this.#decoded.events;
    const buffer = Buffer.allocUnsafe(batch.size);
    readSync(batch.segment.fd, buffer, 0, batch.size, batch.offset);
    const payload = buffer.subarray(RECORD_HEADER_BYTES);
    const events =
      batch.format === JSON_EVENTS
        ? eventTexts(payload, batch, 0).map((text, n) => this.#parse(text, `event #${batch.first + n}`) as SecurityEvent)
        : (unpackEvents(payload, batch) as SecurityEvent[] | undefined);
    if (events === undefined || events.length !== batch.count) {
      throw new SyslogConnectorError('STORE_CORRUPT', `The journal ${batch.segment.path} holds a damaged batch of events #${batch.first}.`, {
        path: STATE_DIR_CONFIG_PATH,
        hint: corruptHint(batch.segment.path),
      });
    }
    this.#decoded = { batch, events };
    return events;
  }

  #cursorOf(destination: string): number {
    return Number((this.#cursor.get(destination) as { seq: number } | undefined)?.seq ?? 0);
  }

  // --- checks --------------------------------------------------------------------------------------------------

  #parse(json: string, what: string): unknown {
    return parseStored(json, what, this.dir);
  }

  #live(): void {
    if (this.#closed) throw storeClosed(this.#meta.path);
  }

  #writable(): void {
    if (this.#readOnly) throw new TypeError(`The journal ${this.dir} was opened to read only (beside the daemon).`);
  }

  #closeFiles(): void {
    for (const segment of this.#segments) {
      try {
        closeSync(segment.fd);
      } catch {
        // Closing is best effort; the data is in the files already.
      }
    }
  }
}
