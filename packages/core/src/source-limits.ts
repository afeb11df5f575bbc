import { createHash } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { byteSize } from './byte-size.js';
import { SyslogConnectorError, type ErrorDetails } from './errors.js';
import type { SourceDeadLetter } from './journal.js';
import { parseJson } from './parse-json.js';
import { z } from 'zod';

/**
 * How much one poll of an API source may read (issue #16: an API that hands out nextLinks forever, or a page of
 * hundreds of MB, must not run the daemon out of memory). The defaults are far above what a real tenant sends
 * (a page of 200 items is a few MB; a busy poll a few hundred pages) and far below what hurts the host.
 */
export interface SourceLimits {
  /** Pages (requests that answered 2xx) one poll may read. */
  readonly pagesPerPoll: number;
  /** Bytes of response bodies one poll may read. */
  readonly bytesPerPoll: number;
  /** Bytes of one response body; the read stops (the connection is closed) past it. */
  readonly bytesPerResponse: number;
  /** Bytes of one item's JSON; a larger item is dead-lettered at the source, not stored. */
  readonly bytesPerItem: number;
  /** Nesting depth of one item (objects and arrays); a deeper item is dead-lettered at the source. */
  readonly itemDepth: number;
}

export const DEFAULT_SOURCE_LIMITS: SourceLimits = {
  pagesPerPoll: 1_000,
  bytesPerPoll: 256 * 1024 * 1024,
  // A page of 200 typical alerts is 1–2 MB. Measured (vision-one-workbench bounded-poll.test.ts, a 200 MB page):
  // peak RSS 244 MB at 32 MiB, 219 MB at 16 MiB — the body stream's garbage grows with what is read before the
  // cut, so the limit is also the lever on the peak.
  bytesPerResponse: 16 * 1024 * 1024,
  bytesPerItem: 1024 * 1024,
  // Real alerts nest < 10 levels; 64 keeps every recursive reader downstream (JSON.stringify, zod, formatters)
  // far from the stack limit, which a 12,000-deep item reaches.
  itemDepth: 64,
};

/** The `limits` key every API source shares (Vision One, Graph): one schema, defaults in it. */
export const sourceLimitsOption = () =>
  z
    .strictObject({
      pagesPerPoll: z.number().int().min(1).default(DEFAULT_SOURCE_LIMITS.pagesPerPoll).describe('Pages one poll reads at most (1000)'),
      bytesPerPoll: byteSize(1024).prefault('256MiB').describe('Response bytes one poll reads at most (256MiB)'),
      bytesPerResponse: byteSize(1024).prefault('16MiB').describe('Bytes of one response at most; the read stops past it (16MiB)'),
      bytesPerItem: byteSize(1024).prefault('1MiB').describe('Bytes of one item at most; a larger one is dead-lettered (1MiB)'),
      itemDepth: z.number().int().min(4).max(1_000).default(DEFAULT_SOURCE_LIMITS.itemDepth).describe('Nesting depth of one item at most (64)'),
    })
    .prefault({})
    .describe('What one poll may read; past a limit the poll narrows its time window (see the source README)');

export type SourceLimitName = 'pagesPerPoll' | 'bytesPerPoll' | 'bytesPerResponse' | 'itemDepth';

const limitBrand = Symbol.for('@syslog-connector/SourceLimitError');

/**
 * A poll ran into one of its limits. Not a passing failure: the same request would give the same answer, so it
 * is never retried as a network error; the source narrows its window instead (or reports and skips it).
 */
export class SourceLimitError extends SyslogConnectorError {
  readonly limit: SourceLimitName;
  readonly [limitBrand] = true;

  constructor(limit: SourceLimitName, message: string, details: ErrorDetails = {}) {
    super('SOURCE_RESPONSE', message, details);
    this.name = 'SourceLimitError';
    this.limit = limit;
  }

  static isLimit(value: unknown): value is SourceLimitError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[limitBrand] === true;
  }
}

const MIB = 1024 * 1024;
export const describeBytes = (bytes: number): string =>
  bytes >= MIB ? `${(bytes / MIB).toFixed(bytes % MIB === 0 ? 0 : 1)} MiB` : bytes >= 1024 ? `${Math.round(bytes / 1024)} KiB` : `${bytes} B`;

/**
 * The pages and bytes one poll has read, against its limits. The API client asks it before each page and after
 * each body; the first limit reached throws a `SourceLimitError`.
 */
export class PollBudget {
  readonly limits: SourceLimits;
  pages = 0;
  bytes = 0;

