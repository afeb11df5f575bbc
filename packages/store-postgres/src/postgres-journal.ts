import pg from 'pg';
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
  type JournalConsumer,
  type JournalEntry,
  type JournalFullPolicy,
  type JournalReadOptions,
  type JournalUsage,
  type ListedDeadLetter,
  type Logger,
  type SecurityEvent,
  type SourceDeadLetter,
  type StateStore,
  parseJson,
} from '@syslog-connector/core';
import {
  JournalSerializer,
  checkAckArguments,
  checkReadOptions,
  destinationDeadLetter,
  type StoredDeadLetter,
  type SerializedJournalEvent,
} from '@syslog-connector/core/engine';
import { FencingTokens, LeaseLostError, leaseName } from './fencing.js';
import { DEFAULT_SCHEMA, migrateSchema, quoteIdentifier, SCHEMA_VERSION } from './schema-migrations.js';
import { describeTarget, redactUrl, STORE_URL_CONFIG_PATH, toStoreError } from './store-error.js';

export interface PostgresJournalOptions {
  /** The connection string (`postgres://user:password@host:port/database`): a secret, never logged. */
  readonly url: string;
  /** The PostgreSQL schema of the store's tables; default `syslog_connector` (created when missing). */
  readonly schema?: string;
  readonly logger?: Logger;
  /** Timestamps of dead letters and compacted keys. Default: `Date.now`. */
  readonly clock?: Pick<Clock, 'now'>;
  /**
   * Budget of the shared journal in bytes: the stored events' JSON, keys and a per-row overhead (the table files
   * themselves keep their size until VACUUM reuses it). Default: unbounded.
   */
  readonly maxBytes?: number;
  /** `block` (default): appends are refused and sources pause; `drop-oldest`: the oldest events go, counted per destination. */
  readonly whenFull?: JournalFullPolicy;
  /** How long the key of a compacted event is kept against overlapping poll windows. Default 48 h. */
  readonly keyRetentionMs?: number;
  /** Connections of this daemon's pool. Default 4. */
  readonly poolSize?: number;
  /** How long connecting may take before a statement fails as unreachable. Default 5000 ms. */
  readonly connectTimeoutMs?: number;
  /**
   * `idle_in_transaction_session_timeout` and `lock_timeout` of this daemon's connections. A daemon paused (SIGSTOP,
   * GC) inside a transaction holds its row locks; the server ends its session after this long, so the others' writes
   * and a takeover wait no longer than that. Keep it under the lease timeout (the host uses a quarter). Default 5000 ms.
   */
  readonly sessionTimeoutMs?: number;
  /** Who this daemon is in the leases (`holder`); default `<hostname>:<pid>`-like id from the coordinator. */
  readonly holder?: string;
  /** The fencing tokens the lease coordinator keeps; writes check them. Default: a set nobody enforces (single daemon). */
  readonly fencing?: FencingTokens;
  /** A lock this journal holds for its owner (the daemon's local `stateDir` lock): released once the pool is closed. */
  readonly heldLock?: { release(): void };
}

/** The settings in force on the server (for `status` and tests). The connection string is never part of it. */
export interface PostgresStoreInfo {
  /** host:port/database. */
  readonly target: string;
  readonly schema: string;
  readonly schemaVersion: number;
  readonly serverVersion: string;
  /** `SHOW synchronous_commit`: `on` (default) makes a commit durable before it returns. */
  readonly synchronousCommit: string;
}

/**
 * A dead letter as `listDeadLetters` lists it: the shapes of core's `DestinationDeadLetter` and
 * `SourceDeadLetterEntry` (the console's dead letters, issue #17), so this store answers that optional contract.
 */
export type ListedPostgresDeadLetter = ListedDeadLetter;

/** How long a re-drive claims a dead letter against other daemons (a daemon that dies mid-way frees it then). */
const REDRIVE_CLAIM = '60 seconds';

/** An event a destination could not format, kept with the reason (never silently dropped). */
export type PostgresDeadLetter = StoredDeadLetter;

const DEFAULT_KEY_RETENTION_MS = 48 * 3_600_000;
const KEY_PRUNE_INTERVAL_MS = 60_000;
/** Bytes counted per stored event on top of its JSON, key, type and source (tuple header, index entries). */
const ROW_OVERHEAD_BYTES = 96;
const INT8_OID = 20;

interface CursorRow {
  readonly seq: number;
  readonly delivered: number;
  readonly dead_lettered: number;
  readonly dropped: number;
}

type Queryable = pg.PoolClient | pg.Pool;

