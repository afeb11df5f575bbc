import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { SyslogConnectorError, type StateStore } from '@syslog-connector/core';
import type { SqliteJournal } from './sqlite-journal.js';
import { STATE_DIR_CONFIG_PATH, toStoreError } from './store-error.js';

/**
 * Plugin state (tokens, a plugin's own cursors) in the `state` table of the journal's database: one file to back
 * up, and each `set` is committed on its own (WAL, `synchronous=NORMAL`, like the journal).
 */
export class SqliteStateStore implements StateStore {
  readonly #db: DatabaseSync;
  readonly #file: string;
  readonly #select: StatementSync;
  readonly #upsert: StatementSync;

  /** Use `sqliteStateStore(journal)`: the state store shares the journal's connection and lifetime. */
  constructor(db: DatabaseSync, file: string) {
    this.#db = db;
    this.#file = file;
    this.#select = db.prepare('SELECT value FROM state WHERE namespace = ? AND key = ?');
    this.#upsert = db.prepare(
      'INSERT INTO state (namespace, key, value) VALUES (?, ?, ?) ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value',
    );
  }

  async get(namespace: string, key: string): Promise<string | undefined> {
    this.#ensureOpen();
    try {
      const row = this.#select.get(namespace, key) as { value: string } | undefined;
      return row?.value;
    } catch (error) {
      throw toStoreError(error, this.#file, `reading state ${namespace}/${key}`);
    }
  }

  async set(namespace: string, key: string, value: string): Promise<void> {
    this.#ensureOpen();
    try {
      this.#upsert.run(namespace, key, value);
    } catch (error) {
      // The value may be a secret (a token): the message names the namespace and key only.
      throw toStoreError(error, this.#file, `writing state ${namespace}/${key}`);
    }
  }

  #ensureOpen(): void {
    if (!this.#db.isOpen) {
      throw new SyslogConnectorError('STORE_UNAVAILABLE', `The store ${this.#file} is closed.`, {
        path: STATE_DIR_CONFIG_PATH,
        hint: 'the host closed the store during shutdown; use the state store only while the connector runs',
      });
    }
  }
}

/** The `StateStore` service (core `services.store`) on the same database as the journal. */
export const sqliteStateStore = (journal: Pick<SqliteJournal, 'state'>): StateStore => journal.state;