  constructor(limits: SourceLimits = DEFAULT_SOURCE_LIMITS) {
    this.limits = limits;
  }

  /** Before a request: throws when the poll has read all the pages it may. */
  beforePage(what: string, details: ErrorDetails = {}): void {
    if (this.pages >= this.limits.pagesPerPoll) {
      throw new SourceLimitError('pagesPerPoll', `${what}: the API kept sending more pages; the poll stopped after ${this.pages} (limits.pagesPerPoll)`, details);
    }
  }

  /** The most bytes the next response may have: the per-response limit or what is left of the poll's. */
  responseAllowance(): { readonly bytes: number; readonly limit: SourceLimitName } {
    const left = this.limits.bytesPerPoll - this.bytes;
    return left < this.limits.bytesPerResponse ? { bytes: Math.max(0, left), limit: 'bytesPerPoll' } : { bytes: this.limits.bytesPerResponse, limit: 'bytesPerResponse' };
  }

  /** After a whole body was read. */
  read(bytes: number): void {
    this.pages += 1;
    this.bytes += bytes;
  }
}

/**
 * The body of `response` as text, read as a stream and never more than `maxBytes`: past it (or when the
 * declared Content-Length is already larger) the read is cancelled — the connection closes — and a
 * `SourceLimitError` is thrown. `response.text()` would hold any size the server chose to send. Takes a fetch
 * `Response` or the `IncomingMessage` of `node:http` / `node:https` (issue #20: a fraction of fetch's cost per request).
 */
export const readBodyWithin = async (
  response: Response | IncomingMessage,
  maxBytes: number,
  limit: SourceLimitName,
  what: string,
  details: ErrorDetails = {},
): Promise<{ readonly text: string; readonly bytes: number }> => {
  const tooLarge = (seen: string): SourceLimitError =>
    new SourceLimitError(
      limit,
      `${what} answered ${seen}, over the ${limit === 'bytesPerPoll' ? 'bytes left of this poll' : 'limit of one response'} (${describeBytes(maxBytes)}, limits.${limit}); the read was stopped`,
      details,
    );
  const message = response instanceof IncomingMessage ? response : undefined;
  const fetched = response instanceof IncomingMessage ? undefined : response;
  const declared = Number((fetched === undefined ? message?.headers['content-length'] : fetched.headers.get('content-length')) ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await fetched?.body?.cancel().catch(() => {});
    message?.destroy();
    throw tooLarge(`${describeBytes(declared)} (Content-Length)`);
  }
  // Kept as the chunks that arrived and decoded once at the end. (Decoding each chunk as it came doubled the
  // peak of the 200 MB-page test: 362 MB against 227 MB, measured with bounded-poll.test.ts.)
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  const take = (value: Uint8Array): void => {
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      chunks.length = 0;
      throw tooLarge(`more than ${describeBytes(maxBytes)}`);
    }
    chunks.push(value);
  };
  if (message !== undefined) {
    await readMessage(message, take);
    // A small answer arrives in one chunk: decoded as it is, not copied into a new buffer first.
    const only = chunks.length === 1 ? chunks[0] : undefined;
    return { text: only !== undefined && Buffer.isBuffer(only) ? only.toString('utf8') : Buffer.concat(chunks, bytes).toString('utf8'), bytes };
  }
  const body = fetched?.body ?? null;
  if (body === null) return { text: '', bytes: 0 };
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    try {
      take(value);
    } catch (error) {
      await reader.cancel().catch(() => {});
      throw error;
    }
  }
  return { text: Buffer.concat(chunks, bytes).toString('utf8'), bytes };
};

/**
 * Hands each chunk of `message` to `take` until it ends. Its events, not `for await`: a stream's async iterator
 * costs a handful of promises, listeners and an `eos` watcher per answer, most of what reading a small page cost with
 * 1,000 idle sources (issue #20). A `take` that throws, an error or a close before the end destroy the message (and
 * its connection) and reject.
 */
const readMessage = (message: IncomingMessage, take: (value: Uint8Array) => void): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    const done = (error?: unknown): void => {
      message.off('data', onData);
      message.off('end', onEnd);
      message.off('error', done);
      message.off('close', onClose);
      if (error === undefined) {
        resolve();
        return;
      }
      // Whatever the socket says after this is of no interest, and must not be an unhandled 'error'.
      message.on('error', () => undefined);
      message.destroy(); // and its connection
      reject(error as Error);
    };
    const onData = (value: Uint8Array): void => {
      try {
        take(value);
      } catch (error) {
        done(error);
      }
    };
    const onEnd = (): void => done();
    const onClose = (): void => done(message.errored ?? Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    if (message.destroyed) {
      onClose();
      return;
    }
    // `on`, not `once`: `done` takes all four off at the first of them, and `once` wraps each listener anew.
    message.on('data', onData);
    message.on('end', onEnd);
    message.on('error', done);
    message.on('close', onClose);
  });

