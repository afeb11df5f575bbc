import type { FacilityName, SecurityEvent } from '@syslog-connector/core';
import { formatRejected, quoteForError } from './format-rejected.js';
import { rfc3164Hostname, rfc3164Timestamp, rfc5424Hostname, rfc5424MessageId, rfc5424Timestamp, syslogPriority } from './syslog-header-fields.js';

/** The syslog headers a format can write before its own line (CEF, LEEF): RFC 3164, RFC 5424, or none. */
export const SYSLOG_PREFIXES = ['rfc3164', 'rfc5424', 'none'] as const;
export type SyslogPrefix = (typeof SYSLOG_PREFIXES)[number];

/** What a `SyslogEnvelope` writes: which header, the RFC 5424 APP-NAME, the destination's facility override. */
export interface SyslogEnvelopeOptions {
  readonly prefix: SyslogPrefix;
  readonly appName: string;
  readonly facility?: FacilityName | undefined;
}

/**
 * The syslog header in front of a CEF or LEEF line, from the event alone (so a resent event is byte-identical):
 *
 * - rfc3164: `<PRI>Mmm dd hh:mm:ss HOST ` (RFC 3164 §4.1.2, UTC, the domain dropped from the instance);
 * - rfc5424: `<PRI>1 TIMESTAMP HOST APP-NAME - MSGID - ` (RFC 5424 §6.2; PROCID and STRUCTURED-DATA nil, MSGID the
 *   signature id);
 * - none: the empty string.
 *
 * The PRI is the vendor's (`record.syslog`) with `facility` overriding its facility, else from the CEF severity
 * (`syslogPriority`). An event time without a 4-digit year is rejected for rfc3164 (`FORMAT_REJECTED`); RFC 5424
 * writes `-` for it. The header is printable ASCII: one byte per character.
 */
export class SyslogEnvelope {
  readonly #prefix: SyslogPrefix;
  readonly #facility: FacilityName | undefined;
  /** rfc3164: ` HOSTNAME ` after the timestamp. */
  readonly #rfc3164Host: string;
  /** rfc5424: ` HOSTNAME APP-NAME - ` between TIMESTAMP and MSGID (PROCID is NILVALUE). */
  readonly #rfc5424Middle: string;
  /** rfc3164: the header written last, with its PRI and the UTC second of its time (events of a burst share both). */
  #lastPri = '';
  #lastSecond = Number.NaN;
  #lastHeader = '';

  constructor(options: SyslogEnvelopeOptions, instance: string) {
    this.#prefix = options.prefix;
    this.#facility = options.facility;
    this.#rfc3164Host = ` ${rfc3164Hostname(instance)} `;
    this.#rfc5424Middle = ` ${rfc5424Hostname(instance)} ${options.appName} - `;
  }

  get prefix(): SyslogPrefix {
    return this.#prefix;
  }

  /** The header for `event` (whose record's severity was checked), ending in the space before the format's line. */
  of(event: SecurityEvent): string {
    if (this.#prefix === 'none') return '';
    const record = event.record;
    const pri = syslogPriority(record, this.#facility);
    if (this.#prefix === 'rfc3164') {
      // The timestamp is to the second: the same PRI in the same second is the same header. A time without a
      // 4-digit year never matches (it was never stored: it throws below).
      const second = Math.floor(Math.trunc(event.time) / 1000); // whole ms, as the timestamp takes them
      if (second === this.#lastSecond && pri === this.#lastPri) return this.#lastHeader;
      const timestamp = rfc3164Timestamp(event.time);
      if (timestamp === undefined) {
        throw formatRejected(`The event time ${quoteForError(event.time)} has no RFC 3164 timestamp (it needs a 4-digit year).`);
      }
      this.#lastPri = pri;
      this.#lastSecond = second;
      this.#lastHeader = pri + timestamp + this.#rfc3164Host;
      return this.#lastHeader;
    }
    return `${pri}1 ${rfc5424Timestamp(event.time)}${this.#rfc5424Middle}${rfc5424MessageId(record.signatureId)} - `;
  }
}
