import { controlsToSpaceAnd, replaceCharacters } from './character-replacements.js';

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
 * Lone UTF-16 surrogates, which UTF-8 cannot encode, become U+FFFD, as `String.prototype.toWellFormed` does.
 *
 * The result never contains a raw CR, LF or NUL, so no field can start a second record on the wire, whatever the
 * transport's framing (FACTS §E.4, RFC 6587 §3.4.2 pitfall).
 *
 * Hot path: one regex test decides whether a value needs any work; most values do not and are returned as is.
 */

// Everything either context replaces, plus every surrogate (a lone one is replaced): text without any is returned
// as is after one regex test, and most values are plain ASCII or BMP text. The `u`-less class works on UTF-16 code
// units, as the loop does.
const HEADER_PLAIN = /[\x00-\x1f\x7f-\x9f\\|\ud800-\udfff]/;
const EXTENSION_PLAIN = /[\x00-\x1f\x7f-\x9f\\=\ud800-\udfff]/;

const HEADER_REPLACEMENTS = controlsToSpaceAnd({ '\\': '\\\\', '|': '\\|' });
/** The extension value escapes; `CefRecordEncoder` applies them itself once its own test found work to do. */
export const EXTENSION_REPLACEMENTS = controlsToSpaceAnd({ '\\': '\\\\', '=': '\\=', '\r': '\\r', '\n': '\\n' });

/** A well-formed copy of `value`: each lone surrogate becomes U+FFFD (UTF-8 has no encoding for it). */
export const toWellFormedText = (value: string): string => (value.isWellFormed() ? value : value.toWellFormed());

/**
 * Escapes one CEF header field (Device Vendor, Device Product, Device Version, Device Event Class ID, Name):
 * CEF §"Header": `\` → `\\` and `|` → `\|`; `=` and spaces stay as they are. CR, LF and other controls become a
 * space, because the header has no escape for them.
 */
export const escapeCefHeaderField = (value: string): string =>
  HEADER_PLAIN.test(value) ? replaceCharacters(value, HEADER_REPLACEMENTS) : value;

/**
 * Escapes one CEF extension value: CEF §"Extension": `\` → `\\`, `=` → `\=`, CR → `\r`, LF → `\n` (so CRLF is
 * `\r\n`); `|` needs no escape there. Other controls (NUL, tab, …) become a space.
 */
export const escapeCefExtensionValue = (value: string): string =>
  EXTENSION_PLAIN.test(value) ? replaceCharacters(value, EXTENSION_REPLACEMENTS) : value;

/**
 * An extension key as this formatter accepts it: ASCII letters, digits and `_`. CEF keys are alphanumeric
 * single words (dictionary short names and `VendornameProductnameKey` custom keys); anything else — a space, `=`,
 * a non-ASCII letter — would change how every receiver splits the extension, so such a key is rejected, not
 * rewritten.
 */
export const CEF_EXTENSION_KEY_PATTERN = /^[A-Za-z0-9_]+$/;

/** True when `key` may be written as a CEF extension key (see `CEF_EXTENSION_KEY_PATTERN`). */
export const isCefExtensionKey = (key: string): boolean => CEF_EXTENSION_KEY_PATTERN.test(key);