/**
 * `parseJson` of an answer, with one more limit: a text whose keys need core's key-safe reader (a key with an
 * escape in it, see parse-json.ts) is read by a recursive reader, which an item nested thousands deep overflows.
 * That is a `SourceLimitError` on `itemDepth`, so the poll narrows its window until the deep item is alone (then
 * the fast reader takes it and the item is dead-lettered) rather than refusing the page on every poll.
 */
export const parseAnswerJson = (text: string, what: string, details: ErrorDetails = {}): unknown => {
  try {
    return parseJson(text);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new SourceLimitError('itemDepth', `${what} answered JSON nested too deep to read (limits.itemDepth)`, details);
    }
    throw error;
  }
};

export type ItemVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Checks one item of a page before anything recursive touches it: it must be a JSON object, nest at most
 * `itemDepth` levels, and take at most `bytesPerItem` bytes as JSON. Iterative, so a hostile depth cannot
 * overflow the stack here; the size is measured only once the depth is known to be safe.
 */
export const inspectItem = (raw: unknown, limits: Pick<SourceLimits, 'bytesPerItem' | 'itemDepth'>): ItemVerdict => {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, reason: `not an object (${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : `a ${typeof raw}`})` };
  }
  const stack: Array<{ value: object; depth: number }> = [{ value: raw, depth: 1 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: object; depth: number };
    if (depth > limits.itemDepth) return { ok: false, reason: `nested deeper than ${limits.itemDepth} levels (limits.itemDepth)` };
    for (const child of Object.values(value)) {
      if (child !== null && typeof child === 'object') stack.push({ value: child as object, depth: depth + 1 });
    }
  }
  const bytes = Buffer.byteLength(JSON.stringify(raw));
  if (bytes > limits.bytesPerItem) return { ok: false, reason: `${describeBytes(bytes)} of JSON, over ${describeBytes(limits.bytesPerItem)} (limits.bytesPerItem)` };
  return { ok: true };
};

/**
 * JSON text of `value`, cut at `maxChars`, written without recursion (a dead-lettered item may be nested too
 * deep for JSON.stringify). For the dead letter's excerpt: enough to find the item, never the whole of a huge one.
 */
export const jsonExcerpt = (value: unknown, maxChars = 4096): string => {
  let out = '';
  const work: unknown[] = [value];
  const token = Symbol('token');
  while (work.length > 0 && out.length < maxChars) {
    const next = work.pop();
    if (typeof next === 'object' && next !== null && (next as Record<symbol, unknown>)[token] !== undefined) {
      out += (next as Record<symbol, string>)[token];
      continue;
    }
    if (next === null || typeof next !== 'object') {
      const text = JSON.stringify(next) as string | undefined;
      out += text ?? 'null';
      continue;
    }
    const parts: unknown[] = [];
    if (Array.isArray(next)) {
      parts.push({ [token]: '[' });
      next.forEach((element, index) => {
        if (index > 0) parts.push({ [token]: ',' });
        parts.push(element);
      });
      parts.push({ [token]: ']' });
    } else {
      parts.push({ [token]: '{' });
      Object.entries(next).forEach(([key, element], index) => {
        parts.push({ [token]: `${index > 0 ? ',' : ''}${JSON.stringify(key)}:` });
        parts.push(element);
      });
      parts.push({ [token]: '}' });
    }
    for (let i = parts.length - 1; i >= 0; i -= 1) work.push(parts[i]);
  }
  return out.length > maxChars || work.length > 0 ? `${out.slice(0, maxChars)}…` : out;
};

/**
 * A source-side dead letter for an item that failed `inspectItem`: its key is the vendor id when the item has one
 * at the top (`idField`), else a hash of its excerpt, so a re-read of the same page stores it once.
 */
export const itemDeadLetter = (raw: unknown, reason: string, time: number, idField?: string): SourceDeadLetter => {
  const excerpt = jsonExcerpt(raw);
  const id =
    idField !== undefined && raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>)[idField] : undefined;
  const key = typeof id === 'string' && id !== '' && id.length <= 200 ? id : `sha256:${createHash('sha256').update(excerpt).digest('hex')}`;
  return { key, reason, excerpt, time };
};
