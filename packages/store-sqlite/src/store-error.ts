import { SyslogConnectorError } from '@syslog-connector/core';

/** The config key every store error is about: the host config's `stateDir` (DESIGN §7). */
export const STATE_DIR_CONFIG_PATH = 'stateDir';

/**
 * SQLite primary result codes (https://sqlite.org/rescode.html). node:sqlite reports the extended code in
 * `errcode`; the primary code is its low 8 bits.
 */
const SQLITE_PERM = 3;
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_READONLY = 8;
const SQLITE_IOERR = 10;
const SQLITE_CORRUPT = 11;
const SQLITE_FULL = 13;
const SQLITE_CANTOPEN = 14;
const SQLITE_AUTH = 23;
const SQLITE_NOTADB = 26;

/** Hint for a damaged file: the fix never involves us rewriting it, the operator moves it aside. */
export const corruptHint = (file: string): string =>
  `stop the connector and move ${file} (with its -wal and -shm files) aside to inspect or restore it; ` +
  'a new store is created on the next start and sources resume from their `since` setting';

const writableHint = (file: string): string =>
  `make the folder of ${file} and the file writable by the connector's user, or point \`stateDir\` to a writable folder`;

const sqliteCode = (error: unknown): number | undefined => {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { errcode?: unknown }).errcode;
  return typeof code === 'number' ? code & 0xff : undefined;
};

const systemCode = (error: unknown): string | undefined => {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('E') ? code : undefined;
};

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Turns anything SQLite or the file system threw into a store error that names the file and says what to do.
 * Errors that already are `SyslogConnectorError`s pass through unchanged.
 */
export const toStoreError = (error: unknown, file: string, action: string): SyslogConnectorError => {
  if (SyslogConnectorError.is(error)) return error;
  const reason = reasonOf(error);
  const details = (hint: string) => ({ path: STATE_DIR_CONFIG_PATH, hint, cause: error });
  switch (sqliteCode(error)) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return new SyslogConnectorError('STORE_CORRUPT', `The store ${file} is damaged (${action}: ${reason}).`, details(corruptHint(file)));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return new SyslogConnectorError(
        'STORE_UNAVAILABLE',
        `The store ${file} is locked by another process (${action}: ${reason}).`,
        details('run one connector per `stateDir`; stop the other process or give this one its own `stateDir`'),
      );
    case SQLITE_FULL:
      return new SyslogConnectorError(
        'STORE_UNAVAILABLE',
        `The disk holding the store ${file} is full (${action}: ${reason}).`,
        details('free disk space on that volume, or move `stateDir` to a larger one'),
      );
    case SQLITE_IOERR:
      return new SyslogConnectorError(
        'STORE_UNAVAILABLE',
        `Reading or writing the store ${file} failed (${action}: ${reason}).`,
        details('check the disk and the file system of `stateDir` (dmesg, mount options), then restart'),
      );
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_AUTH:
      return new SyslogConnectorError('STORE_UNAVAILABLE', `The store ${file} is not writable (${action}: ${reason}).`, details(writableHint(file)));
    default:
      break;
  }
  switch (systemCode(error)) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
    case 'ENOTDIR':
    case 'EISDIR':
    case 'ENOENT':
    case 'EEXIST':
      return new SyslogConnectorError('STORE_UNAVAILABLE', `The store ${file} is not writable (${action}: ${reason}).`, details(writableHint(file)));
    case 'ENOSPC':
      return new SyslogConnectorError(
        'STORE_UNAVAILABLE',
        `The disk holding the store ${file} is full (${action}: ${reason}).`,
        details('free disk space on that volume, or move `stateDir` to a larger one'),
      );
    default:
      return new SyslogConnectorError(
        'STORE_UNAVAILABLE',
        `The store ${file} failed (${action}: ${reason}).`,
        details('check that `stateDir` is on a local, writable disk, then restart'),
      );
  }
};
