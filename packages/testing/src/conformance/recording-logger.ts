import type { Logger } from '@syslog-connector/core';

export interface LogRecord {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** A `Logger` that keeps what it is told, so a test can assert on it. */
export class RecordingLogger implements Logger {
  readonly records: LogRecord[];
  readonly #bindings: Readonly<Record<string, unknown>>;

  constructor(records: LogRecord[] = [], bindings: Readonly<Record<string, unknown>> = {}) {
    this.records = records;
    this.#bindings = bindings;
  }

  debug(fields: object, message: string): void {
    this.#add('debug', fields, message);
  }

  info(fields: object, message: string): void {
    this.#add('info', fields, message);
  }

  warn(fields: object, message: string): void {
    this.#add('warn', fields, message);
  }

  error(fields: object, message: string): void {
    this.#add('error', fields, message);
  }

  child(bindings: object): Logger {
    return new RecordingLogger(this.records, { ...this.#bindings, ...bindings });
  }

  #add(level: LogRecord['level'], fields: object, message: string): void {
    this.records.push({ level, message, fields: { ...this.#bindings, ...fields } });
  }
}
