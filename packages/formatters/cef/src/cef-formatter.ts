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
  checkedCefSeverity,
  encodeCefWithin,
  formatRejected,
  quoteForError,
  rfc3164Hostname,
  rfc3164Timestamp,
  rfc5424Hostname,
  rfc5424MessageId,
  rfc5424Timestamp,
  syslogPriority,
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
 * byte-identical and the output depends on the event alone. The record's vendor profile is honoured with no
 * option: each time in its vendor's form, the vendor's PRI (`record.syslog`, see `syslogPriority`); `facility`
 * and `timeFormat` override them when set. A message longer than the transport carries (`maxBytes`) gives up its
 * free text first (`encodeCefWithin`). An event it cannot represent is rejected with `FORMAT_REJECTED` (see
 * `CefRecordEncoder`), so the destination dead-letters it instead of sending something a SIEM would misparse.
 */
export class CefFormatter implements Formatter {
  readonly #prefix: CefPrefix;
  readonly #encoder: CefRecordEncoder;
  /** The destination's facility override; undefined: the vendor's (`record.syslog.facility`), else user. */
  readonly #facility: CefOptions['facility'];
  readonly #metrics: Metrics;
  /** rfc3164: ` HOSTNAME ` after the timestamp. */
  readonly #rfc3164Host: string;
  /** rfc5424: ` HOSTNAME APP-NAME - ` between TIMESTAMP and MSGID (PROCID is NILVALUE). */
  readonly #rfc5424Middle: string;

  constructor(options: CefOptions, deps: CefFormatterDeps) {
    this.#prefix = options.prefix;
    this.#encoder = new CefRecordEncoder(options.timeFormat, deps.metrics);
    this.#facility = options.facility;
    this.#metrics = deps.metrics;
    this.#rfc3164Host = ` ${rfc3164Hostname(deps.host.instance)} `;
    this.#rfc5424Middle = ` ${rfc5424Hostname(deps.host.instance)} ${options.appName} - `;
  }

  format(event: SecurityEvent, maxBytes?: number): string {
    const record = event.record;
    const prefix = this.#prefix;
    if (maxBytes === undefined) {
      // The encoder validates the record (the severity among it) before the header uses it.
      const cef = this.#encoder.encode(record);
      return prefix === 'none' ? cef : this.#header(event) + cef;
    }
    // The header is ASCII (one byte per character), so what is left of maxBytes is the CEF line's budget. The
    // header comes first here: the severity it reads is checked by the encoder only after, so check it now.
    checkedCefSeverity(record.severity);
    const header = prefix === 'none' ? '' : this.#header(event);
    const fitted = encodeCefWithin(this.#encoder, record, maxBytes - header.length, this.#metrics);
    if (fitted.cut) this.#metrics.increment(FORMAT_TRUNCATIONS_METRIC, { key: MESSAGE_TRUNCATION_KEY });
    return header + fitted.line;
  }

  /** `<PRI>Mmm dd hh:mm:ss HOST ` or `<PRI>1 TIMESTAMP HOST APP-NAME - MSGID - `, for a record already checked. */
  #header(event: SecurityEvent): string {
    const record = event.record;
    const pri = syslogPriority(record, this.#facility);
    if (this.#prefix === 'rfc3164') {
      const timestamp = rfc3164Timestamp(event.time);
      if (timestamp === undefined) {
        throw formatRejected(`The event time ${quoteForError(event.time)} has no RFC 3164 timestamp (it needs a 4-digit year).`);
      }
      return pri + timestamp + this.#rfc3164Host;
    }
    return `${pri}1 ${rfc5424Timestamp(event.time)}${this.#rfc5424Middle}${rfc5424MessageId(record.signatureId)} - `;
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
