/**
 * RELP frames (librelp, doc/relp.html "RELP - The Reliable Event Logging Protocol"):
 *
 *   RELP-FRAME = TXNR SP COMMAND SP DATALEN [SP DATA] TRAILER
 *   TXNR       = 1*9DIGIT   (1 … 999 999 999, then 1 again; 0 only in the server's `serverclose`)
 *   COMMAND    = 1*32ALPHA
 *   DATALEN    = 1*9DIGIT   (bytes of DATA; 0 means no SP and no DATA)
 *   TRAILER    = LF
 *
 * DATA is octet-counted, so a message may hold any byte, LF included: nothing needs escaping.
 */

/** The highest transaction number; the next one after it is 1 (relp.html, "TXNR"). */
export const MAX_TXNR = 999_999_999;

/** The next transaction number after `txnr`. */
export const nextTxnr = (txnr: number): number => (txnr >= MAX_TXNR ? 1 : txnr + 1);

const SP = 0x20;
const LF = 0x0a;

/** One frame as bytes: `TXNR SP COMMAND SP DATALEN [SP DATA] LF`. */
export const encodeFrame = (txnr: number, command: string, data = ''): Buffer => {
  const length = Buffer.byteLength(data);
  const head = length === 0 ? `${txnr} ${command} 0` : `${txnr} ${command} ${length} `;
  const headLength = head.length;
  const frame = Buffer.allocUnsafe(headLength + length + 1);
  frame.write(head, 0, 'latin1');
  if (length > 0) frame.write(data, headLength, 'utf8');
  frame[headLength + length] = LF;
  return frame;
};

/**
 * `count` syslog frames in one buffer, transaction numbers from `firstTxnr` on (wrapping after MAX_TXNR). One
 * allocation per group: the hot path of a send, measured by the benchmark.
 */
export const encodeSyslogFrames = (messages: readonly string[], from: number, count: number, firstTxnr: number): Buffer => {
  let size = 0;
  const lengths = new Array<number>(count);
  let txnr = firstTxnr;
  for (let k = 0; k < count; k++) {
    const length = Buffer.byteLength(messages[from + k] as string);
    lengths[k] = length;
    // "TXNR syslog LEN " + data + LF; an empty message is "TXNR syslog 0" + LF.
    size += String(txnr).length + 8 + String(length).length + (length === 0 ? 0 : 1) + length + 1;
    txnr = nextTxnr(txnr);
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  txnr = firstTxnr;
  for (let k = 0; k < count; k++) {
    const length = lengths[k] as number;
    at += out.write(length === 0 ? `${txnr} syslog 0` : `${txnr} syslog ${length} `, at, 'latin1');
    if (length > 0) at += out.write(messages[from + k] as string, at, 'utf8');
    out[at++] = LF;
    txnr = nextTxnr(txnr);
  }
  return out;
};

/** A frame read from the server. */
export interface RelpFrame {
  readonly txnr: number;
  readonly command: string;
  readonly data: Buffer;
}

/** The server broke the framing: the connection cannot be trusted any more. */
export class RelpFramingError extends Error {}

/** Limits on what a server may send us: responses are short; 128 KiB is far above any rsyslog answer. */
const MAX_DATALEN = 128 * 1024;

/**
 * Reads frames from the server's byte stream, across any chunk boundaries. Throws `RelpFramingError` on a frame
 * that does not follow the grammar (the connection is then dropped).
 */
export class RelpFrameDecoder {
  #buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): RelpFrame[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const frames: RelpFrame[] = [];
    let at = 0;
    for (;;) {
      const frame = this.#parse(at);
      if (frame === undefined) break;
      frames.push(frame.frame);
      at = frame.end;
    }
    this.#buffer = at === 0 ? this.#buffer : this.#buffer.subarray(at);
    return frames;
  }

  /** One frame starting at `at`, or undefined when more bytes are needed. */
  #parse(at: number): { frame: RelpFrame; end: number } | undefined {
    const b = this.#buffer;
    const txnrField = field(b, at, 9, 'TXNR', isDigit);
    if (txnrField === undefined) return undefined;
    const commandField = field(b, txnrField.end + 1, 32, 'COMMAND', isAlpha);
    if (commandField === undefined) return undefined;
    // DATALEN ends with SP (data follows) or LF (DATALEN 0, no data).
    let i = commandField.end + 1;
    const start = i;
    while (i < b.length && isDigit(b[i] as number)) i++;
    if (i >= b.length) {
      if (i - start > 9) throw new RelpFramingError('DATALEN longer than 9 digits');
      return undefined;
    }
    if (i === start || i - start > 9) throw new RelpFramingError(`bad DATALEN in a frame from the server`);
    const datalen = Number(b.toString('latin1', start, i));
    if (datalen > MAX_DATALEN) throw new RelpFramingError(`a frame from the server announces ${datalen} bytes of data`);
    let dataStart: number;
    if (b[i] === SP) {
      dataStart = i + 1;
    } else if (b[i] === LF && datalen === 0) {
      dataStart = i;
    } else {
      throw new RelpFramingError('DATALEN not followed by SP or LF');
    }
    const trailer = dataStart + datalen;
    if (trailer >= b.length) return undefined;
    if (b[trailer] !== LF) throw new RelpFramingError('frame not ended by LF (TRAILER)');
    const txnr = Number(b.toString('latin1', at, txnrField.end));
    return { frame: { txnr, command: b.toString('latin1', txnrField.end + 1, commandField.end), data: b.subarray(dataStart, trailer) }, end: trailer + 1 };
  }
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isAlpha = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/** A token of at most `max` characters of `ok`, ended by SP: its end, undefined if more bytes are needed. */
const field = (b: Buffer, at: number, max: number, name: string, ok: (c: number) => boolean): { end: number } | undefined => {
  let i = at;
  while (i < b.length && i - at <= max && ok(b[i] as number)) i++;
  if (i >= b.length) return undefined;
  if (i === at || i - at > max || b[i] !== SP) throw new RelpFramingError(`bad ${name} in a frame from the server`);
  return { end: i };
};

/** A `rsp` frame's data: `RSP-CODE [SP HUMANMSG] [LF CMDDATA]` (relp.html, "rsp"). */
export interface RelpResponse {
  readonly code: number;
  readonly message: string;
  readonly data: string;
}

export const parseResponse = (data: Buffer): RelpResponse => {
  const text = data.toString('utf8');
  const lf = text.indexOf('\n');
  const head = lf < 0 ? text : text.slice(0, lf);
  const match = /^(\d{3})(?: (.*))?$/.exec(head);
  // librelp answers `close` with an empty rsp (DATALEN 0): an acknowledgement without a code.
  if (text === '') return { code: 200, message: '', data: '' };
  if (match === null) throw new RelpFramingError(`a rsp frame from the server has no 3-digit code: ${JSON.stringify(head.slice(0, 80))}`);
  return { code: Number(match[1]), message: match[2] ?? '', data: lf < 0 ? '' : text.slice(lf + 1) };
};

/** `key=value` lines of an `open` offer or its answer (relp.html, "open"). */
export const parseOffers = (data: string): Map<string, string> => {
  const offers = new Map<string, string>();
  for (const line of data.split('\n')) {
    if (line === '') continue;
    const eq = line.indexOf('=');
    offers.set(eq < 0 ? line : line.slice(0, eq), eq < 0 ? '' : line.slice(eq + 1));
  }
  return offers;
};