/** What `octet_length` gives for a stored event: the budget's unit, the same in JS (insert) and SQL (delete). */
const rowBytes = (source: string, event: SerializedJournalEvent): number =>
  Buffer.byteLength(event.json) + Buffer.byteLength(event.key) + Buffer.byteLength(event.type) + Buffer.byteLength(source) + ROW_OVERHEAD_BYTES;
const ROW_BYTES_SQL = `octet_length(json) + octet_length(key) + octet_length(type) + octet_length(source) + ${ROW_OVERHEAD_BYTES}`;

/**
 * The durable journal (DESIGN §2) in PostgreSQL, shared by several daemons (issue #19). The same contract as the
 * SQLite store: events appended with their checkpoint in one transaction, de-duplicated per (source, key), one
 * cursor per destination, dead letters, compaction and a byte budget.
 *
 * Several daemons append at once, so an append locks the `journal_head` row while it numbers and inserts its events:
 * seqs are committed in the order they are drawn and a destination reading after its cursor never skips an event a
 * slower transaction commits later. Every write of a source or destination checks, in its own transaction and under
 * a share lock of the lease row, that this daemon still holds that part's lease with the same fencing token
 * (`FencingTokens`): a daemon that was paused past its lease writes nothing afterwards.
 */
export class PostgresJournal implements Journal {
  readonly capabilities: JournalCapabilities = { durable: true, compaction: true, budget: true };
  readonly schema: string;
  readonly holder: string;
  readonly fencing: FencingTokens;
  readonly #pool: pg.Pool;
  readonly #url: string;
  readonly #logger: Logger | undefined;
  readonly #heldLock: { release(): void } | undefined;
  readonly #now: () => number;
  readonly #maxBytes: number | undefined;
  readonly #policy: JournalFullPolicy;
  readonly #keyRetentionMs: number;
  readonly #serializer: JournalSerializer;
  #consumers: readonly JournalConsumer[] | undefined;
  #lastKeyPrune = 0;
  #closed = false;
  #state: PostgresStateStore | undefined;

  private constructor(pool: pg.Pool, options: PostgresJournalOptions, schema: string) {
    this.#pool = pool;
    this.#url = options.url;
    this.schema = schema;
    this.#logger = options.logger;
    this.#serializer = new JournalSerializer(options.logger);
    this.#heldLock = options.heldLock;
    const clock = options.clock;
    this.#now = clock === undefined ? Date.now : () => clock.now();
    if (options.maxBytes !== undefined && (!Number.isSafeInteger(options.maxBytes) || options.maxBytes <= 0)) {
      throw new RangeError(`maxBytes must be a positive integer, got ${options.maxBytes}`);
    }
    this.#maxBytes = options.maxBytes;
    this.#policy = options.whenFull ?? 'block';
    this.#keyRetentionMs = options.keyRetentionMs ?? DEFAULT_KEY_RETENTION_MS;
    this.fencing = options.fencing ?? new FencingTokens();
    this.holder = options.holder ?? `pid-${process.pid}`;
  }

  /**
   * Connects, creates or migrates the schema (under an advisory lock: daemons starting at once do not race) and
   * returns the journal. Throws `STORE_UNAVAILABLE` naming host, port and database — never the user or password —
   * when the server cannot be reached or refuses.
   */
  static async open(options: PostgresJournalOptions): Promise<PostgresJournal> {
    const schema = options.schema ?? DEFAULT_SCHEMA;
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new RangeError(`schema must be a lower-case SQL identifier, got ${schema}`);
    const sessionTimeout = options.sessionTimeoutMs ?? 5_000;
    if (!Number.isSafeInteger(sessionTimeout) || sessionTimeout < 100) throw new RangeError(`sessionTimeoutMs must be an integer of 100 or more, got ${sessionTimeout}`);
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 4,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      idleTimeoutMillis: 30_000,
      // Which daemon a connection is, in pg_stat_activity and the server log (and a test's audit triggers).
      application_name: `syslog-connector ${options.holder ?? `pid-${process.pid}`}`.slice(0, 63),
      options: `-c search_path=${schema} -c idle_in_transaction_session_timeout=${sessionTimeout} -c lock_timeout=${sessionTimeout}`,
      // bigint columns (seq, counts, epoch ms) come back as numbers: all of them stay far below 2^53.
      types: { getTypeParser: ((oid: number, format?: string) => (oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser },
    });
    // An idle connection the server dropped (a restart, a partition) errors here: the pool discards it and the
    // next query opens a new one. Without a listener the error would end the process.
    pool.on('error', (error) => {
      options.logger?.warn({ error: redactUrl(error.message, options.url) }, 'PostgreSQL store: an idle connection was closed; the next query reconnects.');
    });
    let journal: PostgresJournal;
    try {
      const client = await pool.connect();
      try {
        const from = await migrateSchema(
          client,
          schema,
          (found) =>
            new SyslogConnectorError(
              'STORE_UNAVAILABLE',
              `The PostgreSQL store at ${describeTarget(options.url)} has schema version ${found}; this version of syslog-connector knows up to ${SCHEMA_VERSION}.`,
              { path: STORE_URL_CONFIG_PATH, hint: 'run the syslog-connector release that wrote this store, or a newer one, on every daemon' },
            ),
        );
        journal = new PostgresJournal(pool, options, schema);
        const head = await journal.#headOf(client);
        options.logger?.info(
          { store: describeTarget(options.url), schema, schemaVersion: SCHEMA_VERSION, ...(from === SCHEMA_VERSION ? {} : { migratedFrom: from }), head },
          'Store opened.',
        );
      } finally {
        client.release();
      }
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw toStoreError(error, options.url, 'opening');
    }
    return journal;
  }

