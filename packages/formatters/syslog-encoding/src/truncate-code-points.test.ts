import { describe, expect, it } from 'vitest';
import { truncateCodePoints } from './truncate-code-points.js';

describe('truncateCodePoints', () => {
  it('returns a string within the limit unchanged', () => {
    expect(truncateCodePoints('abc', 3)).toBe('abc');
  });

  it('cuts ASCII text to the limit', () => {
    expect(truncateCodePoints('abcdef', 4)).toBe('abcd');
  });

  it('counts a surrogate pair as one character', () => {
    // 3 code points in 5 UTF-16 units: nothing to cut.
    expect(truncateCodePoints('😀a😀', 3)).toBe('😀a😀');
  });

  it('never ends between the two halves of a surrogate pair', () => {
    expect(truncateCodePoints('ab😀cd', 3)).toBe('ab😀');
    expect(truncateCodePoints('ab😀cd', 2)).toBe('ab');
  });

  it('counts a lone surrogate as one character', () => {
    expect(truncateCodePoints('\ud800\ud800\ud800x', 2)).toBe('\ud800\ud800');
    expect(truncateCodePoints('a\udc00b', 2)).toBe('a\udc00');
  });

  it('cuts to nothing at limit 0', () => {
    expect(truncateCodePoints('abc', 0)).toBe('');
  });
});
