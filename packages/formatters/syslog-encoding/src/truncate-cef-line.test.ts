import { describe, expect, it } from 'vitest';
import { truncateCefLine } from './truncate-cef-line.js';
import { truncateUtf8 } from './truncate-utf8.js';

const HEAD = 'CEF:0|V|P|1|9|N|5|';

describe('truncateUtf8', () => {
  it('returns text that fits unchanged', () => {
    const text = 'é😀x';
    expect(truncateUtf8(text, 7)).toBe(text);
  });

  it('cuts between code points: 2-, 3- and 4-byte characters are never split', () => {
    expect(truncateUtf8('aé', 2)).toBe('a');
    expect(truncateUtf8('a中', 3)).toBe('a');
    expect(truncateUtf8('a😀', 4)).toBe('a');
    expect(truncateUtf8('a😀', 5)).toBe('a😀');
  });

  it('counts a lone surrogate as the 3 bytes of U+FFFD', () => {
    expect(truncateUtf8('\ud800\ud800', 5)).toBe('\ud800');
  });
});

describe('truncateCefLine', () => {
  it('returns a line that fits unchanged', () => {
    const line = `${HEAD}msg=abc`;
    expect(truncateCefLine(line, line.length)).toBe(line);
  });

  it('cuts inside a value, keeping a prefix of it', () => {
    expect(truncateCefLine(`${HEAD}msg=abcdef cat=x`, HEAD.length + 6)).toBe(`${HEAD}msg=ab`);
  });

  it('drops a backslash whose escaped character was cut off', () => {
    expect(truncateCefLine(`${HEAD}msg=ab\\=cd`, HEAD.length + 7)).toBe(`${HEAD}msg=ab`);
    expect(truncateCefLine(`${HEAD}msg=a\\\\\\=`, HEAD.length + 8)).toBe(`${HEAD}msg=a\\\\`);
  });

  it('drops a key cut before its value, with the space before it', () => {
    expect(truncateCefLine(`${HEAD}msg=ab cs1Label=x`, HEAD.length + 11)).toBe(`${HEAD}msg=ab`);
    expect(truncateCefLine(`${HEAD}msg=ab cs1Label=x`, HEAD.length + 16)).toBe(`${HEAD}msg=ab`);
    expect(truncateCefLine(`${HEAD}msg=ab cs1Label=x`, HEAD.length + 7)).toBe(`${HEAD}msg=ab`);
  });

  it('leaves the bare header when the first key is cut', () => {
    expect(truncateCefLine(`${HEAD}msg=abc`, HEAD.length + 2)).toBe(HEAD);
  });

  it('cuts inside the header at a byte boundary only, since no CEF line can be kept', () => {
    expect(truncateCefLine('CEF:0|Vend\\|or|P|1|9|N|5|', 11)).toBe('CEF:0|Vend');
  });
});