  /** The `StateStore` on this database; it lives and closes with the journal. */
  get state(): StateStore {
    this.#live();
    this.#state ??= new PostgresStateStore(this);
    return this.#state;
  }

  /** Runs `work` on a pooled connection (internal: the state store and the lease coordinator share the pool). */
  async withClient<T>(action: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    this.#live();
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw toStoreError(error, this.#url, action);
    }
    let broken: Error | undefined;
    // The server may end the connection while it is checked out between two queries (a restart, a partition): the
    // client then emits 'error', which would end the process without a listener. The next query fails instead.
    const onError = (error: Error): void => {
      broken = error;
    };
    client.on('error', onError);
    try {
      const result = await work(client);
      if (broken !== undefined) throw broken;
      return result;
    } catch (error) {
      // A connection that failed mid-way may be unusable (a restart): it is destroyed, not put back.
      broken = error instanceof Error ? error : new Error(String(error));
      throw toStoreError(error, this.#url, action);
    } finally {
      client.off('error', onError);
      client.release(broken !== undefined && !SyslogConnectorError.is(broken) ? broken : undefined);
    }
  }

  /** `work` in one transaction; rolled back on any error. */
  async transaction<T>(action: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.withClient(action, async (client) => {
      await client.query('BEGIN');
      try {
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  async checkpoint(source: string): Promise<Checkpoint | undefined> {
    const row = await this.withClient(`reading the checkpoint of source "${source}"`, async (client) =>
      (await client.query<{ json: string }>('SELECT json FROM checkpoints WHERE source = $1', [source])).rows[0],
    );
    return row === undefined ? undefined : (this.#parse(row.json, `checkpoint of source "${source}"`) as Checkpoint);
  }

  async append(source: string, events: readonly SecurityEvent[], checkpoint: Checkpoint): Promise<AppendResult> {
    this.#live();
    if (typeof source !== 'string' || source === '') throw new TypeError('append(): source must be a non-empty string');
    const serialized = events.map((event) => this.#serializer.event(source, event));
    const checkpointJson = this.#serializer.checkpoint(source, checkpoint);
    if (this.#maxBytes !== undefined && this.#policy === 'block' && serialized.length > 0 && (await this.#bytes()) >= this.#maxBytes) {
      await this.compact();
      if ((await this.#bytes()) >= this.#maxBytes) {
        throw new SyslogConnectorError('STORE_UNAVAILABLE', `The journal at ${describeTarget(this.#url)} is full (budget ${this.#maxBytes} bytes reached).`, {
          path: 'journal.maxSize',
          hint: 'sources pause until the destinations catch up; raise `journal.maxSize` or fix the destination that lags',
        });
      }
    }
    return this.transaction(`storing events of source "${source}"`, async (client) => {
      await this.#checkLease(client, leaseName('source', source));
      // The head row lock orders appends: seqs are committed in the order they are drawn.
      const { rows: headRows } = await client.query<{ seq: number }>('SELECT seq FROM journal_head WHERE id = 1 FOR UPDATE');
      let seq = headRows[0]?.seq ?? 0;
      const held = new Set<string>();
      if (serialized.length > 0) {
        const keys = serialized.map((event) => event.key);
        const { rows } = await client.query<{ key: string }>(
          'SELECT key FROM events WHERE source = $1 AND key = ANY($2::text[]) UNION SELECT key FROM compacted_keys WHERE source = $1 AND key = ANY($2::text[])',
          [source, keys],
        );
        for (const row of rows) held.add(row.key);
      }
      const fresh: SerializedJournalEvent[] = [];
      for (const event of serialized) {
        if (held.has(event.key)) continue;
        held.add(event.key);
        fresh.push(event);
      }
      if (fresh.length > 0) {
        const seqs = fresh.map(() => (seq += 1));
        await client.query(
          'INSERT INTO events (seq, source, key, type, time, json) SELECT s, $1, k, t, tm, j FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::text[]) AS u(s, k, t, tm, j)',
          [source, seqs, fresh.map((e) => e.key), fresh.map((e) => e.type), fresh.map((e) => e.time), fresh.map((e) => e.json)],
        );
        const bytes = fresh.reduce((sum, event) => sum + rowBytes(source, event), 0);
        await client.query('UPDATE journal_head SET seq = $1, bytes = bytes + $2 WHERE id = 1', [seq, bytes]);
      }
      await client.query('INSERT INTO checkpoints (source, json) VALUES ($1, $2) ON CONFLICT (source) DO UPDATE SET json = excluded.json', [source, checkpointJson]);
      if (this.#maxBytes !== undefined && this.#policy === 'drop-oldest' && fresh.length > 0) await this.#dropOldest(client, this.#maxBytes);
      return { appended: fresh.length, duplicates: serialized.length - fresh.length };
    });
  }

  async read(destination: string, options: JournalReadOptions): Promise<readonly JournalEntry[]> {
    this.#live();
    const { limit, sources } = options;
    checkReadOptions(options);
    if (limit === 0) return [];
    const rows = await this.withClient(`reading for destination "${destination}"`, async (client) => {
      const after = options.after ?? (await this.#cursor(client, destination)).seq;
      if (sources === undefined) {
        return (await client.query<{ seq: number; json: string }>('SELECT seq, json FROM events WHERE seq > $1 ORDER BY seq LIMIT $2', [after, limit])).rows;
      }
      return (
        await client.query<{ seq: number; json: string }>('SELECT seq, json FROM events WHERE seq > $1 AND source = ANY($3::text[]) ORDER BY seq LIMIT $2', [
          after,
          limit,
          [...new Set(sources)],
        ])
      ).rows;
    });
    return rows.map((row) => ({ seq: row.seq, event: this.#parse(row.json, `event #${row.seq}`) as SecurityEvent }));
  }

  async ack(destination: string, seq: number, delivered: number): Promise<void> {
    this.#live();
    checkAckArguments(seq, delivered);
    let past: number | undefined;
    await this.transaction(`moving the cursor of destination "${destination}"`, async (client) => {
      await this.#checkLease(client, leaseName('destination', destination));
      const head = await this.#headOf(client);
      // A cursor past the head would silently skip the events stored next: a caller bug, refused loudly.
      if (seq > head) {
        past = head;
        return;
      }
      await client.query(
        'INSERT INTO cursors (destination, seq, delivered) VALUES ($1, $2, $3) ' +
          'ON CONFLICT (destination) DO UPDATE SET seq = greatest(cursors.seq, excluded.seq), delivered = cursors.delivered + excluded.delivered',
        [destination, seq, delivered],
      );
    });
    if (past !== undefined) throw new RangeError(`ack(): seq ${seq} is past the journal head ${past}`);
  }

  async deadLetter(destination: string, entry: JournalEntry, reason: string): Promise<void> {
    this.#live();
    const { event } = entry;
    const json = JSON.stringify(event);
    await this.transaction(`dead-lettering event #${entry.seq} for destination "${destination}"`, async (client) => {
      await this.#checkLease(client, leaseName('destination', destination));
      const { rowCount } = await client.query(
        'INSERT INTO dead_letters (destination, seq, source, key, reason, event, at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (destination, seq) DO NOTHING',
        [destination, entry.seq, event.source, event.key, reason, json, this.#now()],
      );
      if ((rowCount ?? 0) > 0) {
        await client.query(
          'INSERT INTO cursors (destination, dead_lettered) VALUES ($1, 1) ON CONFLICT (destination) DO UPDATE SET dead_lettered = cursors.dead_lettered + 1',
          [destination],
        );
      }
    });
  }

  async deadLetterAtSource(source: string, letters: readonly SourceDeadLetter[]): Promise<number> {
    this.#live();
    return this.transaction(`dead-lettering ${letters.length} item(s) of source "${source}"`, async (client) => {
      await this.#checkLease(client, leaseName('source', source));
      if (letters.length === 0) return 0;
      const { rowCount } = await client.query(
        'INSERT INTO source_dead_letters (source, key, reason, excerpt, time, at) ' +
          'SELECT $1, k, r, e, t, $6 FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[]) AS u(k, r, e, t) ON CONFLICT (source, key) DO NOTHING',
        [source, letters.map((l) => l.key), letters.map((l) => l.reason), letters.map((l) => l.excerpt), letters.map((l) => Math.trunc(l.time)), this.#now()],
      );
      return rowCount ?? 0;
    });
  }

  async sourceDeadLetterCount(source: string): Promise<number> {
    return this.withClient(`counting dead letters of source "${source}"`, async (client) =>
      Number((await client.query<{ n: number }>('SELECT count(*)::int8 AS n FROM source_dead_letters WHERE source = $1', [source])).rows[0]?.n ?? 0),
    );
  }

  /** The dead letters of a destination, oldest first. */
  async deadLetters(destination: string, options: { readonly limit?: number } = {}): Promise<readonly PostgresDeadLetter[]> {
    const limit = options.limit ?? 1_000;
    if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`deadLetters(): limit must be a non-negative integer, got ${limit}`);
    const rows = await this.withClient(`reading dead letters of destination "${destination}"`, async (client) =>
      (
        await client.query<{ id: number; seq: number; source: string; key: string; reason: string; event: string; at: number }>(
          'SELECT id, seq, source, key, reason, event, at FROM dead_letters WHERE destination = $1 ORDER BY id LIMIT $2',
          [destination, limit],
        )
      ).rows,
    );
    return rows.map((row) => ({ ...row, destination, event: this.#parse(row.event, `dead letter #${row.id}`) as SecurityEvent }));
  }

  /** Dead letters of both kinds, newest first (by when the journal kept them), at most `query.limit`. */
  async listDeadLetters(query: DeadLetterQuery): Promise<readonly ListedDeadLetter[]> {
    const { limit } = query;
    if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`listDeadLetters(): limit must be a non-negative integer, got ${limit}`);
    const rows = await this.withClient('listing dead letters', async (client) => {
      const filter = query.destination === undefined ? '' : ' WHERE destination = $2';
      const destinationRows = (
        await client.query<{ id: number; destination: string; seq: number; source: string; key: string; reason: string; event: string; at: number }>(
          `SELECT id, destination, seq, source, key, reason, event, at FROM dead_letters${filter} ORDER BY at DESC, id DESC LIMIT $1`,
          query.destination === undefined ? [limit] : [limit, query.destination],
        )
      ).rows;
      const sourceRows =
        query.destination === undefined
          ? (
              await client.query<{ source: string; key: string; reason: string; excerpt: string; time: number; at: number }>(
                'SELECT source, key, reason, excerpt, time, at FROM source_dead_letters ORDER BY at DESC LIMIT $1',
                [limit],
              )
            ).rows
          : [];
      return { destinationRows, sourceRows };
    });
    const letters: Array<{ readonly at: number; readonly letter: ListedPostgresDeadLetter }> = [
      ...rows.destinationRows.map((row) => ({ at: row.at, letter: this.#destinationLetter(row) })),
      ...rows.sourceRows.map((row) => ({
        at: row.at,
        letter: { kind: 'source' as const, source: row.source, key: row.key, reason: row.reason, excerpt: row.excerpt, time: row.time },
      })),
    ];
    return letters
      .sort((a, b) => b.at - a.at)
      .slice(0, limit)
      .map((entry) => entry.letter);
  }

  /**
   * Re-drives one destination dead letter: claims it (no other daemon re-drives it meanwhile), hands it to
   * `deliver`, and removes it once `deliver` resolved; a `deliver` that throws leaves it as it was. False when there
   * is no such letter or it is being re-driven.
   */
  async redriveDeadLetter(id: number, deliver: (letter: DestinationDeadLetter) => Promise<void>): Promise<boolean> {
    const row = await this.withClient(`claiming dead letter #${id}`, async (client) =>
      (
        await client.query<{ id: number; destination: string; seq: number; source: string; key: string; reason: string; event: string; at: number }>(
          `UPDATE dead_letters SET redriving_until = clock_timestamp() + interval '${REDRIVE_CLAIM}'
           WHERE id = $1 AND (redriving_until IS NULL OR redriving_until < clock_timestamp())
           RETURNING id, destination, seq, source, key, reason, event, at`,
          [id],
        )
      ).rows[0],
    );
    if (row === undefined) return false;
    try {
      await deliver(this.#destinationLetter(row));
    } catch (error) {
      await this.withClient(`releasing dead letter #${id}`, (client) => client.query('UPDATE dead_letters SET redriving_until = NULL WHERE id = $1', [id])).catch(() => undefined);
      throw error;
    }
    await this.withClient(`removing re-driven dead letter #${id}`, (client) => client.query('DELETE FROM dead_letters WHERE id = $1', [id]));
    return true;
  }

  #destinationLetter(row: { id: number; destination: string; seq: number; source: string; key: string; reason: string; event: string; at: number }): DestinationDeadLetter {
    return destinationDeadLetter({ ...row, event: this.#parse(row.event, `dead letter #${row.id}`) as SecurityEvent });
  }

  async head(): Promise<number> {
    return this.withClient('reading the journal head', (client) => this.#headOf(client));
  }

  async progress(destination: string): Promise<DestinationProgress> {
    const row = await this.withClient(`reading the cursor of destination "${destination}"`, (client) => this.#cursor(client, destination));
    return { destination, cursor: row.seq, delivered: row.delivered, deadLettered: row.dead_lettered, dropped: row.dropped };
  }

  async backlog(consumer: JournalConsumer): Promise<Backlog> {
    return this.withClient(`measuring the backlog of destination "${consumer.destination}"`, async (client) => {
      const cursor = (await this.#cursor(client, consumer.destination)).seq;
      const filter = consumer.sources === undefined ? '' : ' AND source = ANY($2::text[])';
      const parameters = consumer.sources === undefined ? [cursor] : [cursor, [...consumer.sources]];
      const { rows } = await client.query<{ n: number; oldest: number | null }>(
        `SELECT count(*)::int8 AS n, (SELECT time FROM events WHERE seq > $1${filter} ORDER BY seq LIMIT 1) AS oldest FROM events WHERE seq > $1${filter}`,
        parameters,
      );
      const row = rows[0] ?? { n: 0, oldest: null };
      return { events: Number(row.n), oldestTime: row.oldest === null ? undefined : Number(row.oldest) };
    });
  }

  async setConsumers(consumers: readonly JournalConsumer[]): Promise<void> {
    this.#live();
    this.#consumers = consumers.map((c) => ({ destination: c.destination, sources: c.sources === undefined ? undefined : [...new Set(c.sources)] }));
  }

  /**
   * Removes the events every consumer wanting their source has passed. Every daemon declares every destination of
   * the config (not only those it works), so compaction on any daemon keeps what any destination still needs.
   */
  async compact(): Promise<number> {
    this.#live();
    if (this.#consumers === undefined || this.#consumers.length === 0) return 0;
    return this.transaction('compacting delivered events', async (client) => {
      await client.query('SELECT 1 FROM journal_head WHERE id = 1 FOR UPDATE');
      const bounds = await this.#compactionBounds(client);
      let removed = 0;
      for (const [source, bound] of bounds) removed += await this.#removeDelivered(client, source, bound);
      const now = this.#now();
      if (now - this.#lastKeyPrune >= KEY_PRUNE_INTERVAL_MS) {
        this.#lastKeyPrune = now;
        await client.query('DELETE FROM compacted_keys WHERE at < $1', [now - this.#keyRetentionMs]);
      }
      return removed;
    });
  }

  async usage(): Promise<JournalUsage> {
    const bytes = await this.#bytes();
    return { bytes, maxBytes: this.#maxBytes, policy: this.#policy, full: this.#maxBytes !== undefined && this.#policy === 'block' && bytes >= this.#maxBytes };
  }

  async info(): Promise<PostgresStoreInfo> {
    return this.withClient('reading its settings', async (client) => {
      const setting = async (name: string) => String((await client.query<{ setting: string }>('SELECT current_setting($1) AS setting', [name])).rows[0]?.setting);
      return {
        target: describeTarget(this.#url),
        schema: this.schema,
        schemaVersion: SCHEMA_VERSION,
        serverVersion: await setting('server_version'),
        synchronousCommit: await setting('synchronous_commit'),
      };
    });
  }

  /** Closes the pool. Calling it again does nothing. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#pool.end();
    } catch (error) {
      throw toStoreError(error, this.#url, 'closing');
    } finally {
      this.#heldLock?.release();
    }
    this.#logger?.info({ store: describeTarget(this.#url) }, 'Store closed.');
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** A qualified table name in this store's schema, for queries outside the pool's search_path. */
  table(name: string): string {
    return `${quoteIdentifier(this.schema)}.${quoteIdentifier(name)}`;
  }

  /**
   * The fencing check (issue #19), first in a write's transaction: the lease row is share-locked, so a takeover
   * (an UPDATE of that row) waits for this transaction, and this transaction sees a takeover committed before it.
   * Expiry is judged by the database's clock, the one every daemon shares.
   */
  async #checkLease(client: pg.PoolClient, name: string): Promise<void> {
    const guard = this.fencing.guard(name, this.holder);
    if (guard === undefined) return;
    if (guard.token >= 0) {
      const { rows } = await client.query(
        'SELECT 1 FROM leases WHERE name = $1 AND holder = $2 AND token = $3 AND expires_at > clock_timestamp() FOR SHARE',
        [name, guard.holder, guard.token],
      );
      if (rows.length > 0) return;
    }
    throw new LeaseLostError(name, guard.token);
  }

  async #headOf(client: Queryable): Promise<number> {
    return (await client.query<{ seq: number }>('SELECT seq FROM journal_head WHERE id = 1')).rows[0]?.seq ?? 0;
  }

  async #bytes(): Promise<number> {
    return this.withClient('measuring its size', async (client) => (await client.query<{ bytes: number }>('SELECT bytes FROM journal_head WHERE id = 1')).rows[0]?.bytes ?? 0);
  }

  async #cursor(client: Queryable, destination: string): Promise<CursorRow> {
    return (
      (await client.query<CursorRow>('SELECT seq, delivered, dead_lettered, dropped FROM cursors WHERE destination = $1', [destination])).rows[0] ?? {
        seq: 0,
        delivered: 0,
        dead_lettered: 0,
        dropped: 0,
      }
    );
  }

  /** Per source, the highest seq every interested consumer has passed; a source nobody wants: the head. */
  async #compactionBounds(client: pg.PoolClient): Promise<Map<string, number>> {
    const head = await this.#headOf(client);
    const sources = (await client.query<{ source: string }>('SELECT source FROM checkpoints')).rows.map((r) => r.source);
    const bounds = new Map<string, number>(sources.map((source) => [source, head]));
    // A destination another daemon works (a lease row) that this daemon's config lacks still needs its events:
    // counted as reading every source, so configs that differ never compact away what a destination needs.
    const known = new Set((this.#consumers ?? []).map((c) => c.destination));
    const leased = (await client.query<{ name: string }>("SELECT name FROM leases WHERE name LIKE 'destination:%' AND holder IS NOT NULL")).rows
      .map((row) => row.name.slice('destination:'.length))
      .filter((destination) => !known.has(destination))
      .map((destination): JournalConsumer => ({ destination, sources: undefined }));
    for (const consumer of [...(this.#consumers ?? []), ...leased]) {
      const cursor = (await this.#cursor(client, consumer.destination)).seq;
      for (const source of consumer.sources ?? sources) {
        const bound = bounds.get(source);
        if (bound !== undefined) bounds.set(source, Math.min(bound, cursor));
      }
    }
    return bounds;
  }

  /** Deletes a source's events up to `bound`, keeping their keys for de-duplication; counts the bytes freed. */
  async #removeDelivered(client: pg.PoolClient, source: string, bound: number): Promise<number> {
    const { rows } = await client.query<{ n: number; bytes: number }>(
      `WITH gone AS (DELETE FROM events WHERE source = $1 AND seq <= $2 RETURNING key, ${ROW_BYTES_SQL} AS b),
            kept AS (INSERT INTO compacted_keys (source, key, at) SELECT $1, key, $3 FROM gone ON CONFLICT DO NOTHING)
       SELECT count(*)::int8 AS n, coalesce(sum(b), 0)::int8 AS bytes FROM gone`,
      [source, bound, this.#now()],
    );
    const { n, bytes } = rows[0] ?? { n: 0, bytes: 0 };
    if (n > 0) await client.query('UPDATE journal_head SET bytes = greatest(0, bytes - $1) WHERE id = 1', [bytes]);
    return n;
  }

  /** drop-oldest, inside the append's transaction: removes the oldest events until 10% under the budget, counted per destination. */
  async #dropOldest(client: pg.PoolClient, max: number): Promise<void> {
    const bytesNow = async () => (await client.query<{ bytes: number }>('SELECT bytes FROM journal_head WHERE id = 1')).rows[0]?.bytes ?? 0;
    if ((await bytesNow()) < max) return;
    // Delivered events go first: they cost nothing.
    if (this.#consumers !== undefined && this.#consumers.length > 0) {
      for (const [source, bound] of await this.#compactionBounds(client)) await this.#removeDelivered(client, source, bound);
    }
    const dropped = new Map<string, number>();
    for (let round = 0; round < 64; round += 1) {
      const used = await bytesNow();
      if (used < max) break;
      // The shortest run of oldest events whose bytes cover the excess (aiming 10% under the budget).
      const { rows } = await client.query<{ lo: number | null; hi: number | null }>(
        `SELECT min(seq) AS lo, max(seq) AS hi FROM (
           SELECT seq, sum(b) OVER (ORDER BY seq) - b AS before FROM (SELECT seq, ${ROW_BYTES_SQL} AS b FROM events ORDER BY seq LIMIT 100000) oldest
         ) running WHERE before < $1`,
        [Math.ceil(used - max * 0.9)],
      );
      const range = rows[0];
      if (range === undefined || range.lo === null || range.hi === null) {
        // The first event alone is larger than the excess: take it.
        const first = (await client.query<{ seq: number }>('SELECT seq FROM events ORDER BY seq LIMIT 1')).rows[0];
        if (first === undefined) break;
        await this.#dropRange(client, first.seq, first.seq, dropped);
        continue;
      }
      await this.#dropRange(client, range.lo, range.hi, dropped);
    }
    for (const [destination, n] of dropped) {
      await client.query(
        'INSERT INTO cursors (destination, dropped) VALUES ($1, $2) ON CONFLICT (destination) DO UPDATE SET dropped = cursors.dropped + excluded.dropped',
        [destination, n],
      );
      this.#logger?.warn({ destination, dropped: n, maxBytes: max }, 'Journal full: oldest undelivered events dropped (whenFull: drop-oldest).');
    }
  }

  async #dropRange(client: pg.PoolClient, lo: number, hi: number, dropped: Map<string, number>): Promise<void> {
    for (const consumer of this.#consumers ?? []) {
      const cursor = (await this.#cursor(client, consumer.destination)).seq;
      const from = Math.max(lo, cursor + 1);
      if (from > hi) continue;
      const filter = consumer.sources === undefined ? '' : ' AND source = ANY($3::text[])';
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int8 AS n FROM events WHERE seq BETWEEN $1 AND $2${filter}`,
        consumer.sources === undefined ? [from, hi] : [from, hi, [...consumer.sources]],
      );
      const lost = rows[0]?.n ?? 0;
      if (lost > 0) dropped.set(consumer.destination, (dropped.get(consumer.destination) ?? 0) + lost);
    }
    const { rows } = await client.query<{ bytes: number }>(
      `WITH gone AS (DELETE FROM events WHERE seq BETWEEN $1 AND $2 RETURNING ${ROW_BYTES_SQL} AS b) SELECT coalesce(sum(b), 0)::int8 AS bytes FROM gone`,
      [lo, hi],
    );
    await client.query('UPDATE journal_head SET bytes = greatest(0, bytes - $1) WHERE id = 1', [rows[0]?.bytes ?? 0]);
  }

  #live(): void {
    if (this.#closed) {
      throw new SyslogConnectorError('STORE_UNAVAILABLE', `The PostgreSQL store at ${describeTarget(this.#url)} is closed.`, {
        path: STORE_URL_CONFIG_PATH,
        hint: 'the host closed the store during shutdown; open it again to use it',
      });
    }
  }

  #parse(json: string, what: string): unknown {
    try {
      return parseJson(json);
    } catch (error) {
      throw new SyslogConnectorError('STORE_CORRUPT', `The PostgreSQL store at ${describeTarget(this.#url)} holds a damaged ${what}.`, {
        path: STORE_URL_CONFIG_PATH,
        hint: 'inspect the row in the database; the connector never rewrites stored events',
        cause: error,
      });
    }
  }
}

/** Plugin state (tokens, a plugin's own cursors) in the store's `state` table; each `set` commits on its own. */
export class PostgresStateStore implements StateStore {
  readonly #journal: PostgresJournal;

  constructor(journal: PostgresJournal) {
    this.#journal = journal;
  }

  async get(namespace: string, key: string): Promise<string | undefined> {
    return this.#journal.withClient(`reading state ${namespace}/${key}`, async (client) =>
      (await client.query<{ value: string }>('SELECT value FROM state WHERE namespace = $1 AND key = $2', [namespace, key])).rows[0]?.value,
    );
  }

  async set(namespace: string, key: string, value: string): Promise<void> {
    // The value may be a secret (a token): an error names the namespace and key only.
    await this.#journal.withClient(`writing state ${namespace}/${key}`, async (client) => {
      await client.query('INSERT INTO state (namespace, key, value) VALUES ($1, $2, $3) ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value', [
        namespace,
        key,
        value,
      ]);
    });
  }
}
