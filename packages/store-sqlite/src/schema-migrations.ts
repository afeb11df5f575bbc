import type { DatabaseSync } from 'node:sqlite';

/**
 * Marks the file as a syslog-connector store in the SQLite header (`PRAGMA application_id`, offset 68 of the
 * header, https://sqlite.org/fileformat2.html#application_id): "SCON" in ASCII. A SQLite file with another id,
 * or with tables but no id, belongs to something else and is never migrated over.
 */
export const STORE_APPLICATION_ID = 0x53434f4e;

/**
 * Each migration takes the schema from version `index` to `index + 1` (`PRAGMA user_version`). Migrations are
 * append-only: a released one is never edited, a change is a new entry.
 */
const migrations: ReadonlyArray<(db: DatabaseSync) => void> = [
  // 0 → 1: the journal (DESIGN §2), checkpoints, destination cursors, dead letters and plugin state.
  (db) => {
    db.exec(`
      CREATE TABLE events (
        seq    INTEGER PRIMARY KEY AUTOINCREMENT,
        source TEXT    NOT NULL,
        key    TEXT    NOT NULL,
        type   TEXT    NOT NULL,
        time   INTEGER NOT NULL,
        json   TEXT    NOT NULL,
        UNIQUE (source, key)
      ) STRICT;
      -- A destination limited to some sources reads each one by this index, so it never scans the other
      -- sources' backlog after its cursor.
      CREATE INDEX events_by_source ON events (source, seq);
      CREATE TABLE checkpoints (
        source TEXT PRIMARY KEY,
        json   TEXT NOT NULL
      ) STRICT;
      CREATE TABLE cursors (
        destination   TEXT    PRIMARY KEY,
        seq           INTEGER NOT NULL DEFAULT 0,
        delivered     INTEGER NOT NULL DEFAULT 0,
        dead_lettered INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE TABLE dead_letters (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        destination TEXT    NOT NULL,
        seq         INTEGER NOT NULL,
        source      TEXT    NOT NULL,
        key         TEXT    NOT NULL,
        reason      TEXT    NOT NULL,
        event       TEXT    NOT NULL,
        at          INTEGER NOT NULL,
        UNIQUE (destination, seq)
      ) STRICT;
      CREATE TABLE state (
        namespace TEXT NOT NULL,
        key       TEXT NOT NULL,
        value     TEXT NOT NULL,
        PRIMARY KEY (namespace, key)
      ) STRICT, WITHOUT ROWID;
    `);
  },
  // 1 → 2: events the drop-oldest policy removed before a destination delivered them, counted per destination;
  // the keys of compacted events.
  (db) => {
    db.exec(`
      ALTER TABLE cursors ADD COLUMN dropped INTEGER NOT NULL DEFAULT 0;
      -- Keys of events compacted away, so an overlapping poll window does not store them again (DESIGN §2: de-dup
      -- by stable key). Kept for a retention period after compaction (at, epoch ms).
      CREATE TABLE compacted_keys (
        source TEXT    NOT NULL,
        key    TEXT    NOT NULL,
        at     INTEGER NOT NULL,
        PRIMARY KEY (source, key)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX compacted_keys_by_at ON compacted_keys (at);
    `);
  },
  // 2 → 3: items a source read but could not turn into events (issue #16), once per (source, key).
  (db) => {
    db.exec(`
      CREATE TABLE source_dead_letters (
        source  TEXT    NOT NULL,
        key     TEXT    NOT NULL,
        reason  TEXT    NOT NULL,
        excerpt TEXT    NOT NULL,
        time    INTEGER NOT NULL,
        at      INTEGER NOT NULL,
        PRIMARY KEY (source, key)
      ) STRICT, WITHOUT ROWID;
    `);
  },
  // 3 → 4: marks of the log journal engine (journal.engine: log, issue #18), whose events live in segment files
  // beside the database: 'head' (the highest seq it ever gave, kept when every segment is compacted away) and
  // 'compacted:<source>' (what compaction removed of a source, up to that seq).
  (db) => {
    db.exec(`
      CREATE TABLE log_marks (
        name TEXT    PRIMARY KEY,
        seq  INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
    `);
  },
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = migrations.length;

export const readUserVersion = (db: DatabaseSync): number => Number(db.prepare('PRAGMA user_version').get()?.['user_version'] ?? 0);

export const readApplicationId = (db: DatabaseSync): number =>
  Number(db.prepare('PRAGMA application_id').get()?.['application_id'] ?? 0);

export const countSchemaObjects = (db: DatabaseSync): number =>
  Number(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'").get()?.['n'] ?? 0);

/**
 * Brings the schema to `SCHEMA_VERSION` in one write transaction. The version is read again inside the
 * transaction, so two processes opening a new store at once migrate it exactly once. Returns the version found
 * before migrating.
 */
export const migrateSchema = (db: DatabaseSync): number => {
  db.exec('BEGIN IMMEDIATE');
  try {
    const from = readUserVersion(db);
    for (let version = from; version < SCHEMA_VERSION; version += 1) {
      (migrations[version] as (db: DatabaseSync) => void)(db);
    }
    if (from < SCHEMA_VERSION) {
      // PRAGMA takes no bound parameters; both values are integer constants of this module.
      db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}; PRAGMA application_id = ${STORE_APPLICATION_ID};`);
    }
    db.exec('COMMIT');
    return from;
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
};
