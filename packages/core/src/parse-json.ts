/**
 * `JSON.parse`, immune to a V8 bug that changes object keys.
 *
 * V8 13.6 (Node 24) to at least 14.6 (Node 26) caches the keys `JSON.parse` decodes. Once a key `\\` (one
 * backslash) has been parsed, a later key written with an escape (`\"`, `\r`, `\n`, `\f`, `\\` + DEL, …) can come
 * back as a backslash: `{"\r": 1}` reads as `{"\\": 1}`. Values are not affected, only keys
 * (nodejs/node#63785, crbug.com/521080746; our rfc3164 property test met it at random). The journal stores raw
 * vendor events as JSON and the API clients read vendor JSON, so a key an attacker chose — a file name used as a
 * map key, say — could otherwise reach the SIEM changed.
 *
 * `JSON.parse` still does the work and the validation. Only a text that holds a key with an escape in it is then
 * parsed again by `parseJsonSlowly`, which builds every object itself and decodes each key as a string value (values
 * never go through the key cache). Real data almost never has such keys, so the cost is one scan of the text for a
 * backslash, and of its string tokens when it has one.
 */
export const parseJson = (text: string): unknown => {
  const value: unknown = JSON.parse(text);
  return hasEscapedKey(text) ? parseJsonSlowly(text) : value;
};

/** True if the (valid) JSON text has an object key with a `\` escape in it. Linear: jumps from quote to quote. */
export const hasEscapedKey = (text: string): boolean => {
  let backslash = text.indexOf('\\');
  if (backslash === -1) return false;
  let open = text.indexOf('"');
  while (open !== -1) {
    // Find the closing quote: the next `"` not escaped. Escapes are skipped whole (`\\` then `"` ends the string).
    let escaped = false;
    let at = open + 1;
    let close: number;
    for (;;) {
      close = text.indexOf('"', at);
      if (close === -1) return false; // not valid JSON; JSON.parse threw already
      if (backslash !== -1 && backslash < at) backslash = text.indexOf('\\', at);
      if (backslash === -1 || backslash > close) break;
      escaped = true;
      at = backslash + 2; // the escaped character (a `"` among them) does not end the string
      backslash = text.indexOf('\\', at);
    }
    let after = close + 1;
    while (after < text.length && isJsonSpace(text.charCodeAt(after))) after += 1;
    if (escaped && text.charCodeAt(after) === 0x3a /* : */) return true;
    if (backslash === -1) return false; // no escape left anywhere after this string
    open = text.indexOf('"', after);
  }
  return false;
};

const isJsonSpace = (code: number): boolean => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;

/**
 * A plain recursive-descent reader for a text `JSON.parse` has accepted. Strings — keys among them — are decoded by
 * `JSON.parse` of the string token alone, a value, which the key cache never sees; numbers by `Number`, which reads
 * JSON's number grammar the same way.
 */
export const parseJsonSlowly = (text: string): unknown => {
  const reader = new SlowJsonReader(text);
  const value = reader.value();
  reader.skipSpace();
  if (!reader.atEnd()) throw new SyntaxError(`Unexpected text after the JSON value at position ${reader.position}`);
  return value;
};

class SlowJsonReader {
  #at = 0;
  readonly #text: string;

  constructor(text: string) {
    this.#text = text;
  }

  get position(): number {
    return this.#at;
  }

  atEnd(): boolean {
    return this.#at >= this.#text.length;
  }

  skipSpace(): void {
    while (this.#at < this.#text.length && isJsonSpace(this.#text.charCodeAt(this.#at))) this.#at += 1;
  }

  value(): unknown {
    this.skipSpace();
    const code = this.#text.charCodeAt(this.#at);
    if (code === 0x7b /* { */) return this.#object();
    if (code === 0x5b /* [ */) return this.#array();
    if (code === 0x22 /* " */) return this.#string();
    for (const [word, literal] of LITERALS) {
      if (this.#text.startsWith(word, this.#at)) {
        this.#at += word.length;
        return literal;
      }
    }
    return this.#number();
  }

  #object(): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    this.#at += 1;
    this.skipSpace();
    if (this.#text.charCodeAt(this.#at) === 0x7d /* } */) {
      this.#at += 1;
      return object;
    }
    for (;;) {
      this.skipSpace();
      const key = this.#string();
      this.skipSpace();
      this.#expect(0x3a /* : */);
      // Like JSON.parse: an own data property, even for `__proto__` (an assignment would set the prototype).
      Object.defineProperty(object, key, { value: this.value(), writable: true, enumerable: true, configurable: true });
      this.skipSpace();
      if (this.#text.charCodeAt(this.#at) === 0x2c /* , */) {
        this.#at += 1;
        continue;
      }
      this.#expect(0x7d /* } */);
      return object;
    }
  }

  #array(): unknown[] {
    const array: unknown[] = [];
    this.#at += 1;
    this.skipSpace();
    if (this.#text.charCodeAt(this.#at) === 0x5d /* ] */) {
      this.#at += 1;
      return array;
    }
    for (;;) {
      array.push(this.value());
      this.skipSpace();
      if (this.#text.charCodeAt(this.#at) === 0x2c /* , */) {
        this.#at += 1;
        continue;
      }
      this.#expect(0x5d /* ] */);
      return array;
    }
  }

  #string(): string {
    const start = this.#at;
    if (this.#text.charCodeAt(start) !== 0x22) throw new SyntaxError(`Expected a string at position ${start}`);
    let at = start + 1;
    for (;;) {
      const code = this.#text.charCodeAt(at);
      if (Number.isNaN(code)) throw new SyntaxError(`Unterminated string at position ${start}`);
      if (code === 0x22) break;
      at += code === 0x5c ? 2 : 1;
    }
    this.#at = at + 1;
    return JSON.parse(this.#text.slice(start, at + 1)) as string;
  }

  #number(): number {
    NUMBER.lastIndex = this.#at;
    const match = NUMBER.exec(this.#text);
    if (match === null) throw new SyntaxError(`Unexpected character at position ${this.#at}`);
    this.#at += match[0].length;
    return Number(match[0]);
  }

  #expect(code: number): void {
    if (this.#text.charCodeAt(this.#at) !== code) throw new SyntaxError(`Expected '${String.fromCharCode(code)}' at position ${this.#at}`);
    this.#at += 1;
  }
}

const LITERALS: ReadonlyArray<readonly [string, unknown]> = [
  ['true', true],
  ['false', false],
  ['null', null],
];
/** JSON's number grammar (RFC 8259 §6), sticky: it matches at `lastIndex` only. */
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
