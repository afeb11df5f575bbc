import type { SecurityEvent } from './security-event.js';

/**
 * Turns one event into one syslog message, without framing. Pure and synchronous: it is the hot path.
 * The message never contains a raw CR, LF or NUL, whatever the event's fields contain.
 * A formatter that cannot represent an event throws a `SyslogConnectorError` with code `FORMAT_REJECTED`;
 * the destination dead-letters that event and goes on.
 */
export interface Formatter {
  /**
   * `maxBytes`, when given, is the longest message (UTF-8 bytes, without framing) the destination's transport
   * carries whole (`Transport.maxMessageBytes`, e.g. a UDP datagram). A formatter that can shorten an event's free
   * text to fit, keeping the fields a SIEM keys on, does so and counts it; one that cannot may ignore it (the
   * transport then cuts or drops the message by its own policy).
   */
  format(event: SecurityEvent, maxBytes?: number): string;
}

/**
 * The counter a formatter adds 1 to for each value or message it cuts (label `key`: the CEF key or header field
 * cut, or `MESSAGE_TRUNCATION_KEY`). The host labels it with the destination and shows the message cuts in
 * `status`.
 */
export const FORMAT_TRUNCATIONS_METRIC = 'format_truncations';

/** The `key` label of `FORMAT_TRUNCATIONS_METRIC` for a whole message shortened to fit a length limit. */
export const MESSAGE_TRUNCATION_KEY = 'syslog-message';
