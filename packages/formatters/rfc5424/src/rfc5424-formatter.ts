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
  NILVALUE,
  checkedCefSeverity,
  encodeJsonBody,
  escapeSdParamValue,
  formatRejected,
  rfc5424Hostname,
  rfc5424MessageId,
  rfc5424MicrosecondTimestamp,
  rfc5424Timestamp,
  syslogPriorities,
} from '@syslog-connector/syslog-encoding';
import { rfc5424Options, type Rfc5424Options } from './options.js';

/** The services an `Rfc5424Formatter` uses: who we are (HOSTNAME) and where CEF truncations are counted. */
export interface Rfc5424FormatterDeps {
  readonly host: HostIdentity;
  readonly metrics: Metrics;
}

/** RFC 5424 §6.4: the UTF-8 byte order mark that starts a UTF-8 MSG. */
const BOM = '\uFEFF';
/** Escaped `source` and `type` values remembered; sources and data types are few, the cap guards the rest. */
const MAX_CACHED_PARAMS = 256;

/**
 * Formats a `SecurityEvent` as one RFC 5424 message (FACTS §E.1), without framing:
 *
 * - standard: `<PRI>1 2022-12-05T05:26:45.000Z HOST APP-NAME PROCID MSGID [sc@32473 key="…" source="…" type="…"] MSG`
 * - mdi: `<PRI>1 2018-02-21T14:19:27.540000+00:00 HOST CEF PID MSGID BOM0|Microsoft|…` (FACTS §C.5)
 *
 * PRI = facility × 8 + the syslog severity of core's table for the CEF severity (§6.2.1). TIMESTAMP is the event's
 * own time in UTC (§6.2.3), so a resent event is byte-identical; `-` when it has no 4-digit year. HOSTNAME is the
 * instance FQDN, MSGID the CEF signature id (the event's type), each PRINTUSASCII within its length (§6.2.4–7).
 * STRUCTURED-DATA carries the event key, source and type with `"` `\` `]` escaped (§6.3.3). MSG is the CEF line
 * or the raw event as JSON (`body`). An event it cannot represent is rejected with `FORMAT_REJECTED`.
 */
export class Rfc5424Formatter implements Formatter {
  readonly #mdi: boolean;
  readonly #json: boolean;
  readonly #encoder: CefRecordEncoder;
  /** `<PRI>1 ` (PRI and VERSION) for CEF severities 0–10. */
  readonly #heads: readonly string[];
  /** ` HOSTNAME APP-NAME PROCID ` between TIMESTAMP and MSGID. */
  readonly #middle: string;
  /** `[SD-ID key="`, or undefined when no structured data is written. */
  readonly #sdOpen: string | undefined;
  /** The BOM or nothing, before MSG. */
  readonly #bom: string;
  readonly #params = new Map<string, string>();
  /**
   * The end of the message header for the last source and type, `" source="…" type="…"] ` and the BOM: the same
   * for every event of one source and data type, so it is made once per change of either.
   */
  #lastSource: string | undefined;
  #lastType: string | undefined;
  #lastSdTail = '';

  constructor(options: Rfc5424Options, deps: Rfc5424FormatterDeps) {
    this.#mdi = options.profile === 'mdi';
    this.#json = options.body === 'json';
    this.#encoder = new CefRecordEncoder(options.cefTimeFormat, deps.metrics);
    this.#heads = syslogPriorities(options.facility).map((pri) => `${pri}1 `);
    const appName = this.#mdi ? 'CEF' : options.appName;
    const procId = options.procId ?? (this.#mdi ? `${process.pid}` : NILVALUE);
    this.#middle = ` ${rfc5424Hostname(deps.host.instance)} ${appName} ${procId} `;
    this.#sdOpen = this.#mdi || !options.structuredData ? undefined : `[${options.sdId} key="`;
    this.#bom = this.#mdi || options.bom ? BOM : '';
  }

  format(event: SecurityEvent): string {
    const record = event.record;
    let body: string;
    if (this.#json) {
      checkedCefSeverity(record.severity);
      body = encodeJsonBody(event.raw);
    } else {
      // The encoder validates the record, the severity among it, before the header uses it.
      body = this.#encoder.encode(record);
      // FACTS §C.5: MDI sends the CEF line without its `CEF:` (`0|Microsoft|…`).
      if (this.#mdi) body = body.slice(4);
    }
    const signatureId: unknown = record.signatureId;
    if (typeof signatureId !== 'string') throw formatRejected(`The CEF signature id is a ${typeof signatureId}, not a string.`);
    const head = this.#heads[record.severity] as string;
    const msgId = rfc5424MessageId(signatureId);
    if (this.#mdi) return `${head}${rfc5424MicrosecondTimestamp(event.time)}${this.#middle}${msgId} ${this.#bom}${body}`;
    return `${head}${rfc5424Timestamp(event.time)}${this.#middle}${msgId} ${this.#structuredDataAndBom(event)}${body}`;
  }

  /** RFC 5424 §6.3: `[SD-ID key="…" source="…" type="…"]`, or `-`; then the space before MSG and the BOM. */
  #structuredDataAndBom(event: SecurityEvent): string {
    if (this.#sdOpen === undefined) return `- ${this.#bom}`;
    const key = escapeSdParamValue(this.#text(event.key, 'key'));
    const source: unknown = event.source;
    const type: unknown = event.type;
    // Both were checked to be strings when they were remembered; nothing is remembered before the first event.
    if (this.#lastSource === undefined || source !== this.#lastSource || type !== this.#lastType) {
      this.#lastSdTail = `" source="${this.#param(source, 'source')}" type="${this.#param(type, 'type')}"] ${this.#bom}`;
      this.#lastSource = source as string;
      this.#lastType = type as string;
    }
    return this.#sdOpen + key + this.#lastSdTail;
  }

  #param(value: unknown, name: string): string {
    const text = this.#text(value, name);
    let escaped = this.#params.get(text);
    if (escaped === undefined) {
      escaped = escapeSdParamValue(text);
      if (this.#params.size < MAX_CACHED_PARAMS) this.#params.set(text, escaped);
    }
    return escaped;
  }

  #text(value: unknown, name: string): string {
    if (typeof value !== 'string') throw formatRejected(`The event ${name} is a ${typeof value}, not a string.`);
    return value;
  }
}

/** The `rfc5424` formatter plugin: `format: rfc5424` on a destination, options under `rfc5424:`. */
export const rfc5424Formatter = defineFormatter({
  type: 'rfc5424',
  meta: { summary: 'RFC 5424 syslog with structured data and a CEF or JSON body (or MDI\'s form)', stability: 'beta' },
  options: rfc5424Options,
  deps: { host: services.host, metrics: services.metrics },
  create: ({ options, deps }) => new Rfc5424Formatter(options, deps),
});
