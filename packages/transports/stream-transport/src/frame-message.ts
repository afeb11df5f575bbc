/** RFC 6587 §3.4: how messages are delimited on the stream. */
export const STREAM_FRAMINGS = ['octet-counting', 'lf'] as const;
export type StreamFraming = (typeof STREAM_FRAMINGS)[number];

/**
 * One message framed for the stream (RFC 6587 §3.4):
 * - octet-counting (§3.4.1): `MSG-LEN SP SYSLOG-MSG`, MSG-LEN being the number of octets — UTF-8 bytes, not
 *   UTF-16 characters — of the message. A lone surrogate is encoded as U+FFFD (3 bytes) by both `byteLength`
 *   and the socket's UTF-8 encoder, so the count always matches the bytes written.
 * - lf (§3.4.2): `SYSLOG-MSG LF`. The trailer is not escaped, so a message containing LF would be read as two
 *   records; formatters guarantee there is none (core's `Formatter` contract), `frameMessage` does not re-check.
 */
export const frameMessage = (message: string, framing: StreamFraming): string =>
  framing === 'lf' ? `${message}\n` : `${Buffer.byteLength(message, 'utf8')} ${message}`;
