import {
  defineFormatter,
  services,
  type Formatter,
  type HostIdentity,
  type Metrics,
  type SecurityEvent,
} from '@syslog-connector/core';
import {
  CefRecordEncoder,
  formatRejected,
  quoteForError,
  rfc3164Hostname,
  rfc3164Timestamp,
  rfc5424Hostname,
  rfc5424MessageId,
  rfc5424Timestamp,
  syslogPriorities,
} from '@syslog-connector/syslog-encoding';
import { cefOptions, type CefOptions, type CefPrefix } from './options.js';

/** The services a `CefFormatter` uses: who we are (syslog HOSTNAME) and where truncations are counted. */
export interface CefFormatterDeps {
  readonly host: HostIdentity;
  readonly metrics: Metrics;
}

/**
 * Formats a `SecurityEvent` as one ArcSight CEF:0 line (FACTS §E.7) behind an RFC 3164 or RFC 5424 syslog header
 * (FACTS §E.2, §E.1), or none:
 *
 * - rfc3164: `<PRI>Mmm dd hh:mm:ss HOST CEF:0|Vendor|Product|Version|SignatureId|Name|Severity|k=v …`
 * - rfc5424: `<PRI>1 2022-12-05T05:26:45.000Z HOST APP-NAME - MSGID - CEF:0|…`
 * - none: `CEF:0|…`
 *
 * The header timestamp is the event's own time (`event.time`), not the time of sending, so a resent event is
 * byte-identical and the output depends on the event alone. PRI = facility × 8 + the syslog severity core maps
 * from the CEF severity (`priorityOf`). An event it cannot represent is rejected with `FORMAT_REJECTED` (see
 * `CefRecordEncoder`), so the destination dead-letters it instead of sending something a SIEM would misparse.
 */
export class CefFormatter implements Formatter {
  readonly #prefix: CefPrefix;
  readonly #encoder: CefRecordEncoder;
  /** `<PRI>` for CEF severities 0–10. */
  readonly #priorities: readonly string[];
  /** rfc3164: ` HOSTNAME ` after the timestamp. */
  readonly #rfc3164Host: string;
  /** rfc5424: ` HOSTNAME APP-NAME - ` between TIMESTAMP and MSGID (PROCID is NILVALUE). */
  readonly #rfc5424Middle: string;

  constructor(options: CefOptions, deps: CefFormatterDeps) {
    this.#prefix = options.prefix;
    this.#encoder = new CefRecordEncoder(options.timeFormat, deps.metrics);
    this.#priorities = syslogPriorities(options.facility);
    this.#rfc3164Host = ` ${rfc3164Hostname(deps.host.instance)} `;
    this.#rfc5424Middle = ` ${rfc5424Hostname(deps.host.instance)} ${options.appName} - `;
  }

  format(event: SecurityEvent): string {
    // The encoder validates the record (the severity among it) before the header uses it.
    const cef = this.#encoder.encode(event.record);
    const prefix = this.#prefix;
    if (prefix === 'none') return cef;
    const pri = this.#priorities[event.record.severity] as string;
    if (prefix === 'rfc3164') {
      const timestamp = rfc3164Timestamp(event.time);
      if (timestamp === undefined) {
        throw formatRejected(`The event time ${quoteForError(event.time)} has no RFC 3164 timestamp (it needs a 4-digit year).`);
      }
      return pri + timestamp + this.#rfc3164Host + cef;
    }
    return `${pri}1 ${rfc5424Timestamp(event.time)}${this.#rfc5424Middle}${rfc5424MessageId(event.record.signatureId)} - ${cef}`;
  }
}

/** The `cef` formatter plugin: `format: cef` on a destination, options under `cef:`. */
export const cefFormatter = defineFormatter({
  type: 'cef',
  meta: { summary: 'ArcSight CEF:0 with an RFC 3164 or RFC 5424 syslog prefix', stability: 'beta' },
  options: cefOptions,
  deps: { host: services.host, metrics: services.metrics },
  create: ({ options, deps }) => new CefFormatter(options, deps),
});
