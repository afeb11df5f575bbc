import type { ServerResponse } from 'node:http';

/**
 * Ways a simulated API misbehaves (issue #16), for tests that a source stays bounded and still makes progress.
 * Each applies to list answers whose time window contains `at` (epoch ms), or to every list answer when `at`
 * is not given, so a test can make one stretch of time hostile and check that the rest is still read.
 */
export type Misbehaviour =
  /** Every answer carries a nextLink to a page never seen before, forever (the items after the real ones are empty). */
  | { readonly kind: 'endless-pages'; readonly at?: number }
  /** The answer is padded to `bytes` with a string field beside the items; streamed, without a Content-Length. */
  | { readonly kind: 'giant-page'; readonly bytes: number; readonly at?: number }
  /** The answer's body trickles out at `bytesPerSecond` after its headers. */
  | { readonly kind: 'slow-body'; readonly bytesPerSecond: number; readonly at?: number }
  /** An item nested `depth` levels deep is added beside the page's real items (id `poison-<depth>`). */
  | { readonly kind: 'poison-item'; readonly depth: number; readonly at?: number };

/** True when the misbehaviour applies to a list answer over the window [from, to] (epoch ms; open ends allowed). */
export const misbehaviourApplies = (misbehaviour: Misbehaviour, from: number, to: number): boolean =>
  misbehaviour.at === undefined || (misbehaviour.at >= from && misbehaviour.at <= to);

const POISON_PLACEHOLDER = '\u0000poison-item\u0000';

/** Adds the poison item's placeholder to a list; `misbehavingJson` writes the deep item in its place. */
export const withPoisonPlaceholder = <T>(items: readonly T[]): Array<T | string> => [...items, POISON_PLACEHOLDER];

/** The JSON text of an object nested `depth` levels deep, built as text (JSON.stringify would overflow the stack). */
export const deepItemJson = (depth: number): string =>
  `{"id":"poison-${depth}","nested":${'{"a":'.repeat(Math.max(0, depth - 2))}{}${'}'.repeat(Math.max(0, depth - 2))}}`;

/**
 * Writes a 200 JSON answer, misbehaving as asked. `body` is the answer as it would be; its poison placeholder (if
 * any) is replaced by the deep item's text.
 */
export const writeMisbehaving = (res: ServerResponse, body: object, misbehaviour: Misbehaviour | undefined, extraHeaders: Record<string, string> = {}): void => {
  let text = JSON.stringify(body);
  if (misbehaviour?.kind === 'poison-item') text = text.replace(JSON.stringify(POISON_PLACEHOLDER), deepItemJson(misbehaviour.depth));
  const headers = { 'content-type': 'application/json; charset=utf-8', ...extraHeaders };
  if (misbehaviour?.kind === 'giant-page') {
    res.writeHead(200, headers);
    void streamGiant(res, text, misbehaviour.bytes);
    return;
  }
  if (misbehaviour?.kind === 'slow-body') {
    res.writeHead(200, { ...headers, 'content-length': String(Buffer.byteLength(text)) });
    void streamSlowly(res, Buffer.from(text), misbehaviour.bytesPerSecond);
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
};

const CHUNK = Buffer.alloc(64 * 1024, 'x');

/** `{"padding":"xxx…", <the real answer's fields>}`, written in 64 KiB chunks as the client reads them. */
const streamGiant = async (res: ServerResponse, text: string, bytes: number): Promise<void> => {
  const open = '{"padding":"';
  const close = `",${text.slice(1)}`;
  let left = Math.max(0, bytes - open.length - close.length);
  if (!res.write(open)) await drained(res);
  while (left > 0 && !res.destroyed) {
    const chunk = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
    left -= chunk.length;
    if (!res.write(chunk)) await drained(res);
  }
  if (!res.destroyed) res.end(close);
};

const streamSlowly = async (res: ServerResponse, body: Buffer, bytesPerSecond: number): Promise<void> => {
  const step = Math.max(1, Math.round(bytesPerSecond / 10));
  for (let at = 0; at < body.length && !res.destroyed; at += step) {
    await new Promise((resolve) => setTimeout(resolve, 100).unref());
    res.write(body.subarray(at, at + step));
  }
  if (!res.destroyed) res.end();
};

const drained = (res: ServerResponse): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
