/**
 * The one escaping loop behind CEF header fields, CEF extension values and RFC 5424 PARAM-VALUEs: each context is
 * a table of replacements for the code units below U+00A0 (C0 controls, ASCII, DEL, C1 controls), and every lone
 * UTF-16 surrogate becomes U+FFFD, since UTF-8 has no encoding for it. One pass, no second scan for
 * well-formedness; callers run it only after one regex test has found something to replace.
 */

/** What each code unit below U+00A0 is replaced by; `undefined` keeps it. */
export type CharacterReplacements = readonly (string | undefined)[];

const TABLE_SIZE = 0xa0;
const REPLACEMENT_CHARACTER = '\ufffd';

/** Every control character (C0, DEL, C1) becomes a space, and each character of `escapes` its escape. */
export const controlsToSpaceAnd = (escapes: Readonly<Record<string, string>>): CharacterReplacements => {
  const table = Array.from({ length: TABLE_SIZE }, (_, code): string | undefined => (code < 0x20 || code >= 0x7f ? ' ' : undefined));
  for (const [character, escape] of Object.entries(escapes)) table[character.charCodeAt(0)] = escape;
  return table;
};

/**
 * `text` with its code units replaced per `replacements`, and each lone surrogate replaced by U+FFFD. `from` is
 * where to start looking, when the caller knows that nothing before it is replaced.
 */
export const replaceCharacters = (text: string, replacements: CharacterReplacements, from = 0): string => {
  const length = text.length;
  let out = '';
  let start = 0;
  for (let i = from; i < length; i++) {
    const code = text.charCodeAt(i);
    let replacement: string | undefined;
    if (code < TABLE_SIZE) {
      replacement = replacements[code];
      if (replacement === undefined) continue;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      if (code <= 0xdbff && i + 1 < length) {
        const next = text.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          i += 1;
          continue;
        }
      }
      replacement = REPLACEMENT_CHARACTER;
    } else {
      continue;
    }
    out += text.slice(start, i) + replacement;
    start = i + 1;
  }
  return start === 0 ? text : out + text.slice(start);
};
