import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SyslogConnectorError } from '@syslog-connector/core';
import type { JournalEngine } from '@syslog-connector/core/engine';
import { LogJournal, type LogJournalOptions } from './log/log-journal.js';
import { SqliteJournal, type SqliteJournalOptions } from './sqlite-journal.js';
import { lockStateDir } from './state-dir-lock.js';
import { toStoreError } from './store-error.js';

/** The database file inside the config's `stateDir`. */
export const STORE_FILE_NAME = 'syslog-connector.db';

/** The folder of the log engine's segment files inside `stateDir`. */
export const JOURNAL_DIR_NAME = 'journal';

/**
 * The engine of a store opened without one (core's `journal.engine` has the same default): `sqlite`, what every store
 * made before issue #18 holds — so an upgrade never meets the refusal to switch engines with events left. `log`
 * (segment files beside the SQLite store) is opt-in until it meets issue #18's targets (apps/connector/bench).
 */
export const DEFAULT_JOURNAL_ENGINE: JournalEngine = 'sqlite';

/** The journal's options but its file, which is always `<stateDir>/syslog-connector.db`. */
export interface OpenStoreOptions extends Omit<SqliteJournalOptions, 'path' | 'heldLock'>, Pick<LogJournalOptions, 'fsync' | 'segmentBytes' | 'maxRetainedKeys' | 'eventEncoding'> {
  /**
   * Open as the daemon of this `stateDir`: take its lock (`lockStateDir`) first, or fail with `STORE_LOCKED` naming
   * the PID of the daemon that has it; the lock goes with `close()`. Readers (`status`) leave it false (default).
   */
  readonly daemon?: boolean;
  /** Where the events live; default `DEFAULT_JOURNAL_ENGINE`. */
  readonly engine?: JournalEngine;
  /** Only to read, beside a running daemon (`status`): the log engine then never cuts nor writes a segment. */
  readonly readOnly?: boolean;
}

/** Either engine: core's `Journal` with the store's extras (`state`, `info`, `deadLetters`, `path`). */
export type StoreJournal = SqliteJournal | LogJournal;

/**
 * Opens the store of a connector: creates `stateDir` when missing (mode 0700: it holds security events and
 * plugin secrets) and opens `<stateDir>/syslog-connector.db`, with the log engine's segments in
 * `<stateDir>/journal/`. A relative `stateDir` is resolved against the working directory. The state store is
 * `sqliteStateStore(journal)` or `journal.state`.
 */
export function openStore(stateDir: string, options: OpenStoreOptions & { readonly engine: 'sqlite' }): Promise<SqliteJournal>;
export function openStore(stateDir: string, options?: OpenStoreOptions): Promise<StoreJournal>;
export async function openStore(stateDir: string, options: OpenStoreOptions = {}): Promise<StoreJournal> {
  const { daemon = false, engine = DEFAULT_JOURNAL_ENGINE, readOnly = false, fsync, segmentBytes, maxRetainedKeys, eventEncoding, ...journalOptions } = options;
  const extras = { fsync, segmentBytes, maxRetainedKeys, eventEncoding };
  const path = storeFile(stateDir);
  const lock = daemon ? lockStateDir(stateDir) : undefined;
  try {
    const dir = join(resolve(stateDir), JOURNAL_DIR_NAME);
    return await openEngine(engine, { path, dir, readOnly, ...journalOptions, ...extras, ...(lock === undefined ? {} : { heldLock: lock }) });
  } catch (error) {
    lock?.release();
    throw error;
  }
}

/** The options of either engine: the SQLite file, the segment folder and what each takes. */
export type EngineOptions = SqliteJournalOptions & Omit<LogJournalOptions, 'meta'>;

/** Opens the journal of an engine on a database file (and, for `log`, a segment folder). */
export const openEngine = async (engine: JournalEngine, options: EngineOptions): Promise<StoreJournal> => {
  const { dir, readOnly, fsync, segmentBytes, maxRetainedKeys, maxBytes, whenFull, keyRetentionMs, recentEvents, recentEventsBytes, eventEncoding, ...metaOptions } = options;
  if (engine === 'sqlite') {
    refuseLeftSegments(dir);
    return SqliteJournal.open(options);
  }
  // The SQLite store keeps cursors, dead letters, state and checkpoint copies; it reads no events, so it has no tail
  // and no budget (the log engine keeps both).
  // Its cursors may lag on power loss (at-least-once: a few batches sent again), so it keeps synchronous=NORMAL.
  const meta = await SqliteJournal.open({ ...metaOptions, recentEvents: 0, fsync: false });
  return LogJournal.open({
    dir,
    meta,
    ...{ readOnly, fsync, segmentBytes, maxRetainedKeys, maxBytes, whenFull, keyRetentionMs, recentEvents, recentEventsBytes, eventEncoding },
    logger: metaOptions.logger,
    clock: metaOptions.clock,
  });
};

/** Switching back to `sqlite` while the log engine still holds events would hide them: refused, with the way out. */
const refuseLeftSegments = (dir: string): void => {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const left = names.filter((name) => name.endsWith('.log') && statSync(join(dir, name)).size > 0);
  if (left.length > 0) {
    throw new SyslogConnectorError('STORE_UNAVAILABLE', `The journal ${dir} holds events of the log journal engine (${left.length} segment file(s)); the sqlite engine would not read them.`, {
      path: 'journal.engine',
      hint: 'run with `journal.engine: log` until the destinations have delivered them (status shows the backlog), then switch',
    });
  }
};

/** `<stateDir>/syslog-connector.db`, creating `stateDir` (mode 0700) when missing. */
const storeFile = (stateDir: string): string => {
  const dir = resolve(stateDir);
  const file = join(dir, STORE_FILE_NAME);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw toStoreError(error, file, `creating the folder ${dir}`);
  }
  return file;
};
