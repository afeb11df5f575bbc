import { FramingError } from './octet-counting-decoder.js';

const LF = 0x0a;

/**
 * Splits a TCP byte stream at each LF: non-transparent framing, RFC 6587 §3.4.2 (`SYSLOG-MSG TRAILER`, the
 * trailer being LF). The frame is everything before the LF, exactly: a CR before it stays in the frame, so a
 * test sees a sender that writes CRLF.
 */
export class LineFeedDecoder {
  readonly #maxFrameBytes: number;
  #parts: Buffer[] = [];
  #held = 0;

  constructor(maxFrameBytes = 64 * 1024 * 1024) {
    this.#maxFrameBytes = maxFrameBytes;
  }

  /** Feeds a chunk; returns the frames it completed, in order. */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    let start = 0;
    for (let lf = chunk.indexOf(LF, start); lf !== -1; lf = chunk.indexOf(LF, start)) {
      this.#parts.push(chunk.subarray(start, lf));
      frames.push(Buffer.concat(this.#parts));
      this.#parts = [];
      this.#held = 0;
      start = lf + 1;
    }
    if (start < chunk.length) {
      this.#held += chunk.length - start;
      if (this.#held > this.#maxFrameBytes) {
        throw new FramingError(`no LF within ${this.#maxFrameBytes} bytes: is the sender using octet-counting framing?`);
      }
      this.#parts.push(chunk.subarray(start));
    }
    return frames;
  }

  /** True when the stream stopped between frames (nothing partial is held). */
  get idle(): boolean {
    return this.#held === 0;
  }
}
