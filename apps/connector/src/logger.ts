import { type Logger, SecretRedactor } from '@syslog-connector/core';
import { pino } from 'pino';

/**
 * The daemon's one `SecretRedactor`. The config loader registers every secret in it on each load and reload (keys
 * a plugin marks with `secretOption`, the admin token, every `${NAME}` value); the logger, the errors saved for
 * `status`, `status` itself and `validate` / reload messages all mask through it. Event payloads never do.
 */
export const hostSecrets = new SecretRedactor();

/** Field names whose values are secrets wherever they appear (one level deep and at the top). */
const SECRET_FIELDS = ['token', 'secret', 'clientSecret', 'password', 'passphrase', 'authorization', 'apiKey'];

export const REDACTED_PATHS = SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`, `headers.${f}`]);

/**
 * Masks each finished log line before it is written: msg, every field at any depth, `err.message`, its stack and
 * cause, a child logger's bindings — one pass over the line, so no field can be missed. A secret holding `"` or
 * `\` is registered in its JSON-escaped form too, which is how it appears in the line.
 */
const redactingStream = (destination: NodeJS.WritableStream, secrets: SecretRedactor): { write(line: string): boolean } => ({
  write: (line: string) => destination.write(secrets.redact(line)),
});

/**
 * Structured logs, one JSON event per line on stderr (stdout stays free for command output). Secrets are masked
 * twice over: fields named like one (`token`, `clientSecret`, …) are censored by pino, and every registered secret,
 * or any 8+ characters of one, is masked wherever it appears in the line (`hostSecrets`).
 */
export const createLogger = (level: string, destination: NodeJS.WritableStream = process.stderr, secrets: SecretRedactor = hostSecrets): Logger =>
  pino(
    {
      level,
      base: { app: 'syslog-connector' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    redactingStream(destination, secrets),
  ) as unknown as Logger;

/** A logger that writes nothing, for commands whose output is the report itself. */
export const silentLogger = (): Logger => createLogger('silent');
