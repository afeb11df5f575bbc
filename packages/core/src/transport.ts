import type { CheckStep } from './source.js';

/** How many messages of a `send` call are confirmed (see the transport's README for what confirmed means). */
export interface Delivery {
  readonly written: number;
}

/** A certificate a transport presents or trusts (a client certificate, a CA), as read from its file now. */
export interface CertificateValidity {
  /** The config setting that names the file: `destinations.siem.tls.cert`. */
  readonly path: string;
  readonly role: 'client' | 'ca';
  readonly subject: string;
  /** End of validity (epoch ms). */
  readonly notAfter: number;
  /** SHA-256 fingerprint: tells a renewed certificate from the one in use. */
  readonly fingerprint: string;
}

/**
 * Sends messages to one syslog server. Framing is the transport's job. `send` resolves once every message is
 * confirmed; on failure it throws a `TransportError` whose `written` says how many leading messages were
 * confirmed, and the caller re-sends the rest (the transport reconnects on the next `send`).
 */
export interface Transport {
  /**
   * Optional. The longest message this transport carries whole, in UTF-8 bytes without framing (a UDP datagram's
   * `maxMessageSize`). The destination hands it to its formatter, which shortens an event's free text to fit
   * rather than have the transport cut the end of the line. Absent: no limit the formatter needs to know.
   */
  readonly maxMessageBytes?: number | undefined;
  /**
   * Optional. True when the server acknowledges every message itself (RELP's `rsp 200 OK`): `send` resolves, and a
   * failure's `written` counts, only messages the server took. The destination then moves its cursor over them at
   * once — no unconfirmed window, no `finish` per window, no recovery steps — so a broken session re-sends only
   * what the server had not acknowledged. Absent or false: confirmed means written to the connection (TCP, TLS,
   * UDP), and the destination keeps its unconfirmed window.
   */
  readonly acknowledged?: boolean | undefined;
  /**
   * Optional. The most messages one `send` should carry; the destination sends its batches in pieces no larger.
   * A server-acknowledging transport sets its window here, so the destination commits its cursor at least once per
   * window and a SIGKILL of the daemon re-sends at most one window. Absent: the destination's own batch size.
   */
  readonly maxBatch?: number | undefined;
  /**
   * Optional. Whether the transport's connection is up, as far as it knows: false once the connection it sent on
   * closed or failed (it reconnects on the next `send`). The destination reads it before acknowledging its
   * unconfirmed window: false means the messages sent on the old connection may never have been read, so they are
   * sent again. Absent (UDP): the transport is taken at its word.
   */
  readonly connected?: boolean | undefined;
  /**
   * Optional. One line saying where this transport sends, in its own terms, for the host's screens (`validate`,
   * `test-connection`, `send-test`, `status`): `tcp 10.0.0.5:6514`, `unix /run/rsyslog/imptcp.sock`,
   * `file /var/log/siem.log`. Never a secret. Absent: the host shows the destination's `protocol` alone.
   */
  describeTarget?(): string;
  send(messages: readonly string[], signal: AbortSignal): Promise<Delivery>;
  /** DNS → connect → TLS handshake, each step reported (`test-connection`). */
  check(signal: AbortSignal): AsyncIterable<CheckStep>;
  /**
   * Optional. Ends the current connection gracefully and says whether the server confirmed that it read everything
   * sent on it: over TCP and TLS, the server answered our end of stream (FIN, close_notify) with its own, so it read
   * to the end. Resolves false — never throws — when it cannot tell: no connection, an error, or `signal` aborted
   * first (the connection is then dropped). A destination ending a drain moves its cursor over the messages of its
   * unconfirmed window only when this resolves true; otherwise they are sent again at the next start. Transports
   * with nothing to confirm (UDP) leave it out, and their window is taken at their word.
   */
  finish?(signal: AbortSignal): Promise<boolean>;
  /**
   * Optional. The certificates this transport would use on a new connection, read from their files now (TLS: the
   * client certificate and the CAs). The host warns when one expires soon, shows them in `status`, and on a reload
   * restarts a destination whose certificates changed, so the renewed ones are used at once. Throws when a file
   * cannot be read or parsed (the next connect would fail the same way). Transports without certificates leave it out.
   */
  certificates?(): Promise<readonly CertificateValidity[]>;
  close(): Promise<void>;
}
