import { toWellFormedText } from './cef-escape.js';

/**
 * RFC 5424 §6.3 STRUCTURED-DATA pieces. An element is `[SD-ID SP PARAM-NAME="PARAM-VALUE" …]`; the SD-ID and the
 * PARAM-NAMEs are SD-NAMEs (1–32 PRINTUSASCII except `=`, SP, `]`, `"`), the PARAM-VALUE is UTF-8 text.
 */

/**
 * A private SD-ID, `name@<private enterprise number>` (RFC 5424 §6.3.2): the name is PRINTUSASCII without `@`,
 * `=`, `]`, `"` or space; the number is decimal with optional `.`-separated sub-identifiers (§7.2.2); the whole
 * SD-ID is an SD-NAME, so at most 32 characters. IANA-registered ids (no `@`) are not accepted: their parameters
 * are fixed by the RFC and are not what a formatter writes.
 */
export const PRIVATE_SD_ID_PATTERN = /^(?=.{1,32}$)[\x21\x23-\x3c\x3e\x3f\x41-\x5c\x5e-\x7e]+@\d+(?:\.\d+)*$/;

/** True when `id` is a private SD-ID (see `PRIVATE_SD_ID_PATTERN`). */
export const isPrivateSdId = (id: string): boolean => PRIVATE_SD_ID_PATTERN.test(id);

// Everything the loop below acts on: the three escaped characters and every control character.
const PARAM_VALUE_SPECIAL = /[\x00-\x1f\x7f-\x9f"\\\]]/;

/**
 * Escapes one PARAM-VALUE. RFC 5424 §6.3.3: `"` → `\"`, `\` → `\\`, `]` → `\]`. The RFC allows control characters
 * in PARAM-VALUE, but it has no escape for them and a raw LF would split the record under LF framing
 * (RFC 6587 §3.4.2), so every control character (C0, DEL, C1) becomes a space, as in CEF values. A lone surrogate
 * becomes U+FFFD, since the value must be UTF-8.
 */
export const escapeSdParamValue = (value: string): string => {
  const text = toWellFormedText(value);
  if (!PARAM_VALUE_SPECIAL.test(text)) return text;
  let out = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let replacement: string;
    if (code === 0x22) replacement = '\\"';
    else if (code === 0x5c) replacement = '\\\\';
    else if (code === 0x5d) replacement = '\\]';
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) replacement = ' ';
    else continue;
    out += text.slice(start, i) + replacement;
    start = i + 1;
  }
  return out + text.slice(start);
};
