import { describe, expect, it } from 'vitest';
import { controlsToSpaceAnd, replaceCharacters } from './character-replacements.js';

const ESCAPE_EQUALS = controlsToSpaceAnd({ '=': '\\=' });

describe('replaceCharacters', () => {
  it('replaces the characters of the table, and every control character by a space', () => {
    expect(replaceCharacters('a=b\u0000c\u007fd\u009fe\tf', ESCAPE_EQUALS)).toBe('a\\=b c d e f');
  });

  it('returns the same string when nothing is replaced', () => {
    const text = 'plain text, é and 中 😀';
    expect(replaceCharacters(text, ESCAPE_EQUALS)).toBe(text);
  });

  it('keeps a surrogate pair and replaces a lone high or low surrogate by U+FFFD', () => {
    expect(replaceCharacters('😀\ud800x\udc00\ud83d', ESCAPE_EQUALS)).toBe('😀\ufffdx\ufffd\ufffd');
  });

  it('starts looking at from, keeping what comes before it', () => {
    expect(replaceCharacters('a=b=c', ESCAPE_EQUALS, 3)).toBe('a=b\\=c');
  });
});
