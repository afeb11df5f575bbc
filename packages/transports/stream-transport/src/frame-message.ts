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

/** Room for an octet count before its message: up to 10 digits (a message under 10 GB) and the space. */
const PREFIX_ROOM = 11;

/**
 * Frames `messages[start…]` into one buffer of about `targetBytes` (at least the first message, whatever its
 * size), encoding each message once, straight into the buffer: the same bytes as `frameMessage` of each,
 * encoded as UTF-8. `next` is the index of the first message left out.
 *
 * For octet counting the message is written first, after room for its count, and the count is put in front of it
 * once its byte length is known (`Buffer#write` returns it): no separate `Buffer.byteLength` pass over the text.
 */
export const frameChunk = (
  messages: readonly string[],
  start: number,
  framing: StreamFraming,
  targetBytes: number,
): { readonly chunk: Buffer; readonly next: number } => {
  // A UTF-16 unit is at most 3 bytes of UTF-8 (a surrogate pair: 4 bytes for 2 units; a lone one: U+FFFD, 3).
  const worst = (message: string): number => message.length * 3 + PREFIX_ROOM;
  const buffer = Buffer.allocUnsafe(Math.max(targetBytes, worst(messages[start] ?? '')));
  let at = 0;
  let index = start;
  for (; index < messages.length; index += 1) {
    const message = messages[index] as string;
    if (index > start && at + worst(message) > buffer.length) break;
    if (framing === 'lf') {
      at += buffer.write(message, at, 'utf8');
      buffer[at] = 0x0a;
      at += 1;
      continue;
    }
    // Most messages are ASCII: guess the count's width from the UTF-16 length and write the message right
    // after it; move the message only when the guess was wrong.
    const guess = decimalWidth(message.length) + 1;
    const bytes = buffer.write(message, at + guess, 'utf8');
    const width = decimalWidth(bytes);
    if (width + 1 !== guess) buffer.copyWithin(at + width + 1, at + guess, at + guess + bytes);
    // The count's digits and the space, written as bytes: no string per message.
    let digit = at + width;
    buffer[digit] = 0x20;
    for (let rest = bytes; digit > at; rest = Math.floor(rest / 10)) buffer[--digit] = 0x30 + (rest % 10);
    at += width + 1 + bytes;
  }
  return { chunk: buffer.subarray(0, at), next: index };
};

/** Decimal digits of a non-negative integer. */
const decimalWidth = (n: number): number => (n < 10 ? 1 : n < 100 ? 2 : n < 1_000 ? 3 : n < 10_000 ? 4 : n < 100_000 ? 5 : String(n).length);
