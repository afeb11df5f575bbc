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
  SyslogEnvelope,
  checkedCefSeverity,
  encodeCefWithin,
} from '@syslog-connector/syslog-encoding';
import { cefOptions, type CefOptions } from './options.js';


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
  /** The syslog header (`SyslogEnvelope`): prefix, PRI with the facility override, HOSTNAME, APP-NAME. */
  readonly #envelope: SyslogEnvelope;
  readonly #encoder: CefRecordEncoder;
  readonly #metrics: Metrics;

  constructor(options: CefOptions, deps: CefFormatterDeps) {
    this.#envelope = new SyslogEnvelope(options, deps.host.instance);
    this.#encoder = new CefRecordEncoder(options.timeFormat, deps.metrics);
    this.#metrics = deps.metrics;
  }

  format(event: SecurityEvent, maxBytes?: number): string {
    const record = event.record;
    if (maxBytes === undefined) {
      // The encoder validates the record (the severity among it) before the header uses it.
      const cef = this.#encoder.encode(record);
      return this.#envelope.of(event) + cef;
    }
    // The header is ASCII (one byte per character), so what is left of maxBytes is the CEF line's budget. The
    // header comes first here: the severity it reads is checked by the encoder only after, so check it now.
    checkedCefSeverity(record.severity);
    const header = this.#envelope.of(event);
    const fitted = encodeCefWithin(this.#encoder, record, maxBytes - header.length, this.#metrics);
    if (fitted.cut) this.#metrics.increment(FORMAT_TRUNCATIONS_METRIC, { key: MESSAGE_TRUNCATION_KEY });
    return header + fitted.line;
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
