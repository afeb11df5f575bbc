import { defineFormatter, type Formatter, type HostIdentity, type SecurityEvent, services, z } from '@syslog-connector/core';

/** Makes a value safe for one line: no CR, LF or NUL (spaces instead), no lone surrogate, `|` and `\` escaped. */
const field = (value: string): string =>
  value
    .toWellFormed()
    .replace(/[\\|]/g, (c) => `\\${c}`)
    .replace(/[\r\n\0]/g, ' ');

/** One extension value as text: a time as ISO 8601 (UTC, milliseconds), a number as written. */
const valueText = (value: SecurityEvent['record']['extensions'][number][1]): string =>
  typeof value === 'object' ? new Date(value.epochMs).toISOString() : String(value);

/**
 * `__NAME__`: one line per event, `host|vendor|product|signatureId|name|severity|key=value …`. The host checks every
 * event against the `SecurityEvent` contract before a formatter sees it, so the types can be believed.
 */
export class __PASCAL__Formatter implements Formatter {
  readonly #host: HostIdentity;
  readonly #separator: string;

  constructor(host: HostIdentity, separator: string) {
    this.#host = host;
    this.#separator = separator;
  }

  format(event: SecurityEvent): string {
    const { record } = event;
    const head = [this.#host.instance, record.vendor, record.product, record.signatureId, record.name, String(record.severity)].map(field);
    const extensions = record.extensions.map(([key, value]) => `${key}=${field(valueText(value))}`).join(this.#separator);
    return `${head.join('|')}|${extensions}`;
  }
}

export const __CAMEL__Formatter = defineFormatter({
  type: '__NAME__',
  meta: { summary: '__NAME__: one line per event, pipe-delimited header and key=value fields', stability: 'experimental' },
  options: z.strictObject({
    separator: z.enum([' ', '\t']).default(' ').describe('What separates the key=value fields: a space or a tab.'),
  }),
  deps: { host: services.host },
  create: ({ options, deps }) => new __PASCAL__Formatter(deps.host, options.separator),
});
