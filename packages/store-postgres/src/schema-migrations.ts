import type { PoolClient } from 'pg';

/** The PostgreSQL schema (namespace) the store's tables live in, so they never collide with another application's. */
export const DEFAULT_SCHEMA = 'syslog_connector';

/**
 * Key of the session advisory lock held while migrating (`pg_advisory_lock`): daemons starting at once against
 * the same database migrate one after the other, and each one after the first finds nothing left to do.
 * "SCON" in ASCII, like the SQLite store's application id.
 */
export const MIGRATION_LOCK_KEY = 0x53434f4e;

/**
 * Each migration takes the schema from version `index` to `index + 1`, in one transaction with the new version
 * row. Migrations are append-only: a released one is never edited, a change is a new entry.
 */
const migrations: readonly string[] = [
  // 0 → 1: the journal (DESIGN §2) as in the SQLite store, plus the leases and members of several daemons.
  `
  -- One row: the highest seq ever used (never goes back) and the bytes of the stored events, for the budget.
  -- Appends lock this row, so seqs are committed in order: a reader never passes a seq a slower writer commits later.
  CREATE TABLE journal_head (
    id    integer PRIMARY KEY CHECK (id = 1),
    seq   bigint  NOT NULL DEFAULT 0,
    bytes bigint  NOT NULL DEFAULT 0
  );
  INSERT INTO journal_head (id) VALUES (1);
  CREATE TABLE events (
    seq    bigint PRIMARY KEY,
    source text   NOT NULL,
    key    text   NOT NULL,
    type   text   NOT NULL,
    time   bigint NOT NULL,
    json   text   NOT NULL,
    UNIQUE (source, key)
  );
  CREATE INDEX events_by_source ON events (source, seq);
  CREATE TABLE checkpoints (
    source text PRIMARY KEY,
    json   text NOT NULL
  );
  CREATE TABLE cursors (
    destination   text   PRIMARY KEY,
    seq           bigint NOT NULL DEFAULT 0,
    delivered     bigint NOT NULL DEFAULT 0,
    dead_lettered bigint NOT NULL DEFAULT 0,
    dropped       bigint NOT NULL DEFAULT 0
  );
  CREATE TABLE dead_letters (
    id          bigserial PRIMARY KEY,
    destination text   NOT NULL,
    seq         bigint NOT NULL,
    source      text   NOT NULL,
    key         text   NOT NULL,
    reason      text   NOT NULL,
    event       text   NOT NULL,
    at          bigint NOT NULL,
    -- A re-drive in progress (any daemon) claims the letter until then, so two daemons never send it twice.
    redriving_until timestamptz,
    UNIQUE (destination, seq)
  );
  CREATE INDEX dead_letters_by_at ON dead_letters (at);
  CREATE TABLE source_dead_letters (
    source  text   NOT NULL,
    key     text   NOT NULL,
    reason  text   NOT NULL,
    excerpt text   NOT NULL,
    time    bigint NOT NULL,
    at      bigint NOT NULL,
    PRIMARY KEY (source, key)
  );
  CREATE TABLE compacted_keys (
    source text   NOT NULL,
    key    text   NOT NULL,
    at     bigint NOT NULL,
    PRIMARY KEY (source, key)
  );
  CREATE INDEX compacted_keys_by_at ON compacted_keys (at);
  CREATE INDEX source_dead_letters_by_at ON source_dead_letters (at);
  CREATE TABLE state (
    namespace text NOT NULL,
    key       text NOT NULL,
    value     text NOT NULL,
    PRIMARY KEY (namespace, key)
  );
  -- One row per source or destination ('source:<id>', 'destination:<id>'): who works it, until when, and the
  -- fencing token every write of that part checks. The token only grows: each acquisition takes the next one.
  CREATE TABLE leases (
    name               text        PRIMARY KEY,
    holder             text,
    token              bigint      NOT NULL DEFAULT 0,
    acquired_at        timestamptz,
    expires_at         timestamptz,
    takeovers          bigint      NOT NULL DEFAULT 0,
    last_takeover_at   timestamptz,
    last_takeover_from text
  );
  -- The daemons sharing the store, each with a heartbeat: N (those not expired) sets every daemon's fair share.
  CREATE TABLE members (
    id           text        PRIMARY KEY,
    instance     text        NOT NULL,
    hostname     text        NOT NULL,
    pid          integer     NOT NULL,
    started_at   timestamptz NOT NULL,
    heartbeat_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL
  );
  `,
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = migrations.length;

const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** The version of the schema in the database: 0 when the store was never created there. */
export const readSchemaVersion = async (client: PoolClient, schema: string): Promise<number> => {
  const exists = await client.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'schema_migrations'",
    [schema],
  );
  if ((exists.rows[0]?.n ?? 0) === 0) return 0;
  const { rows } = await client.query<{ version: number | null }>(`SELECT max(version)::int AS version FROM ${quoteIdentifier(schema)}.schema_migrations`);
  return rows[0]?.version ?? 0;
};

/**
 * Brings the schema to `SCHEMA_VERSION` under a session advisory lock, each migration in its own transaction.
 * Returns the version found before migrating. Throws (before changing anything) when the database holds a newer
 * schema than this build knows: `tooNew(found)` makes that error.
 */
export const migrateSchema = async (client: PoolClient, schema: string, tooNew: (found: number) => Error): Promise<number> => {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  try {
    const from = await readSchemaVersion(client, schema);
    if (from > SCHEMA_VERSION) throw tooNew(from);
    const qualified = quoteIdentifier(schema);
    for (let version = from; version < SCHEMA_VERSION; version += 1) {
      await client.query('BEGIN');
      try {
        if (version === 0) {
          await client.query(`CREATE SCHEMA IF NOT EXISTS ${qualified}`);
          await client.query(`CREATE TABLE ${qualified}.schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
        }
        await client.query(`SET LOCAL search_path TO ${qualified}`);
        await client.query(migrations[version] as string);
        await client.query(`INSERT INTO ${qualified}.schema_migrations (version) VALUES ($1)`, [version + 1]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    }
    return from;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
  }
};

export { quoteIdentifier };
