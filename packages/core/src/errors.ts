/**
 * Errors are values: a `code` from a closed union, the config `path` they concern, and a `hint` that says how to
 * fix it. The brand survives duplicate copies of core (two versions installed side by side).
 */
export type ErrorCode =
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_UNREADABLE'
  | 'CONFIG_SYNTAX'
  | 'CONFIG_INVALID'
  | 'CONFIG_ENV_MISSING'
  | 'PLUGIN_LOAD_FAILED'
  | 'PLUGIN_INVALID'
  | 'PLUGIN_DUPLICATE'
  | 'PLUGIN_UNKNOWN'
  | 'SOURCE_AUTH'
  | 'SOURCE_HTTP'
  | 'SOURCE_RESPONSE'
  | 'TRANSPORT_DNS'
  | 'TRANSPORT_CONNECT'
  | 'TRANSPORT_TIMEOUT'
  | 'TRANSPORT_TLS'
  | 'TRANSPORT_CLOSED'
  | 'TRANSPORT_WRITE'
  | 'FORMAT_REJECTED'
  | 'STORE_UNAVAILABLE'
  | 'STORE_LOCKED'
  | 'STORE_CORRUPT'
  | 'SHUTDOWN';

const brand = Symbol.for('@syslog-connector/SyslogConnectorError');
const transportBrand = Symbol.for('@syslog-connector/TransportError');

export interface ErrorDetails {
  /** The config path this error is about, dotted (`destinations.siem.port`). */
  readonly path?: string;
  /** What the user should do about it. */
  readonly hint?: string;
  readonly cause?: unknown;
}

export class SyslogConnectorError extends Error {
  readonly code: ErrorCode;
  readonly path: string | undefined;
  readonly hint: string | undefined;
  readonly [brand] = true;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'SyslogConnectorError';
    this.code = code;
    this.path = details.path;
    this.hint = details.hint;
  }

  static is(value: unknown): value is SyslogConnectorError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }

  static hasCode(value: unknown, code: ErrorCode): value is SyslogConnectorError {
    return SyslogConnectorError.is(value) && value.code === code;
  }

  /** One line for a person: `path: message (hint)`. */
  describe(): string {
    const where = this.path === undefined ? '' : `${this.path}: `;
    const fix = this.hint === undefined ? '' : ` — ${this.hint}`;
    return `${where}${this.message}${fix}`;
  }
}

/**
 * A transport failed part-way: `written` messages of the batch were confirmed before the failure, so the
 * destination advances its cursor past exactly those and re-sends the rest after reconnecting. Recognised by its
 * brand (`TransportError.is`), never by `instanceof`: a plugin may bring its own copy of core.
 */
export class TransportError extends SyslogConnectorError {
  readonly written: number;
  readonly [transportBrand] = true;

  constructor(code: ErrorCode, message: string, written: number, details: ErrorDetails = {}) {
    super(code, message, details);
    this.name = 'TransportError';
    this.written = written;
  }

  /** True for a `TransportError` of any copy of core: its brand and a numeric `written`. */
  static override is(value: unknown): value is TransportError {
    return (
      SyslogConnectorError.is(value) &&
      (value as unknown as Record<symbol, unknown>)[transportBrand] === true &&
      typeof (value as { readonly written?: unknown }).written === 'number'
    );
  }
}

/** A readable message for anything thrown, without a stack trace. */
export const describeError = (error: unknown): string => {
  if (SyslogConnectorError.is(error)) return error.describe();
  if (error instanceof Error) return error.message;
  return String(error);
};
