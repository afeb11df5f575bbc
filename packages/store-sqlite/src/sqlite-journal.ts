import { accessSync, closeSync, constants, openSync, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import {
  SyslogConnectorError,
  type AppendResult,
  type Backlog,
  type Checkpoint,
  type Clock,
  type DeadLetterQuery,
  type DestinationDeadLetter,
  type DestinationProgress,
  type Journal,
  type JournalCapabilities,
  type SourceDeadLetter,
  type JournalConsumer,
  type JournalEntry,
  type JournalFullPolicy,
  type JournalReadOptions,
  type JournalUsage,
  type ListedDeadLetter,
  type Logger,
  type SecurityEvent,
} from '@syslog-connector/core';
import {
  JournalSerializer,
  checkAckArguments,
  checkReadOptions,
  destinationDeadLetter,
  type StoredDeadLetter,
  type SerializedJournalEvent,
} from '@syslog-connector/core/engine';
import {
  countSchemaObjects,
  migrateSchema,
  readApplicationId,
  readUserVersion,
  SCHEMA_VERSION,
  STORE_APPLICATION_ID,
} from './schema-migrations.js';
import { SqliteStateStore } from './sqlite-state-store.js';
import { compactionBounds, normalizeConsumers, parseStored, storeClosed } from './journal-shared.js';
import { RecentEvents } from './recent-events.js';
import { corruptHint, STATE_DIR_CONFIG_PATH, toStoreError } from './store-error.js';

export interface SqliteJournalOptions {
  /** The database file; created (mode 0600) when missing. Its folder must exist. */
  readonly path: string;
  readonly logger?: Logger;
  /** How long a statement waits for a lock held by another connection before failing. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /** Timestamps of dead letters. Default: `Date.now`. */
  readonly clock?: Pick<Clock, 'now'>;
  /**
   * Disk budget of the journal in bytes (database pages in use; the WAL, bounded at 64 MiB, comes on top).
   * Default: unbounded. DESIGN §2: when it is reached, `whenFull` decides.
   */
  readonly maxBytes?: number;
  /** `block` (default): appends are refused and sources pause; `drop-oldest`: the oldest events go, counted per destination. */
  readonly whenFull?: JournalFullPolicy;
  /**
   * How long the key of a compacted (delivered) event is kept after compaction, so a source re-reading an
   * overlapping window does not deliver it again. Default 48 h.
   */
  readonly keyRetentionMs?: number;
  /**
   * How many of the newest events stay in memory for destinations that keep up (`RecentEvents`): they read them
   * without a query or a JSON parse. Default 10,000 (about 10–20 MB of events); 0 turns it off.
   */
  readonly recentEvents?: number;
  /** Bound of the in-memory tail by the events' JSON size (characters); default `DEFAULT_RECENT_EVENTS_BYTES`. */
  readonly recentEventsBytes?: number;
  /**
   * `synchronous=FULL` instead of NORMAL: every commit is fsynced, so the last batches survive power loss too
   * (`journal.fsync`). Default false.
   */
  readonly fsync?: boolean | undefined;
  /** A lock this journal holds for its owner (the daemon's `lockStateDir`): released once the database is closed. */
  readonly heldLock?: { release(): void };
}

/**
 * The default of `SqliteJournalOptions.recentEventsBytes`: the tail's bound by the events' JSON size. 10,000 events
 * of a few KB fit; 10,000 items of a source's 1 MiB `bytesPerItem` (10 GB) do not (issue #16).
 */
export const DEFAULT_RECENT_EVENTS_BYTES = 64 * 1024 * 1024;

/** The default of `SqliteJournalOptions.recentEvents`. */
export const DEFAULT_RECENT_EVENTS = 10_000;

/** The settings in force on the journal's connection (for `status` output and tests). */
export interface StoreInfo {
  readonly path: string;
  readonly schemaVersion: number;
  readonly journalMode: string;
  /** `PRAGMA synchronous`: off, normal, full or extra. */
  readonly synchronous: string;
  readonly busyTimeoutMs: number;
}

const SYNCHRONOUS_LEVELS = ['off', 'normal', 'full', 'extra'];

/** An event a destination could not format, kept with the reason (never silently dropped). */
export type DeadLetter = StoredDeadLetter;

const DEFAULT_BUSY_TIMEOUT_MS = 5_000;
const DEFAULT_KEY_RETENTION_MS = 48 * 3_600_000;
/** Expired compacted keys are pruned at most this often (a range delete on their time index). */
const KEY_PRUNE_INTERVAL_MS = 60_000;

/** WAL files are truncated to this size after a checkpoint, so a burst does not keep its disk space forever. */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/** https://sqlite.org/fileformat2.html#the_database_header: every database file starts with these 16 bytes. */
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
const SQLITE_HEADER_SIZE = 100;

/** An event as the store keeps it: its position and its JSON. */
interface StoredEventRow {
  readonly seq: number;
  readonly json: string;
}

interface CursorRow {
  readonly seq: number;
  readonly delivered: number;
  readonly dead_lettered: number;
  readonly dropped: number;
}

interface DeadLetterRow {
  readonly id: number;
  readonly seq: number;
  readonly source: string;
  readonly key: string;
  readonly reason: string;
  readonly event: string;
  readonly at: number;
}

/** Rows per INSERT statement (5 parameters each, far below SQLite's 32,766). */
const INSERT_ROWS = 64;

const bySeq = (a: StoredEventRow, b: StoredEventRow): number => a.seq - b.seq;

/**
 * Refuses, before SQLite touches it, a file that is not a SQLite database (SQLite would otherwise report it
 * only at the first query, after creating -wal/-shm files next to it), and a file or folder this process cannot
 * write. An empty file is a new database to SQLite.
 */
const inspectExistingFile = (file: string): void => {
  let size: number;
  try {
    const stats = statSync(file);
    if (!stats.isFile()) {
      throw new SyslogConnectorError('STORE_UNAVAILABLE', `The store ${file} is not a file.`, {
        path: STATE_DIR_CONFIG_PATH,
        hint: `remove or rename ${file}, or point \`stateDir\` to another folder`,
      });
    }
    size = stats.size;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return;
    throw toStoreError(error, file, 'inspecting the file');
  }
  if (size > 0) {
    const header = Buffer.alloc(SQLITE_HEADER_SIZE);
    let read = 0;
    try {
      const fd = openSync(file, 'r');
      try {
        read = readSync(fd, header, 0, SQLITE_HEADER_SIZE, 0);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      throw toStoreError(error, file, 'reading the file header');
    }
    if (read < SQLITE_HEADER_SIZE || !header.subarray(0, SQLITE_HEADER.length).equals(SQLITE_HEADER)) {
      throw new SyslogConnectorError('STORE_CORRUPT', `The store ${file} is not a SQLite database (its header is wrong).`, {
        path: STATE_DIR_CONFIG_PATH,
        hint: corruptHint(file),
      });
    }
  }
  try {
    accessSync(file, constants.R_OK | constants.W_OK);
    // WAL mode creates <file>-wal and <file>-shm beside the database.
    accessSync(dirname(file), constants.W_OK);
  } catch (error) {
    throw toStoreError(error, file, 'checking permissions');
  }
};

/**
 * A store the log engine (`journal.engine: log`) wrote before: new seqs go on after the highest it gave, so that no
 * destination cursor is ahead of the events stored next (they would be skipped).
 */
const continueAfterLogHead = (db: DatabaseSync): void => {
  const logHead = Number(db.prepare("SELECT seq FROM log_marks WHERE name = 'head'").get()?.['seq'] ?? 0);
  const head = Number(db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'").get()?.['seq'] ?? 0);
  if (logHead <= head) return;
  if (Number(db.prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = 'events'").run(logHead).changes) === 0) {
    db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('events', ?)").run(logHead);
  }
};

/** A new database file gets mode 0600: it holds security events and plugin secrets (tokens). */
const createPrivateFile = (file: string): void => {
  try {
    closeSync(openSync(file, 'wx', 0o600));
  } catch (error) {
    if ((error as { code?: unknown }).code === 'EEXIST') return;
    throw toStoreError(error, file, 'creating the file');
  }
};

/**
 * The durable journal (DESIGN §2) in an embedded SQLite database, through Node's built-in `node:sqlite`.
 *
 * Every method runs synchronously on one connection, so no two transactions of this process interleave; the
 * promise API is the `Journal` contract's. Writes are `BEGIN IMMEDIATE … COMMIT` transactions in WAL mode with
 * `synchronous=NORMAL`: a committed transaction survives the process being killed (SIGKILL, OOM, crash); only
 * an operating-system crash or power loss can lose the last transactions, never corrupt the file.
 */
export class SqliteJournal implements Journal {
  /** On disk, compacted, measured against `journal.maxSize` (which may be unbounded). */
  readonly capabilities: JournalCapabilities = { durable: true, compaction: true, budget: true };
  /** Absolute path of the database file. */
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #logger: Logger | undefined;
  readonly #heldLock: { release(): void } | undefined;
  readonly #now: () => number;
  readonly #serializer: JournalSerializer;
  #state: SqliteStateStore | undefined;

  // Prepared once: node:sqlite compiles the SQL at prepare(), so the hot paths only bind and step.
  readonly #heldKeys: StatementSync;
  /** `INSERT … VALUES` of n rows, by n (1 to INSERT_ROWS), prepared when first needed. */
  readonly #insertRows = new Map<number, StatementSync>();
  readonly #upsertCheckpoint: StatementSync;
  readonly #selectCheckpoint: StatementSync;
  readonly #selectCursor: StatementSync;
  readonly #readAll: StatementSync;
  readonly #readSource: StatementSync;
  readonly #ack: StatementSync;
  readonly #insertDeadLetter: StatementSync;
  readonly #countDeadLetter: StatementSync;
  readonly #selectDeadLetters: StatementSync;
  readonly #insertSourceDeadLetter: StatementSync;
  readonly #countSourceDeadLetters: StatementSync;
  readonly #selectHead: StatementSync;
  readonly #usedPages: StatementSync;
  readonly #pageSize: number;
  readonly #maxBytes: number | undefined;
  readonly #policy: JournalFullPolicy;
  #consumers: readonly JournalConsumer[] | undefined;
  readonly #keyRetentionMs: number;
  #lastKeyPrune = 0;
  readonly #recent: RecentEvents;
  /**
   * Per source, the bound its delivered events were last removed through (issue #20): compaction runs every second,
   * and with a thousand sources, asking SQLite twice per source each time was most of an idle daemon's CPU. A
   * source whose bound has not moved has nothing new to remove.
   */
  readonly #compactedThrough = new Map<string, number>();
  #compactStatements: { readonly copyKeys: StatementSync; readonly remove: StatementSync } | undefined;
  /** Dead letters being re-driven now: a second Retry of the same one waits its turn (answers false). */
  readonly #redriving = new Set<number>();

  private constructor(db: DatabaseSync, path: string, options: SqliteJournalOptions) {
    this.#db = db;
    this.path = path;
    this.#logger = options.logger;
    this.#serializer = new JournalSerializer(options.logger);
    this.#heldLock = options.heldLock;
    const clock = options.clock;
    this.#now = clock === undefined ? Date.now : () => clock.now();
    // The keys of a batch the journal holds already, stored or compacted (de-dup, DESIGN §2): one query per batch,
    // the keys passed as one JSON array. Checking before inserting, inside the write transaction, means no
    // duplicate ever draws a seq (OR IGNORE would: SQLite allocates the AUTOINCREMENT value before the conflict).
    this.#heldKeys = db.prepare(
      'SELECT key FROM events WHERE source = ?1 AND key IN (SELECT value FROM json_each(?2)) ' +
        'UNION SELECT key FROM compacted_keys WHERE source = ?1 AND key IN (SELECT value FROM json_each(?2))',
    );
    this.#upsertCheckpoint = db.prepare(
      'INSERT INTO checkpoints (source, json) VALUES (?, ?) ON CONFLICT (source) DO UPDATE SET json = excluded.json',
    );
    this.#selectCheckpoint = db.prepare('SELECT json FROM checkpoints WHERE source = ?');
    this.#selectCursor = db.prepare('SELECT seq, delivered, dead_lettered, dropped FROM cursors WHERE destination = ?');
    this.#readAll = db.prepare('SELECT seq, json FROM events WHERE seq > ? ORDER BY seq LIMIT ?');
    this.#readSource = db.prepare('SELECT seq, json FROM events WHERE source = ? AND seq > ? ORDER BY seq LIMIT ?');
    // max(): an ack never moves a cursor backwards (a late or repeated ack is harmless).
    this.#ack = db.prepare(
      'INSERT INTO cursors (destination, seq, delivered) VALUES (?, ?, ?) ' +
        'ON CONFLICT (destination) DO UPDATE SET seq = max(seq, excluded.seq), delivered = delivered + excluded.delivered',
    );
    // UNIQUE (destination, seq) + OR IGNORE: a batch retried after a transport error dead-letters the same
    // entry again; it is kept and counted once.
    this.#insertDeadLetter = db.prepare(
      'INSERT OR IGNORE INTO dead_letters (destination, seq, source, key, reason, event, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.#countDeadLetter = db.prepare(
      'INSERT INTO cursors (destination, dead_lettered) VALUES (?, 1) ' +
        'ON CONFLICT (destination) DO UPDATE SET dead_lettered = dead_lettered + 1',
    );
    this.#selectDeadLetters = db.prepare(
      'SELECT id, seq, source, key, reason, event, at FROM dead_letters WHERE destination = ? ORDER BY id LIMIT ?',
    );
    this.#insertSourceDeadLetter = db.prepare(
      'INSERT OR IGNORE INTO source_dead_letters (source, key, reason, excerpt, time, at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.#countSourceDeadLetters = db.prepare('SELECT count(*) AS n FROM source_dead_letters WHERE source = ?');
    // AUTOINCREMENT keeps the highest seq ever used here, so the head never goes back even if rows are removed.
    this.#selectHead = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'");
    // Pages in use: deleted rows free pages for reuse but the file keeps its size (no VACUUM on the hot path).
    this.#usedPages = db.prepare('SELECT (SELECT page_count FROM pragma_page_count()) - (SELECT freelist_count FROM pragma_freelist_count()) AS n');
    this.#pageSize = Number(db.prepare('PRAGMA page_size').get()?.['page_size'] ?? 4096);
    if (options.maxBytes !== undefined && (!Number.isSafeInteger(options.maxBytes) || options.maxBytes <= 0)) {
      throw new RangeError(`maxBytes must be a positive integer, got ${options.maxBytes}`);
    }
    this.#maxBytes = options.maxBytes;
    this.#policy = options.whenFull ?? 'block';
    this.#keyRetentionMs = options.keyRetentionMs ?? DEFAULT_KEY_RETENTION_MS;
    this.#recent = new RecentEvents(options.recentEvents ?? DEFAULT_RECENT_EVENTS, this.#headSync(), options.recentEventsBytes ?? DEFAULT_RECENT_EVENTS_BYTES);
  }

  /**
   * Opens (or creates) the store at `options.path`, migrating its schema. Throws `STORE_UNAVAILABLE` when the
   * file or its folder cannot be written, `STORE_CORRUPT` when the file is not an intact syslog-connector store;
   * in both cases the file is left exactly as it was.
   */
  static async open(options: SqliteJournalOptions): Promise<SqliteJournal> {
    const file = resolve(options.path);
    inspectExistingFile(file);
    createPrivateFile(file);
    let db: DatabaseSync | undefined;
    try {
      db = new DatabaseSync(file, {
        timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
        // SQLITE_DBCONFIG_DEFENSIVE: no statement can corrupt the file on purpose (writable_schema & co).
        defensive: true,
      });
      // Read-only look first: only a file that is ours (or empty) is ever written to.
      const applicationId = readApplicationId(db);
      const version = readUserVersion(db);
      const objects = countSchemaObjects(db);
      if (applicationId !== STORE_APPLICATION_ID && (applicationId !== 0 || objects > 0)) {
        throw new SyslogConnectorError('STORE_CORRUPT', `The file ${file} is a SQLite database of another application, not a syslog-connector store.`, {
          path: STATE_DIR_CONFIG_PATH,
          hint: 'point `stateDir` to a folder of its own; the connector never writes over a database it did not create',
        });
      }
      if (version > SCHEMA_VERSION) {
        throw new SyslogConnectorError(
          'STORE_UNAVAILABLE',
          `The store ${file} has schema version ${version}; this version of syslog-connector knows up to ${SCHEMA_VERSION}.`,
          { path: STATE_DIR_CONFIG_PATH, hint: 'run the syslog-connector release that wrote this store, or a newer one' },
        );
      }
      // WAL: readers never block the writer and a commit is one append to the -wal file.
      // synchronous=NORMAL in WAL mode fsyncs at checkpoints, not at each commit: a commit is in the OS page cache
      // when COMMIT returns, so it survives the process dying (SIGKILL, OOM); an OS crash or power loss may roll
      // back the last commits, and the database stays consistent either way (https://sqlite.org/pragma.html#pragma_synchronous).
      const mode = db.prepare('PRAGMA journal_mode = WAL').get()?.['journal_mode'];
      if (mode !== 'wal') {
        throw new SyslogConnectorError('STORE_UNAVAILABLE', `The store ${file} cannot use write-ahead logging (journal mode "${String(mode)}").`, {
          path: STATE_DIR_CONFIG_PATH,
          hint: 'put `stateDir` on a local file system (WAL needs shared memory; network file systems do not provide it)',
        });
      }
      db.exec(`PRAGMA synchronous = ${options.fsync === true ? 'FULL' : 'NORMAL'}; PRAGMA journal_size_limit = ${WAL_SIZE_LIMIT_BYTES};`);
      const from = migrateSchema(db);
      continueAfterLogHead(db);
      const journal = new SqliteJournal(db, file, options);
      options.logger?.info(
        { path: file, schemaVersion: SCHEMA_VERSION, ...(from === SCHEMA_VERSION ? {} : { migratedFrom: from }), head: journal.#headSync() },
        'Store opened.',
      );
      return journal;
    } catch (error) {
      try {
        db?.close();
      } catch {
        // The open failure is the error worth reporting.
      }
      throw toStoreError(error, file, 'opening');
    }
  }

  /**
   * The connection, for the log engine (`LogJournal`), which keeps its cursors, checkpoint copies and marks in this
   * database. Not for other callers: every statement on it runs inside this journal's single-connection discipline.
   */
  get database(): DatabaseSync {
    this.#live();
    return this.#db;
  }

  /** The `StateStore` on this database; it lives and closes with the journal. */
  get state(): SqliteStateStore {
    this.#live();
    this.#state ??= new SqliteStateStore(this.#db, this.path);
    return this.#state;
  }

  async checkpoint(source: string): Promise<Checkpoint | undefined> {
    this.#live();
    let row: { json: string } | undefined;
    try {
      row = this.#selectCheckpoint.get(source) as { json: string } | undefined;
    } catch (error) {
      throw toStoreError(error, this.path, `reading the checkpoint of source "${source}"`);
    }
    return row === undefined ? undefined : (this.#parse(row.json, `checkpoint of source "${source}"`) as Checkpoint);
  }

  async append(source: string, events: readonly SecurityEvent[], checkpoint: Checkpoint): Promise<AppendResult> {
    this.#live();
    // Serialised before the transaction: an event that cannot be stored stores nothing of its batch, nor the
    // checkpoint, so the source re-reads the page from its previous checkpoint.
    if (typeof source !== 'string' || source === '') throw new TypeError('append(): source must be a non-empty string');
    const serialized = events.map((event) => this.#serializer.event(source, event));
    const stored = this.#store(source, serialized, this.#serializer.checkpoint(source, checkpoint));
    this.#recent.stored(source, events, stored.seqs, stored.removedThrough, serialized.map((row) => row.json.length));
    return { appended: stored.appended, duplicates: stored.duplicates };
  }

  /**
   * Stores serialised events and the checkpoint in one transaction. Reports the seq of each event (0: a
   * duplicate) and the highest seq a drop or a compaction may have removed, for the in-memory tail.
   */
  #store(source: string, events: readonly SerializedJournalEvent[], checkpoint: string): { appended: number; duplicates: number; seqs: number[]; removedThrough: number } {
    try {
      let removedThrough = 0;
      if (this.#maxBytes !== undefined && this.#policy === 'block' && events.length > 0 && this.#overBudget()) {
        removedThrough = this.#compactSync().through;
        if (this.#overBudget()) {
          // The batch is not stored and the checkpoint stays: the source reads the same page again later.
          throw new SyslogConnectorError('STORE_UNAVAILABLE', `The journal ${this.path} is full (budget ${this.#maxBytes} bytes reached).`, {
            path: 'journal.maxSize',
            hint: 'sources pause until the destinations catch up; raise `journal.maxSize` or fix the destination that lags',
          });
        }
      }
      return this.#transaction(() => {
        // A key already held — from an earlier batch or earlier in this one — is a duplicate from an overlapping
        // poll window (DESIGN §2).
        const held = new Set<string>();
        if (events.length > 0) {
          const rows = this.#heldKeys.all(source, JSON.stringify(events.map((event) => event.key))) as Array<{ key: string }>;
          for (const row of rows) held.add(row.key);
        }
        const fresh: number[] = [];
        for (let i = 0; i < events.length; i += 1) {
          const key = (events[i] as SerializedJournalEvent).key;
          if (held.has(key)) continue;
          held.add(key);
          fresh.push(i);
        }
        // Many rows per statement: most of a one-row insert's cost is the statement, not the row.
        const seqs: number[] = new Array<number>(events.length).fill(0);
        for (let from = 0; from < fresh.length; from += INSERT_ROWS) {
          const chunk = fresh.slice(from, from + INSERT_ROWS);
          const parameters: Array<string | number> = [];
          for (const i of chunk) {
            const event = events[i] as SerializedJournalEvent;
            parameters.push(source, event.key, event.type, event.time, event.json);
          }
          // A plain INSERT: the keys were checked above in this same write transaction, so a conflict here would
          // be a bug, and it fails loudly (the batch rolls back) instead of numbering events wrongly.
          const { lastInsertRowid } = this.#insertStatement(chunk.length).run(...parameters);
          // The rows of one INSERT … VALUES take consecutive seqs in their order; the last one is lastInsertRowid.
          const first = Number(lastInsertRowid) - chunk.length + 1;
          chunk.forEach((i, n) => (seqs[i] = first + n));
        }
        const appended = fresh.length;
        this.#upsertCheckpoint.run(source, checkpoint);
        // Same transaction: the drop and its count commit with the events that caused it, or not at all.
        if (this.#maxBytes !== undefined && this.#policy === 'drop-oldest' && appended > 0) {
          removedThrough = Math.max(removedThrough, this.#dropOldestSync());
        }
        return { appended, duplicates: events.length - appended, seqs, removedThrough };
      });
    } catch (error) {
      throw toStoreError(error, this.path, `storing events of source "${source}"`);
    }
  }

  async read(destination: string, options: JournalReadOptions): Promise<readonly JournalEntry[]> {
    this.#live();
    const { limit, sources } = options;
    checkReadOptions(options);
    if (limit === 0) return [];
    const after = options.after ?? (await this.progress(destination)).cursor;
    // A destination that keeps up reads the newest events from memory, exactly as the store would answer.
    if (this.#recent.covers(after)) return this.#recent.read(after, limit, sources === undefined ? undefined : new Set(sources));
    const rows = this.#readStored(destination, after, limit, sources);
    return rows.map((row) => ({ seq: row.seq, event: this.#parse(row.json, `event #${row.seq}`) as SecurityEvent }));
  }

  /** `read` from the database: the events as stored (JSON), after `cursor`. */
  #readStored(destination: string, cursor: number, limit: number, sources: readonly string[] | undefined): readonly StoredEventRow[] {
    try {
      if (sources === undefined) return this.#readAll.all(cursor, limit) as unknown as StoredEventRow[];
      // One indexed range per source (events_by_source), merged by seq: a destination limited to some sources
      // never scans the other sources' backlog.
      const rows: StoredEventRow[] = [];
      for (const source of new Set(sources)) {
        rows.push(...(this.#readSource.all(source, cursor, limit) as unknown as StoredEventRow[]));
      }
      rows.sort(bySeq);
      if (rows.length > limit) rows.length = limit;
      return rows;
    } catch (error) {
      throw toStoreError(error, this.path, `reading for destination "${destination}"`);
    }
  }

  async ack(destination: string, seq: number, delivered: number): Promise<void> {
    this.#live();
    checkAckArguments(seq, delivered);
    try {
      const head = this.#headSync();
      // A cursor past the head would silently skip the events stored next: a caller bug, refused loudly.
      if (seq > head) throw new RangeError(`ack(): seq ${seq} is past the journal head ${head}`);
      this.#ack.run(destination, seq, delivered);
    } catch (error) {
      if (error instanceof RangeError) throw error;
      throw toStoreError(error, this.path, `moving the cursor of destination "${destination}"`);
    }
  }

  async deadLetter(destination: string, entry: JournalEntry, reason: string): Promise<void> {
    this.#live();
    const { event } = entry;
    try {
      this.#transaction(() => {
        const json = JSON.stringify(event);
        const { changes } = this.#insertDeadLetter.run(destination, entry.seq, event.source, event.key, reason, json, this.#now());
        if (Number(changes) > 0) this.#countDeadLetter.run(destination);
      });
    } catch (error) {
      throw toStoreError(error, this.path, `dead-lettering event #${entry.seq} for destination "${destination}"`);
    }
  }

  async deadLetterAtSource(source: string, letters: readonly SourceDeadLetter[]): Promise<number> {
    this.#live();
    let stored = 0;
    try {
      this.#transaction(() => {
        for (const letter of letters) {
          const { changes } = this.#insertSourceDeadLetter.run(source, letter.key, letter.reason, letter.excerpt, letter.time, this.#now());
          stored += Number(changes);
        }
      });
    } catch (error) {
      throw toStoreError(error, this.path, `dead-lettering ${letters.length} item(s) of source "${source}"`);
    }
    return stored;
  }

  async sourceDeadLetterCount(source: string): Promise<number> {
    this.#live();
    try {
      return Number((this.#countSourceDeadLetters.get(source) as { n: number } | undefined)?.n ?? 0);
    } catch (error) {
      throw toStoreError(error, this.path, `counting dead letters of source "${source}"`);
    }
  }

  /** The dead letters of a destination, oldest first. */
  async deadLetters(destination: string, options: { readonly limit?: number } = {}): Promise<readonly DeadLetter[]> {
    this.#live();
    const limit = options.limit ?? 1_000;
    if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`deadLetters(): limit must be a non-negative integer, got ${limit}`);
    let rows: DeadLetterRow[];
    try {
      rows = this.#selectDeadLetters.all(destination, limit) as unknown as DeadLetterRow[];
    } catch (error) {
      throw toStoreError(error, this.path, `reading dead letters of destination "${destination}"`);
    }
    return rows.map((row) => ({
      id: row.id,
      destination,
      seq: row.seq,
      source: row.source,
      key: row.key,
      reason: row.reason,
      event: this.#parse(row.event, `dead letter #${row.id}`) as SecurityEvent,
      at: row.at,
    }));
  }

  /** The dead letters of both kinds, newest first (`Journal.listDeadLetters`). */
  async listDeadLetters(query: DeadLetterQuery): Promise<readonly ListedDeadLetter[]> {
    this.#live();
    const { limit } = query;
    if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`listDeadLetters(): limit must be a non-negative integer, got ${limit}`);
    try {
      const destinationRows = (
        query.destination === undefined
          ? this.#db.prepare('SELECT id, destination, seq, source, key, reason, event, at FROM dead_letters ORDER BY at DESC, id DESC LIMIT ?').all(limit)
          : this.#db.prepare('SELECT id, destination, seq, source, key, reason, event, at FROM dead_letters WHERE destination = ? ORDER BY at DESC, id DESC LIMIT ?').all(query.destination, limit)
      ) as unknown as Array<DeadLetterRow & { destination: string }>;
      const sourceRows = (
        query.destination === undefined
          ? this.#db.prepare('SELECT source, key, reason, excerpt, time, at FROM source_dead_letters ORDER BY at DESC LIMIT ?').all(limit)
          : []
      ) as unknown as Array<{ source: string; key: string; reason: string; excerpt: string; time: number; at: number }>;
      const letters: Array<ListedDeadLetter & { readonly at: number }> = [
        ...destinationRows.map((row) => ({ ...this.#destinationLetter(row), at: row.at })),
        ...sourceRows.map((row) => ({ kind: 'source' as const, source: row.source, key: row.key, reason: row.reason, excerpt: row.excerpt, time: row.time, at: row.at })),
      ];
      // Newest dead-lettered first; `at` is when the journal kept it, for both kinds.
      return letters
        .sort((a, b) => b.at - a.at)
        .slice(0, limit)
        .map(({ at: _at, ...letter }) => letter as ListedDeadLetter);
    } catch (error) {
      throw toStoreError(error, this.path, 'listing dead letters');
    }
  }

  /**
   * Re-drives one destination dead letter (`Journal.redriveDeadLetter`): `deliver` sends it, then the row is
   * removed. The row stays until `deliver` resolved, so a crash or a failed send loses nothing.
   */
  async redriveDeadLetter(id: number, deliver: (letter: DestinationDeadLetter) => Promise<void>): Promise<boolean> {
    this.#live();
    if (this.#redriving.has(id)) return false;
    let row: (DeadLetterRow & { destination: string }) | undefined;
    try {
      row = this.#db.prepare('SELECT id, destination, seq, source, key, reason, event, at FROM dead_letters WHERE id = ?').get(id) as unknown as
        | (DeadLetterRow & { destination: string })
        | undefined;
    } catch (error) {
      throw toStoreError(error, this.path, `reading dead letter #${id}`);
    }
    if (row === undefined) return false;
    this.#redriving.add(id);
    try {
      await deliver(this.#destinationLetter(row));
      this.#live();
      try {
        this.#db.prepare('DELETE FROM dead_letters WHERE id = ?').run(id);
      } catch (error) {
        throw toStoreError(error, this.path, `removing re-driven dead letter #${id}`);
      }
      return true;
    } finally {
      this.#redriving.delete(id);
    }
  }

  #destinationLetter(row: DeadLetterRow & { destination: string }): DestinationDeadLetter {
    return destinationDeadLetter({ ...row, event: this.#parse(row.event, `dead letter #${row.id}`) as SecurityEvent });
  }

  async head(): Promise<number> {
    this.#live();
    try {
      return this.#headSync();
    } catch (error) {
      throw toStoreError(error, this.path, 'reading the journal head');
    }
  }

  async progress(destination: string): Promise<DestinationProgress> {
    this.#live();
    let row: CursorRow;
    try {
      row = this.#cursorSync(destination);
    } catch (error) {
      throw toStoreError(error, this.path, `reading the cursor of destination "${destination}"`);
    }
    return { destination, cursor: row.seq, delivered: row.delivered, deadLettered: row.dead_lettered, dropped: row.dropped };
  }

  async backlog(consumer: JournalConsumer): Promise<Backlog> {
    this.#live();
    try {
      const cursor = this.#cursorSync(consumer.destination).seq;
      const sources = consumer.sources;
      const filter = sources === undefined ? '' : ` AND source IN (${sources.map(() => '?').join(', ')})`;
      const row = this.#db
        .prepare(`SELECT count(*) AS n, (SELECT time FROM events WHERE seq > ?${filter} ORDER BY seq LIMIT 1) AS oldest FROM events WHERE seq > ?${filter}`)
        .get(cursor, ...(sources ?? []), cursor, ...(sources ?? [])) as { n: number; oldest: number | null };
      return { events: Number(row.n), oldestTime: row.oldest === null ? undefined : Number(row.oldest) };
    } catch (error) {
      throw toStoreError(error, this.path, `measuring the backlog of destination "${consumer.destination}"`);
    }
  }

  async setConsumers(consumers: readonly JournalConsumer[]): Promise<void> {
    this.#live();
    this.#consumers = normalizeConsumers(consumers);
  }

  /**
   * Removes the events that every consumer wanting their source has passed (DESIGN §2: delivered events are
   * compacted away). Dead letters keep their own copy. Without `setConsumers` nothing is removed: a cursor that is
   * not known could still need anything.
   */
  async compact(): Promise<number> {
    this.#live();
    try {
      return this.#compactSync().removed;
    } catch (error) {
      throw toStoreError(error, this.path, 'compacting delivered events');
    }
  }

  async usage(): Promise<JournalUsage> {
    this.#live();
    try {
      const bytes = this.#usedBytes();
      return {
        bytes,
        maxBytes: this.#maxBytes,
        policy: this.#policy,
        full: this.#maxBytes !== undefined && this.#policy === 'block' && bytes >= this.#maxBytes,
      };
    } catch (error) {
      throw toStoreError(error, this.path, 'measuring its size');
    }
  }

  async info(): Promise<StoreInfo> {
    this.#live();
    const pragma = (name: string): unknown => this.#db.prepare(`PRAGMA ${name}`).get()?.[name === 'busy_timeout' ? 'timeout' : name];
    try {
      const synchronous = Number(pragma('synchronous'));
      return {
        path: this.path,
        schemaVersion: Number(pragma('user_version')),
        journalMode: String(pragma('journal_mode')),
        synchronous: SYNCHRONOUS_LEVELS[synchronous] ?? String(synchronous),
        busyTimeoutMs: Number(pragma('busy_timeout')),
      };
    } catch (error) {
      throw toStoreError(error, this.path, 'reading its settings');
    }
  }

  /** Closes the database (SQLite checkpoints the WAL into the main file). Calling it again does nothing. */
  async close(): Promise<void> {
    if (!this.#db.isOpen) return;
    try {
      this.#db.close();
    } catch (error) {
      throw toStoreError(error, this.path, 'closing');
    } finally {
      // After the database: the next daemon may only start once this one's last write is on disk.
      this.#heldLock?.release();
    }
    this.#logger?.info({ path: this.path }, 'Store closed.');
  }

  #live(): void {
    if (!this.#db.isOpen) throw storeClosed(this.path);
  }

  #usedBytes(): number {
    return Number((this.#usedPages.get() as { n: number }).n) * this.#pageSize;
  }

  #overBudget(): boolean {
    return this.#maxBytes !== undefined && this.#usedBytes() >= this.#maxBytes;
  }

  #compactionBounds(): Map<string, number> | undefined {
    if (this.#consumers === undefined) return undefined;
    const sources = (this.#db.prepare('SELECT source FROM checkpoints').all() as Array<{ source: string }>).map((r) => r.source);
    return compactionBounds(this.#consumers, sources, this.#headSync(), (destination) => this.#cursorSync(destination).seq);
  }

  /** Deletes a source's events up to `bound`, keeping their keys (recent ones) for de-duplication. */
  #removeDelivered(source: string, bound: number): number {
    this.#compactStatements ??= {
      copyKeys: this.#db.prepare('INSERT OR IGNORE INTO compacted_keys (source, key, at) SELECT source, key, ? FROM events WHERE source = ? AND seq <= ?'),
      remove: this.#db.prepare('DELETE FROM events WHERE source = ? AND seq <= ?'),
    };
    this.#compactStatements.copyKeys.run(this.#now(), source, bound);
    return Number(this.#compactStatements.remove.run(source, bound).changes);
  }

  #compactSync(): { removed: number; through: number } {
    const bounds = this.#compactionBounds();
    if (bounds === undefined) return { removed: 0, through: 0 };
    let removed = 0;
    let through = 0;
    this.#transaction(() => {
      for (const [source, bound] of bounds) {
        // Events appended later get higher seqs than any bound already used: nothing at or under it is left.
        if (bound <= (this.#compactedThrough.get(source) ?? 0)) continue;
        const n = this.#removeDelivered(source, bound);
        this.#compactedThrough.set(source, bound);
        removed += n;
        if (n > 0) through = Math.max(through, bound);
      }
      const now = this.#now();
      if (now - this.#lastKeyPrune >= KEY_PRUNE_INTERVAL_MS) {
        this.#lastKeyPrune = now;
        this.#db.prepare('DELETE FROM compacted_keys WHERE at < ?').run(now - this.#keyRetentionMs);
      }
    });
    // What every reader has passed is gone from the store: the in-memory tail starts after it too.
    if (through > 0) this.#recent.evictThrough(through);
    return { removed, through };
  }

  /**
   * drop-oldest: inside the append's transaction, removes the oldest events until the journal is back under its
   * budget, and counts for each destination the ones it had not delivered yet (logged per destination). Returns
   * the highest seq it may have removed (0: none), for the in-memory tail.
   */
  #dropOldestSync(): number {
    const max = this.#maxBytes as number;
    if (this.#usedBytes() < max) return 0;
    let through = 0;
    // Delivered events go first: they cost nothing.
    const bounds = this.#compactionBounds();
    if (bounds !== undefined) {
      for (const [source, bound] of bounds) if (this.#removeDelivered(source, bound) > 0) through = Math.max(through, bound);
    }
    const dropped = new Map<string, number>();
    const oldest = this.#db.prepare('SELECT min(seq) AS lo, max(seq) AS hi, count(*) AS n FROM (SELECT seq FROM events ORDER BY seq LIMIT ?)');
    const remove = this.#db.prepare('DELETE FROM events WHERE seq BETWEEN ? AND ?');
    for (let round = 0; round < 64 && this.#usedBytes() >= max; round += 1) {
      // Aim 10% under the budget so the next appends do not drop again at once; one page at least.
      const excess = this.#usedBytes() - max * 0.9;
      const { n: total } = this.#db.prepare('SELECT count(*) AS n FROM events').get() as { n: number };
      if (total <= 0) break;
      const perEvent = this.#usedBytes() / total;
      const take = Math.max(1, Math.min(total, Math.ceil(excess / perEvent)));
      const range = oldest.get(take) as { lo: number; hi: number; n: number };
      for (const consumer of this.#consumers ?? []) {
        const cursor = this.#cursorSync(consumer.destination).seq;
        const lo = Math.max(range.lo, cursor + 1);
        if (lo > range.hi) continue;
        let lost: number;
        if (consumer.sources === undefined) {
          lost = Number((this.#db.prepare('SELECT count(*) AS n FROM events WHERE seq BETWEEN ? AND ?').get(lo, range.hi) as { n: number }).n);
        } else {
          const marks = consumer.sources.map(() => '?').join(', ');
          lost = Number(
            (this.#db.prepare(`SELECT count(*) AS n FROM events WHERE seq BETWEEN ? AND ? AND source IN (${marks})`).get(lo, range.hi, ...consumer.sources) as { n: number }).n,
          );
        }
        if (lost > 0) dropped.set(consumer.destination, (dropped.get(consumer.destination) ?? 0) + lost);
      }
      remove.run(range.lo, range.hi);
      through = Math.max(through, range.hi);
    }
    const count = this.#db.prepare(
      'INSERT INTO cursors (destination, dropped) VALUES (?, ?) ON CONFLICT (destination) DO UPDATE SET dropped = dropped + excluded.dropped',
    );
    for (const [destination, n] of dropped) {
      count.run(destination, n);
      this.#logger?.warn({ destination, dropped: n, maxBytes: max }, 'Journal full: oldest undelivered events dropped (whenFull: drop-oldest).');
    }
    return through;
  }

  #insertStatement(rows: number): StatementSync {
    let statement = this.#insertRows.get(rows);
    if (statement === undefined) {
      const values = Array.from({ length: rows }, () => '(?, ?, ?, ?, ?)').join(', ');
      statement = this.#db.prepare(`INSERT INTO events (source, key, type, time, json) VALUES ${values}`);
      this.#insertRows.set(rows, statement);
    }
    return statement;
  }

  #headSync(): number {
    const row = this.#selectHead.get() as { seq: number } | undefined;
    return row?.seq ?? 0;
  }

  #cursorSync(destination: string): CursorRow {
    return (this.#selectCursor.get(destination) as CursorRow | undefined) ?? { seq: 0, delivered: 0, dead_lettered: 0, dropped: 0 };
  }

  /** BEGIN IMMEDIATE takes the write lock up front, so a busy database waits (busy_timeout) instead of failing mid-way. */
  #transaction<T>(work: () => T): T {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.#db.exec('COMMIT');
      return result;
    } catch (error) {
      try {
        if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      } catch {
        // SQLite already rolled back (e.g. after SQLITE_FULL); the original error is the one to report.
      }
      throw error;
    }
  }

  #parse(json: string, what: string): unknown {
    return parseStored(json, what, this.path);
  }

}
