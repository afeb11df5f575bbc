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
  NILVALUE,
  checkedCefSeverity,
  encodeCefWithin,
  encodeJsonBody,
  escapeSdParamValue,
  formatRejected,
  rfc5424Hostname,
  rfc5424MessageId,
  rfc5424MicrosecondTimestamp,
  rfc5424Timestamp,
  syslogPriority,
} from '@syslog-connector/syslog-encoding';
import { rfc5424Options, type Rfc5424Options, type Rfc5424Profile } from './options.js';


/** The services an `Rfc5424Formatter` uses: who we are (HOSTNAME) and where CEF truncations are counted. */
export interface Rfc5424FormatterDeps {
  readonly host: HostIdentity;
  readonly metrics: Metrics;
}

/** RFC 5424 §6.4: the UTF-8 byte order mark that starts a UTF-8 MSG. */
const BOM = '\uFEFF';
/** The BOM's UTF-8 bytes. */
const BOM_BYTES = 3;
/** Escaped `source` and `type` values remembered; sources and data types are few, the cap guards the rest. */
const MAX_CACHED_PARAMS = 256;

/**
 * Formats a `SecurityEvent` as one RFC 5424 message (FACTS §E.1), without framing:
 *
 * - standard: `<PRI>1 2022-12-05T05:26:45.000Z HOST APP-NAME PROCID MSGID [sc@32473 key="…" source="…" type="…"] MSG`
 * - mdi: `<PRI>1 2018-02-21T14:19:27.540000+00:00 HOST CEF PID MSGID BOM0|Microsoft|…` (FACTS §C.5)
 *
 * Each event goes out in the form its vendor publishes (`record.syslog.rfc5424`: mdi for MDI's events, standard
 * otherwise) unless `profile` overrides it, or `body: json` asks for the standard form's JSON body. PRI (§6.2.1) is
 * the vendor's when the record declares one, else facility (default user) × 8 + core's table for the CEF severity;
 * `facility` overrides the vendor's. CEF times are in their vendor's form unless `cefTimeFormat` overrides it.
 * TIMESTAMP is the event's
 * own time in UTC (§6.2.3), so a resent event is byte-identical; `-` when it has no 4-digit year. HOSTNAME is the
 * instance FQDN, MSGID the CEF signature id (the event's type), each PRINTUSASCII within its length (§6.2.4–7).
 * STRUCTURED-DATA carries the event key, source and type with `"` `\` `]` escaped (§6.3.3). MSG is the CEF line
 * or the raw event as JSON (`body`). A CEF body longer than the transport carries (`maxBytes`) gives up its free
 * text first (`encodeCefWithin`). An event it cannot represent is rejected with `FORMAT_REJECTED`.
 */
export class Rfc5424Formatter implements Formatter {
  /** The destination's `profile` override; undefined: each event in its vendor's form. */
  readonly #profile: Rfc5424Profile | undefined;
  readonly #json: boolean;
  readonly #encoder: CefRecordEncoder;
  readonly #facility: Rfc5424Options['facility'];
  readonly #metrics: Metrics;
  /** ` HOSTNAME APP-NAME PROCID ` between TIMESTAMP and MSGID, standard form. */
  readonly #middle: string;
  /** ` HOSTNAME CEF PID ` between TIMESTAMP and MSGID, mdi form. */
  readonly #mdiMiddle: string;
  /** `[SD-ID key="`, or undefined when no structured data is written. */
  readonly #sdOpen: string | undefined;
  /** The BOM or nothing, before MSG, standard form. */
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
    this.#profile = options.profile;
    this.#json = options.body === 'json';
    this.#encoder = new CefRecordEncoder(options.cefTimeFormat, deps.metrics);
    this.#facility = options.facility;
    this.#metrics = deps.metrics;
    const hostname = rfc5424Hostname(deps.host.instance);
    this.#middle = ` ${hostname} ${options.appName} ${options.procId ?? (options.profile === 'mdi' ? `${process.pid}` : NILVALUE)} `;
    this.#mdiMiddle = ` ${hostname} CEF ${options.procId ?? `${process.pid}`} `;
    this.#sdOpen = options.profile === 'mdi' || !options.structuredData ? undefined : `[${options.sdId} key="`;
    this.#bom = options.profile === 'mdi' || options.bom ? BOM : '';
  }

  format(event: SecurityEvent, maxBytes?: number): string {
    const record = event.record;
    checkedCefSeverity(record.severity);
    const signatureId: unknown = record.signatureId;
    if (typeof signatureId !== 'string') throw formatRejected(`The CEF signature id is a ${typeof signatureId}, not a string.`);
    const pri = syslogPriority(record, this.#facility);
    const msgId = rfc5424MessageId(signatureId);
    const mdi = this.#json ? false : (this.#profile ?? record.syslog?.rfc5424 ?? 'standard') === 'mdi';
    // The header is ASCII (one byte per character) but for the BOM, so what is left of maxBytes is the body's.
    const head = mdi
      ? `${pri}1 ${rfc5424MicrosecondTimestamp(event.time)}${this.#mdiMiddle}${msgId} ${BOM}`
      : `${pri}1 ${rfc5424Timestamp(event.time)}${this.#middle}${msgId} ${this.#structuredDataAndBom(event)}`;
    if (this.#json) return head + encodeJsonBody(event.raw);
    let body: string;
    if (maxBytes === undefined) {
      body = this.#encoder.encode(record);
    } else {
      const headBytes = head.length + (head.endsWith(BOM) ? BOM_BYTES - 1 : 0);
      // The mdi form drops `CEF:` (4 bytes) from the line, so the line may be 4 bytes longer than its room.
      const fitted = encodeCefWithin(this.#encoder, record, maxBytes - headBytes + (mdi ? 4 : 0), this.#metrics);
      if (fitted.cut) this.#metrics.increment(FORMAT_TRUNCATIONS_METRIC, { key: MESSAGE_TRUNCATION_KEY });
      body = fitted.line;
    }
    // FACTS §C.5: MDI sends the CEF line without its `CEF:` (`0|Microsoft|…`).
    return head + (mdi ? body.slice(4) : body);
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
