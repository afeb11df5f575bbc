import { Buffer } from 'node:buffer';
import {
  FORMAT_TRUNCATIONS_METRIC,
  MESSAGE_TRUNCATION_KEY,
  defineFormatter,
  services,
  type Formatter,
  type HostIdentity,
  type Metrics,
  type SecurityEvent,
} from '@syslog-connector/core';
import {
  CefRecordEncoder,
  Rfc3164TimestampWriter,
  checkedCefSeverity,
  encodeCefWithin,
  encodeJsonBody,
  formatRejected,
  quoteForError,
  rfc3164Hostname,
  syslogPriority,
  truncateUtf8,
} from '@syslog-connector/syslog-encoding';
import { rfc3164Options, rfc3164Tag, type Rfc3164Options } from './options.js';

/** The services an `Rfc3164Formatter` uses: who we are (HOSTNAME) and where truncations are counted. */
export interface Rfc3164FormatterDeps {
  readonly host: HostIdentity;
  readonly metrics: Metrics;
}


/**
 * Formats a `SecurityEvent` as one BSD syslog message (RFC 3164 §4.1, FACTS §E.2), without framing:
 *
 * `<PRI>Mmm dd hh:mm:ss HOSTNAME TAG: MSG`, and for the default CEF body `<PRI>Mmm dd hh:mm:ss HOSTNAME CEF:0|…`
 * (the CEF line's own `CEF:` is the TAG and its colon, as MDI sends it, FACTS §C.5).
 *
 * PRI is the vendor's when the record declares one (MDI: auth, Warning / Error), else facility (default user) × 8 +
 * core's table for the CEF severity; `facility` overrides the vendor's. TIMESTAMP is the event's own time in the
 * configured zone, the day padded with a space (§4.1.2); HOSTNAME the instance without its domain (an IP address
 * stays whole). MSG is the CEF line — its times in their vendor's form unless `cefTimeFormat` overrides it — or the
 * raw event as JSON (`body`). A message longer than `maxLength` bytes (1024, §4.1) or than the transport carries
 * gives up the CEF line's free text first, so the fields a SIEM keys on stay (`encodeCefWithin`); a JSON body is cut
 * at its end. Either is counted. An event it cannot represent is rejected with `FORMAT_REJECTED`.
 */
export class Rfc3164Formatter implements Formatter {
  readonly #json: boolean;
  readonly #encoder: CefRecordEncoder;
  readonly #timestamps: Rfc3164TimestampWriter;
  readonly #facility: Rfc3164Options['facility'];
  /** ` HOSTNAME TAG: `, or ` HOSTNAME ` when the CEF line's `CEF:` is the tag. */
  readonly #afterTimestamp: string;
  readonly #maxLength: number;
  readonly #metrics: Metrics;

  constructor(options: Rfc3164Options, deps: Rfc3164FormatterDeps) {
    this.#json = options.body === 'json';
    this.#encoder = new CefRecordEncoder(options.cefTimeFormat, deps.metrics);
    this.#timestamps = new Rfc3164TimestampWriter(options.timeZone);
    this.#facility = options.facility;
    const tag = rfc3164Tag(options);
    const tagPart = !this.#json && tag === 'CEF' ? '' : `${tag}: `;
    this.#afterTimestamp = ` ${rfc3164Hostname(deps.host.instance)} ${tagPart}`;
    this.#maxLength = options.maxLength;
    this.#metrics = deps.metrics;
  }

  format(event: SecurityEvent, maxBytes?: number): string {
    const record = event.record;
    checkedCefSeverity(record.severity);
    const timestamp = this.#timestamps.format(event.time);
    if (timestamp === undefined) {
      throw formatRejected(
        `The event time ${quoteForError(event.time)} has no RFC 3164 timestamp in ${this.#timestamps.timeZone} (it needs a 4-digit year).`,
      );
    }
    // The header is ASCII: one byte per character.
    const header = syslogPriority(record, this.#facility) + timestamp + this.#afterTimestamp;
    const budget = (maxBytes === undefined ? this.#maxLength : Math.min(this.#maxLength, maxBytes)) - header.length;
    if (!this.#json) {
      // The encoder counts the line's UTF-8 bytes as it writes it (measuring the string would make V8 flatten it).
      const fitted = encodeCefWithin(this.#encoder, record, budget, this.#metrics);
      if (fitted.cut) this.#metrics.increment(FORMAT_TRUNCATIONS_METRIC, { key: MESSAGE_TRUNCATION_KEY });
      return header + fitted.line;
    }
    let body = encodeJsonBody(event.raw);
    // JSON.stringify returns a flat string, cheap to measure. (A UTF-16 unit is at most 3 bytes of UTF-8, so a
    // short one need not be measured: its length stands in, below the limit either way.)
    const bodyBytes = body.length * 3 <= budget ? body.length : Buffer.byteLength(body, 'utf8');
    if (bodyBytes > budget) {
      body = truncateUtf8(body, budget);
      this.#metrics.increment(FORMAT_TRUNCATIONS_METRIC, { key: MESSAGE_TRUNCATION_KEY });
    }
    return header + body;
  }
}

/** The `rfc3164` formatter plugin: `format: rfc3164` on a destination, options under `rfc3164:`. */
export const rfc3164Formatter = defineFormatter({
  type: 'rfc3164',
  meta: { summary: 'BSD syslog (RFC 3164) with a CEF or JSON body, cut to 1024 bytes', stability: 'beta' },
  options: rfc3164Options,
  deps: { host: services.host, metrics: services.metrics },
  create: ({ options, deps }) => new Rfc3164Formatter(options, deps),
});
