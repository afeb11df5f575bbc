import { SyslogConnectorError, type ErrorCode } from '@syslog-connector/core';

/**
 * The messages between `ThreadedJournal` (the host's thread) and `journal-worker` (the thread that owns the
 * SQLite connection). Plain data only: what `postMessage` copies.
 */
export interface JournalCall {
  readonly id: number;
  readonly method: JournalWorkerMethod;
  readonly args: readonly unknown[];
}

export type JournalWorkerMethod =
  | 'appendSerialized'
  | 'readSerialized'
  | 'checkpoint'
  | 'ack'
  | 'deadLetter'
  | 'head'
  | 'progress'
  | 'backlog'
  | 'setConsumers'
  | 'compactReporting'
  | 'usage'
  | 'stateGet'
  | 'stateSet'
  | 'close';

export type JournalReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: ThreadError }
  | { readonly log: { readonly level: 'debug' | 'info' | 'warn' | 'error'; readonly fields: object; readonly message: string } }
  | { readonly opened: true; readonly head: number }
  | { readonly openFailed: ThreadError };

/** An error as it crosses the thread boundary: `SyslogConnectorError`s keep their code, path and hint. */
export type ThreadError =
  | { readonly kind: 'connector'; readonly code: ErrorCode; readonly message: string; readonly path: string | undefined; readonly hint: string | undefined }
  | { readonly kind: 'RangeError' | 'TypeError' | 'Error'; readonly message: string };

export const toThreadError = (error: unknown): ThreadError => {
  if (SyslogConnectorError.is(error)) return { kind: 'connector', code: error.code, message: error.message, path: error.path, hint: error.hint };
  if (error instanceof RangeError) return { kind: 'RangeError', message: error.message };
  if (error instanceof TypeError) return { kind: 'TypeError', message: error.message };
  return { kind: 'Error', message: error instanceof Error ? error.message : String(error) };
};

export const fromThreadError = (error: ThreadError): Error => {
  switch (error.kind) {
    case 'connector':
      return new SyslogConnectorError(error.code, error.message, {
        ...(error.path === undefined ? {} : { path: error.path }),
        ...(error.hint === undefined ? {} : { hint: error.hint }),
      });
    case 'RangeError':
      return new RangeError(error.message);
    case 'TypeError':
      return new TypeError(error.message);
    default:
      return new Error(error.message);
  }
};
