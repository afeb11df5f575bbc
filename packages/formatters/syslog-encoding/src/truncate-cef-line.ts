import { truncateUtf8 } from './truncate-utf8.js';

const BACKSLASH = 0x5c;
const PIPE = 0x7c;
// What may be left of a pair whose value has not started: key characters, perhaps its `=` (CEF keys are
// `[A-Za-z0-9_]`, and a value's own `=` is always escaped as `\=`, so an unescaped `=` ends a key).
const PARTIAL_PAIR = /^[A-Za-z0-9_]*=?$/;

/** Where the extension of a CEF line starts: after the 7th unescaped `|` (`CEF:0|…|Severity|`); -1 if it is not in `text[0, end)`. */
const extensionStart = (text: string, end: number): number => {
  let pipes = 0;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === BACKSLASH) i += 1;
    else if (code === PIPE && ++pipes === 7) return i + 1;
  }
  return -1;
};

/**
 * Cuts a CEF line (`CEF:0|…`) to at most `maxBytes` UTF-8 octets so that what is left still decodes as CEF with
 * every value a prefix of the one written: the cut falls between code points (`truncateUtf8`); a backslash whose
 * escaped character was cut off goes too (a lone `\` at the end is an undefined escape); and a pair cut before its
 * value starts (`… cs1La`, `… cs1Label=`) is dropped with the space before it, since a receiver would read a key
 * fragment as the end of the previous value, and liblognorm rejects an empty last value. A cut inside the
 * seven header fields leaves a header a CEF parser cannot read: keep `maxBytes` above the header's length.
 * Returns `line` itself when it fits.
 */
export const truncateCefLine = (line: string, maxBytes: number): string => {
  const cut = truncateUtf8(line, maxBytes);
  if (cut.length === line.length) return line;
  let end = cut.length;
  let backslashes = 0;
  while (backslashes < end && cut.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes += 1;
  if (backslashes % 2 === 1) end -= 1;
  const extension = extensionStart(cut, end);
  if (extension === -1 || end <= extension) return cut.slice(0, end);
  const tokenStart = Math.max(cut.lastIndexOf(' ', end - 1) + 1, extension);
  if (PARTIAL_PAIR.test(cut.slice(tokenStart, end))) end = Math.max(tokenStart - 1, extension);
  return cut.slice(0, end);
};
