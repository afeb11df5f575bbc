import { defineFormatter, type Formatter, type HostIdentity, type SecurityEvent, services, z } from '@syslog-connector/core';

/**
 * An example of an out-of-tree plugin: it depends on `@syslog-connector/core` only, and the host loads it from the
 * config's `plugins:` list with no change to core or the host app. It writes each event as one JSON object.
 */
class JsonLinesFormatter implements Formatter {
  readonly #host: HostIdentity;
  readonly #pretty: boolean;

  constructor(host: HostIdentity, includeRaw: boolean) {
    this.#host = host;
    this.#pretty = includeRaw;
  }

  format(event: SecurityEvent): string {
    // JSON.stringify escapes CR, LF and every other control character, so one event is always one line.
    return JSON.stringify({
      host: this.#host.instance,
      key: event.key,
      source: event.source,
      type: event.type,
      time: new Date(event.time).toISOString(),
      name: event.record.name,
      severity: event.record.severity,
      fields: Object.fromEntries(event.record.extensions),
      ...(this.#pretty ? { raw: event.raw } : {}),
    });
  }
}

export const jsonLinesFormatter = defineFormatter({
  type: 'example-json',
  meta: { summary: 'Example plugin: one JSON object per message', stability: 'experimental' },
  options: z.strictObject({
    includeRaw: z.boolean().default(false).describe('Add the vendor event as `raw`.'),
  }),
  deps: { host: services.host },
  create: ({ options, deps }) => new JsonLinesFormatter(deps.host, options.includeRaw),
});
