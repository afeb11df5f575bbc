import { Buffer } from 'node:buffer';

/**
 * The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes` octets, cut between code points, so no
 * UTF-8 sequence and no surrogate pair is split (syslog limits count octets: RFC 3164 §4.1, RFC 5424 §6.1). A lone
 * surrogate counts as the 3 octets of the U+FFFD it is sent as. Returns `text` itself when it fits, so
 * `result.length !== text.length` tells a caller whether it was cut.
 */
export const truncateUtf8 = (text: string, maxBytes: number): string => {
  // One UTF-16 code unit is at most 3 UTF-8 octets: short text needs no counting.
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const length = text.length;
  let bytes = 0;
  let i = 0;
  while (i < length) {
    const code = text.charCodeAt(i);
    let size = 3;
    let units = 1;
    if (code < 0x80) size = 1;
    else if (code < 0x800) size = 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        size = 4;
        units = 2;
      }
    }
    if (bytes + size > maxBytes) break;
    bytes += size;
    i += units;
  }
  return text.slice(0, i);
};
