import type { SecurityEvent } from './security-event.js';

/**
 * Turns one event into one syslog message, without framing. Pure and synchronous: it is the hot path.
 * The message never contains a raw CR, LF or NUL, whatever the event's fields contain.
 * A formatter that cannot represent an event throws a `SyslogConnectorError` with code `FORMAT_REJECTED`;
 * the destination dead-letters that event and goes on.
 */
export interface Formatter {
  format(event: SecurityEvent): string;
}
