/** A byte stream that does not follow its framing; the connection cannot be read any further. */
export class FramingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FramingError';
  }
}

const SPACE = 0x20;
const ZERO = 0x30;
const NINE = 0x39;
/** Longest MSG-LEN accepted (digits); 9 digits is just under 1 GB, far beyond any syslog message. */
const MAX_LENGTH_DIGITS = 9;

/**
 * Splits a TCP byte stream into octet-counted frames, RFC 6587 §3.4.1 / RFC 5425 §4.3:
 * `SYSLOG-FRAME = MSG-LEN SP SYSLOG-MSG`, `MSG-LEN = NONZERO-DIGIT *DIGIT` counting the octets (UTF-8 bytes, not
 * characters) of SYSLOG-MSG. A frame may be split across chunks and a chunk may hold several frames; a frame's
 * bytes are copied once, when it is complete.
 */
export class OctetCountingDecoder {
  readonly #maxFrameBytes: number;
  /** The value of the MSG-LEN digits read so far. */
  #length = 0;
  #lengthDigits = 0;
  /** Bytes of the body still to come, or -1 while reading MSG-LEN. */
  #remaining = -1;
  #parts: Buffer[] = [];
  /** Bytes consumed since the connection opened, for error messages. */
  #offset = 0;

  constructor(maxFrameBytes = 64 * 1024 * 1024) {
    this.#maxFrameBytes = maxFrameBytes;
  }

  /** Feeds a chunk; returns the frames it completed, in order. Throws `FramingError` on bytes that break the grammar. */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.#remaining === -1) {
        const byte = chunk[at] as number;
        at += 1;
        this.#offset += 1;
        if (byte === SPACE && this.#lengthDigits > 0) {
          if (this.#length > this.#maxFrameBytes) {
            throw new FramingError(`MSG-LEN ${this.#length} is above the receiver's limit of ${this.#maxFrameBytes} bytes`);
          }
          this.#remaining = this.#length;
          this.#length = 0;
          this.#lengthDigits = 0;
          this.#parts = [];
          continue;
        }
        if (byte < ZERO || byte > NINE || (byte === ZERO && this.#lengthDigits === 0) || this.#lengthDigits === MAX_LENGTH_DIGITS) {
          throw new FramingError(
            `byte ${this.#offset - 1} of the stream is ${describeByte(byte)} where MSG-LEN (a number without leading zeros, then a space) was expected`,
          );
        }
        this.#length = this.#length * 10 + (byte - ZERO);
        this.#lengthDigits += 1;
        continue;
      }
      const take = Math.min(this.#remaining, chunk.length - at);
      this.#parts.push(chunk.subarray(at, at + take));
      at += take;
      this.#offset += take;
      this.#remaining -= take;
      if (this.#remaining === 0) {
        frames.push(Buffer.concat(this.#parts));
        this.#parts = [];
        this.#remaining = -1;
      }
    }
    return frames;
  }

  /** True when the stream stopped between frames (nothing partial is held). */
  get idle(): boolean {
    return this.#remaining === -1 && this.#lengthDigits === 0;
  }
}

const describeByte = (byte: number): string =>
  byte >= 0x21 && byte <= 0x7e ? `"${String.fromCharCode(byte)}"` : `0x${byte.toString(16).padStart(2, '0')}`;
