/**
 * CEF escaping ("Implementing ArcSight CEF", FACTS §E.7). Two contexts, two rule sets:
 *
 * | context | escaped | replaced by a space |
 * |---|---|---|
 * | header field | backslash → `\\`, pipe → `\|` | CR, LF and every other control character |
 * | extension value | backslash → `\\`, `=` → `\=`, CR → `\r`, LF → `\n` | every other control character |
 *
 * "Control character" means C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F). The header has no newline
 * escape in the standard, so CR and LF become a space there. Other controls become a space in both contexts: a
 * tab (by far the most common one) reads as a space, and U+FFFD would claim a decoding error that never happened.
 * Lone UTF-16 surrogates, which UTF-8 cannot encode, become U+FFFD (`String.prototype.toWellFormed`).
 *
 * The result never contains a raw CR, LF or NUL, so no field can start a second record on the wire, whatever the
 * transport's framing (FACTS §E.4, RFC 6587 §3.4.2 pitfall).
 *
 * Hot path: one regex test decides whether a value needs any work; most values do not and are returned as is.
 */

// Everything either escaping loop acts on; the `u`-less class works on UTF-16 code units, as the loops do.
const HEADER_SPECIAL = /[\x00-\x1f\x7f-\x9f\\|]/;
const EXTENSION_SPECIAL = /[\x00-\x1f\x7f-\x9f\\=]/;
// The same plus every surrogate: text without any needs neither escaping nor the well-formedness check, and one
// regex test settles that (most values are plain ASCII or BMP text).
const HEADER_PLAIN = /[\x00-\x1f\x7f-\x9f\\|\ud800-\udfff]/;
const EXTENSION_PLAIN = /[\x00-\x1f\x7f-\x9f\\=\ud800-\udfff]/;

const BACKSLASH = 0x5c;
const PIPE = 0x7c;
const EQUALS = 0x3d;
const CR = 0x0d;
const LF = 0x0a;

const isControl = (code: number): boolean => code < 0x20 || (code >= 0x7f && code <= 0x9f);

/** A well-formed copy of `value`: each lone surrogate becomes U+FFFD (UTF-8 has no encoding for it). */
export const toWellFormedText = (value: string): string => (value.isWellFormed() ? value : value.toWellFormed());

/**
 * Escapes one CEF header field (Device Vendor, Device Product, Device Version, Device Event Class ID, Name):
 * CEF §"Header": `\` → `\\` and `|` → `\|`; `=` and spaces stay as they are. CR, LF and other controls become a
 * space, because the header has no escape for them.
 */
export const escapeCefHeaderField = (value: string): string => {
  if (!HEADER_PLAIN.test(value)) return value;
  const text = toWellFormedText(value);
  if (!HEADER_SPECIAL.test(text)) return text;
  let out = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let replacement: string;
    if (code === BACKSLASH) replacement = '\\\\';
    else if (code === PIPE) replacement = '\\|';
    else if (isControl(code)) replacement = ' ';
    else continue;
    out += text.slice(start, i) + replacement;
    start = i + 1;
  }
  return out + text.slice(start);
};

/**
 * Escapes one CEF extension value: CEF §"Extension": `\` → `\\`, `=` → `\=`, CR → `\r`, LF → `\n` (so CRLF is
 * `\r\n`); `|` needs no escape there. Other controls (NUL, tab, …) become a space.
 */
export const escapeCefExtensionValue = (value: string): string => {
  if (!EXTENSION_PLAIN.test(value)) return value;
  const text = toWellFormedText(value);
  if (!EXTENSION_SPECIAL.test(text)) return text;
  let out = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let replacement: string;
    if (code === BACKSLASH) replacement = '\\\\';
    else if (code === EQUALS) replacement = '\\=';
    else if (code === CR) replacement = '\\r';
    else if (code === LF) replacement = '\\n';
    else if (isControl(code)) replacement = ' ';
    else continue;
    out += text.slice(start, i) + replacement;
    start = i + 1;
  }
  return out + text.slice(start);
};

/**
 * An extension key as this formatter accepts it: ASCII letters, digits and `_`. CEF keys are alphanumeric
 * single words (dictionary short names and `VendornameProductnameKey` custom keys); anything else — a space, `=`,
 * a non-ASCII letter — would change how every receiver splits the extension, so such a key is rejected, not
 * rewritten.
 */
export const CEF_EXTENSION_KEY_PATTERN = /^[A-Za-z0-9_]+$/;

/** True when `key` may be written as a CEF extension key (see `CEF_EXTENSION_KEY_PATTERN`). */
export const isCefExtensionKey = (key: string): boolean => CEF_EXTENSION_KEY_PATTERN.test(key);
