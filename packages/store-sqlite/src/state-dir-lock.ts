import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SyslogConnectorError } from '@syslog-connector/core';
import { STATE_DIR_CONFIG_PATH, toStoreError } from './store-error.js';

/** The file whose lock marks the daemon of a `stateDir` (an empty SQLite database, never written). */
export const STATE_DIR_LOCK_FILE = 'daemon.lock';
/** The PID of the daemon holding the lock, for the error a second daemon gets. Information only: the lock decides. */
export const STATE_DIR_PID_FILE = 'daemon.pid';

/** One daemon's hold on a `stateDir`; `release()` lets the next one in. */
export interface StateDirLock {
  readonly stateDir: string;
  release(): void;
}

const SQLITE_BUSY = 5;

/**
 * Takes the one-daemon-per-`stateDir` lock (DESIGN §7), or throws `STORE_LOCKED` naming the holder's PID.
 *
 * The lock is SQLite's EXCLUSIVE lock on `<stateDir>/daemon.lock`, held by an open transaction until `release()`.
 * SQLite takes it with POSIX advisory locks (fcntl), which the kernel drops when the holder dies, SIGKILL included:
 * no stale lock to clean up, and no guessing from a PID file whether its process still lives (PIDs are reused,
 * and every container's daemon is PID 1). The store itself stays unlocked, so `status` reads it beside the daemon.
 * Within one process a second `lockStateDir` of the same folder is refused too (SQLite tracks locks per inode).
 */
export const lockStateDir = (stateDir: string): StateDirLock => {
  const dir = resolve(stateDir);
  const lockFile = join(dir, STATE_DIR_LOCK_FILE);
  const pidFile = join(dir, STATE_DIR_PID_FILE);
  let db: DatabaseSync | undefined;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    closeSync(openSync(lockFile, 'a', 0o600));
    // timeout 0: a held lock is an answer, not something to wait for.
    db = new DatabaseSync(lockFile, { timeout: 0 });
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    try {
      db?.close();
    } catch {
      // The lock failure is the error worth reporting.
    }
    const code = (error as { errcode?: unknown }).errcode;
    if (typeof code === 'number' && (code & 0xff) === SQLITE_BUSY) throw lockedError(dir, readHolder(pidFile));
    throw toStoreError(error, lockFile, 'locking');
  }
  const held = db;
  try {
    writeFileSync(pidFile, `${process.pid}\n`, { mode: 0o600 });
  } catch {
    // The PID only improves another daemon's error message; the lock is held either way.
  }
  let released = false;
  return {
    stateDir: dir,
    release: () => {
      if (released) return;
      released = true;
      try {
        if (readHolder(pidFile) === process.pid) rmSync(pidFile, { force: true });
      } finally {
        held.close();
      }
    },
  };
};

const readHolder = (pidFile: string): number | undefined => {
  try {
    const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
};

const lockedError = (dir: string, pid: number | undefined): SyslogConnectorError =>
  new SyslogConnectorError(
    'STORE_LOCKED',
    `Another syslog-connector daemon (${pid === undefined ? 'PID unknown' : `PID ${pid}`}) is running on the state directory ${dir}.`,
    {
      path: STATE_DIR_CONFIG_PATH,
      hint:
        'run one daemon per `stateDir`: stop the other one first' +
        (pid === undefined ? '' : ` (kill -TERM ${pid})`) +
        ', or give this one its own `stateDir`; `syslog-connector status` reads the store while it runs',
    },
  );
