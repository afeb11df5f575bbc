import type { Logger } from '@syslog-connector/core';
import { pino } from 'pino';

/** Field names whose values are secrets wherever they appear (one level deep and at the top). */
const SECRET_FIELDS = ['token', 'secret', 'clientSecret', 'password', 'passphrase', 'authorization', 'apiKey'];

export const REDACTED_PATHS = SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`, `headers.${f}`]);

/** Structured logs, one JSON event per line on stderr (stdout stays free for command output), secrets redacted. */
export const createLogger = (level: string, destination: NodeJS.WritableStream = process.stderr): Logger =>
  pino(
    {
      level,
      base: { app: 'syslog-connector' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  ) as unknown as Logger;

/** A logger that writes nothing, for commands whose output is the report itself. */
export const silentLogger = (): Logger => createLogger('silent');
