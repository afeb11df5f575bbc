import { SyslogConnectorError } from '@syslog-connector/core';

/** The config key of the PostgreSQL store's connection string (a secret: never logged, never in an error). */
export const STORE_URL_CONFIG_PATH = 'store.url';

/** PostgreSQL SQLSTATE classes and codes (https://www.postgresql.org/docs/15/errcodes-appendix.html). */
const UNREACHABLE_CODES = new Set(['57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006', '08007', '08P01']);
const UNREACHABLE_SYSTEM_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

const codeOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** The host, port and database of a connection string, for messages: never its user or password. */
export const describeTarget = (url: string): string => {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}${parsed.pathname || '/'}`;
  } catch {
    return '(store.url)';
  }
};

/**
 * Masks the connection string and its password wherever they appear in `text` (a driver message may quote them).
 */
export const redactUrl = (text: string, url: string): string => {
  let out = text.split(url).join('<store.url>');
  try {
    const { password } = new URL(url);
    for (const secret of [password, decodeURIComponent(password)]) if (secret.length > 0) out = out.split(secret).join('REDACTED');
  } catch {
    // Not a URL (a keyword/value string): the whole of it was masked above.
  }
  return out;
};

/** True when the error means the server could not be reached or went away (a restart, a network partition). */
export const isUnreachable = (error: unknown): boolean => {
  const code = codeOf(error);
  if (code !== undefined && (UNREACHABLE_CODES.has(code) || UNREACHABLE_SYSTEM_CODES.has(code))) return true;
  const message = error instanceof Error ? error.message : String(error);
  return /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(message);
};

/**
 * Turns what node-postgres threw into a store error that names the server (host, port, database — never the user
 * or password) and says what to do. `SyslogConnectorError`s pass through unchanged.
 */
export const toStoreError = (error: unknown, url: string, action: string): SyslogConnectorError => {
  if (SyslogConnectorError.is(error)) return error;
  const target = describeTarget(url);
  const reason = redactUrl(error instanceof Error ? error.message : String(error), url);
  const code = codeOf(error);
  // The cause is left out: a driver error can carry the connection parameters.
  const details = (hint: string) => ({ path: STORE_URL_CONFIG_PATH, hint });
  if (isUnreachable(error)) {
    return new SyslogConnectorError(
      'STORE_UNAVAILABLE',
      `The PostgreSQL store at ${target} is unreachable (${action}: ${reason}).`,
      details('check that PostgreSQL runs and that `store.url` points to it; the daemon retries and goes on where it was'),
    );
  }
  if (code === '28P01' || code === '28000') {
    return new SyslogConnectorError('STORE_UNAVAILABLE', `The PostgreSQL store at ${target} refused the login (${action}: ${reason}).`, details('check the user and password in `store.url` and pg_hba.conf'));
  }
  if (code === '3D000') {
    return new SyslogConnectorError('STORE_UNAVAILABLE', `The PostgreSQL database of ${target} does not exist (${action}).`, details('create the database (createdb) or fix the database name in `store.url`'));
  }
  if (code === '53100') {
    return new SyslogConnectorError('STORE_UNAVAILABLE', `The disk of the PostgreSQL store at ${target} is full (${action}: ${reason}).`, details('free disk space on the database server'));
  }
  if (code === '42501') {
    return new SyslogConnectorError('STORE_UNAVAILABLE', `The PostgreSQL user may not do this at ${target} (${action}: ${reason}).`, details('grant the user of `store.url` CREATE on the database (the store creates its schema) and use on the schema'));
  }
  return new SyslogConnectorError('STORE_UNAVAILABLE', `The PostgreSQL store at ${target} failed (${action}: ${reason}).`, details('check the PostgreSQL server log; the daemon retries'));
};
