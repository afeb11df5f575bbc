import { SyslogConnectorError } from '@syslog-connector/core';
import { truncateCodePoints } from './truncate-code-points.js';

const HINT = 'Fix the mapping in the source plugin that produced this event; the event was kept as a dead letter.';

/**
 * The error for an event this formatter cannot represent: the destination dead-letters the event and goes on
 * (core `Formatter` contract). The message names the field; it never quotes a field value at length.
 */
export const formatRejected = (message: string): SyslogConnectorError =>
  new SyslogConnectorError('FORMAT_REJECTED', message, { hint: HINT });

/** A short, single-line rendering of an offending key or number for an error message (JSON escapes controls). */
export const quoteForError = (value: unknown): string =>
  typeof value === 'string'
    ? JSON.stringify(truncateCodePoints(value, 64))
    : typeof value === 'number'
      ? `${value}`
      : typeof value;
