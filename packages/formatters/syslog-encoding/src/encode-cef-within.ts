import { Buffer } from 'node:buffer';
import type { CefExtension, CefRecord, Metrics } from '@syslog-connector/core';
import { FORMAT_TRUNCATIONS_METRIC, type CefRecordEncoder } from './cef-record-encoder.js';
import { truncateCefLine } from './truncate-cef-line.js';
import { truncateUtf8 } from './truncate-utf8.js';

/**
 * The free-text keys a line gives up, in this order, when it must fit a byte limit: the description (`msg`), the
 * reason, and last the category (`cat`: a detection or model name such as Trend's `Possible APT Attack`, short in
 * practice but free text from the vendor). Every other field — the header (signature id, name, severity),
 * externalId, the times, the links (`cs1` URLs), host and user names, the labels, vendor keys such as
 * `TrendMicroV1CompanyID` — is what a SIEM keys on and correlates by, so it is kept whole.
 */
export const FREE_TEXT_KEYS: readonly string[] = ['msg', 'reason', 'cat'];

/** A line that fits, and whether it was shortened to fit. */
export interface FittedCefLine {
  readonly line: string;
  /** UTF-8 bytes of `line`. */
  readonly bytes: number;
  readonly cut: boolean;
}

/**
 * Encodes `record` as a CEF line of at most `maxBytes` UTF-8 bytes that keeps the fields a SIEM needs (RFC 3164's
 * 1024 bytes, a UDP datagram): when the whole line is longer, the free text (`FREE_TEXT_KEYS`) is shortened first,
 * cut between code points to the bytes left for it (and left out, key and all, when none of it can stay); only a line still too long has
 * its end cut (`truncateCefLine`). Each shortened key is counted in `format_truncations{key}`; the line itself
 * never says it was cut (no marker a parser would read as part of the value).
 */
export const encodeCefWithin = (encoder: CefRecordEncoder, record: CefRecord, maxBytes: number, metrics: Metrics): FittedCefLine => {
  let line = encoder.encode(record);
  let bytes = encoder.utf8Length;
  if (bytes <= maxBytes) return { line, bytes, cut: false };
  let extensions = record.extensions;
  for (const key of FREE_TEXT_KEYS) {
    const at = extensions.findIndex((extension) => extension[0] === key);
    const value = at === -1 ? undefined : (extensions[at] as CefExtension)[1];
    if (typeof value !== 'string') continue;
    metrics.increment(FORMAT_TRUNCATIONS_METRIC, { key });
    // The line without the value: what is left of maxBytes, less `key=` and the space between it and another
    // pair, is the value's room.
    const without = extensions.filter((_, index) => index !== at);
    line = encoder.encode({ ...record, extensions: without });
    bytes = encoder.utf8Length;
    const room = maxBytes - bytes - key.length - (without.length > 0 ? 2 : 1);
    // The value as written is at least as long as its UTF-8 text (escapes only add), so no more than `room` bytes of
    // it can fit; escapes may make fewer fit. A binary search over the bytes kept finds the longest prefix that
    // does, in about a dozen encodes: only lines over their limit pay for it.
    let best: FittedCefLine | undefined;
    let low = 1;
    let high = room;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const shorter = truncateUtf8(value, middle);
      if (shorter === '') {
        // Less room than the first character takes: more is needed.
        low = middle + 1;
        continue;
      }
      const candidate = extensions.map((extension, index): CefExtension => (index === at ? [key, shorter] : extension));
      const candidateLine = encoder.encode({ ...record, extensions: candidate });
      if (encoder.utf8Length <= maxBytes) {
        best = { line: candidateLine, bytes: encoder.utf8Length, cut: true };
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    if (best !== undefined) return best;
    // None of the value fits: the line goes without it.
    extensions = without;
    if (bytes <= maxBytes) return { line, bytes, cut: true };
  }
  const cut = truncateCefLine(line, maxBytes);
  return { line: cut, bytes: Buffer.byteLength(cut, 'utf8'), cut: true };
};
