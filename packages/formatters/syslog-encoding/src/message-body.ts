import { z } from '@syslog-connector/core';
import { formatRejected } from './format-rejected.js';

/** What the MSG part of a syslog message carries: the CEF line of the event's record, or its raw vendor JSON. */
export const MESSAGE_BODIES = ['cef', 'json'] as const;
export type MessageBody = (typeof MESSAGE_BODIES)[number];

/** The `body` option shared by the syslog formatters; `cef` by default. */
export const messageBodyOption = () =>
  z
    .enum(MESSAGE_BODIES)
    .default('cef')
    .describe(
      'What MSG carries: cef (the event as a CEF:0 line, escaped per the CEF standard) or json (the raw vendor ' +
        'event as JSON.stringify writes it: one line, control characters escaped).',
    );

/**
 * The raw vendor event as one line of JSON. `JSON.stringify` escapes every control character below U+0020 (CR, LF
 * and NUL among them) and writes a lone surrogate as a `\udxxx` escape, so the text is one record and well-formed
 * UTF-16 whatever the event holds, and parses back to the event. What it cannot write (a cycle, a BigInt, no
 * value at all) is rejected with `FORMAT_REJECTED`.
 */
export const encodeJsonBody = (raw: unknown): string => {
  let json: string | undefined;
  try {
    json = JSON.stringify(raw) as string | undefined;
  } catch (error) {
    throw formatRejected(`The raw event cannot be written as JSON: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}.`);
  }
  if (json === undefined) throw formatRejected(`The raw event is ${typeof raw}, which has no JSON form.`);
  return json;
};
