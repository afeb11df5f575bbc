import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasEscapedKey, parseJson, parseJsonSlowly } from './parse-json.js';

/** Parses a key of one backslash: from then on, V8 13.6–14.6 may read a later escaped key as a backslash. */
const poisonKeyCache = (): void => {
  JSON.parse(String.raw`{"h":[],"\\":0}`);
};

describe('parseJson', () => {
  it.each([
    ['a quote', '"'],
    ['a carriage return', '\r'],
    ['a line feed', '\n'],
    ['a form feed', '\f'],
    ['a backslash and DEL', '\\\u007f'],
    ['a NUL', '\u0000'],
  ])('reads back a key of %s after a backslash key was parsed', (_name, key) => {
    poisonKeyCache();
    const text = JSON.stringify({ h: 1, [key]: 2 });
    expect(Object.keys(parseJson(text) as object)).toEqual(['h', key]);
  });

  it('keeps `__proto__` an own property, as JSON.parse does', () => {
    const value = parseJsonSlowly('{"__proto__": {"polluted": true}, "a\\"": 1}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'a"']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('rejects what JSON.parse rejects, with its SyntaxError', () => {
    expect(() => parseJson('{"a\\"": 1,}')).toThrow(SyntaxError);
    expect(() => parseJson('')).toThrow(SyntaxError);
  });

  it('reads numbers, literals and nesting the way JSON.parse does', () => {
    const text = '{ "n\\t": [0, -0.5, 1e3, -2E-2, 12345678901234567890, true, false, null, {"x\\\\": []}], "s": "\\u00e9\\ud83d\\ude00" }';
    expect(parseJsonSlowly(text)).toEqual(JSON.parse(text));
    expect(hasEscapedKey(text)).toBe(true);
  });

  it('finds escaped keys only: not escaped values, nor a key after an escaped quote in a value', () => {
    expect(hasEscapedKey('{"path": "C:\\\\Windows\\\\x.exe"}')).toBe(false);
    expect(hasEscapedKey('{"a": "x\\": y", "b": 1}')).toBe(false);
    expect(hasEscapedKey('["\\"", ":"]')).toBe(false);
    expect(hasEscapedKey('{"a": "\\\\", "b\\n" : 1}')).toBe(true);
    expect(hasEscapedKey('{"plain": 1}')).toBe(false);
  });

  // The detection is what keeps parseJson right: whenever any key, at any depth, is written with an escape, it must say so.
  it('finds every key JSON.stringify writes with an escape, at any depth, and none when there is none', () => {
    const key = fc.string({ unit: fc.oneof(fc.constantFrom('\\', '"', '\n', '\u0001', 'a', ':', ' '), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 5 });
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('tree'), { maxLength: 3 }), fc.dictionary(key, tie('tree'), { maxKeys: 3 })),
      leaf: fc.oneof(key, fc.integer(), fc.constant(null)),
    }));
    const keysOf = (value: unknown): string[] =>
      Array.isArray(value) ? value.flatMap(keysOf) : typeof value === 'object' && value !== null ? Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]) : [];
    fc.assert(
      fc.property(tree, (value) => {
        const escaped = keysOf(value).some((k) => JSON.stringify(k).slice(1, -1) !== k);
        expect(hasEscapedKey(JSON.stringify(value))).toBe(escaped);
      }),
      { numRuns: 5_000 },
    );
  });

  // Keys and values of any UTF-16 (escapes, controls, lone surrogates), compact and indented, after poisoning.
  it('reads back whatever JSON.stringify wrote, keys with escapes included', () => {
    const anyText = fc.string({ unit: fc.oneof(fc.constantFrom('\\', '"', '\r', '\n', '\u007f', '\u0000', ':', ' '), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 8 });
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('tree'), { maxLength: 4 }), fc.dictionary(anyText, tie('tree'), { maxKeys: 4 })),
      leaf: fc.oneof(anyText, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null)),
    }));
    fc.assert(
      fc.property(tree, fc.boolean(), (value, indented) => {
        poisonKeyCache();
        const text = JSON.stringify(value, null, indented ? 2 : undefined);
        expect(parseJson(text)).toEqual(normalise(value));
        expect(parseJsonSlowly(text)).toEqual(normalise(value));
      }),
      { numRuns: 2_000 },
    );
  });
});

/** The value as JSON represents it: -0 becomes 0; fast-check's dictionaries (null prototype) become plain objects. */
const normalise = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, normalise(v)]));
  return Object.is(value, -0) ? 0 : value;
};
