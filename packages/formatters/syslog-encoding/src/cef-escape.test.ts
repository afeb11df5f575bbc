import { describe, expect, it } from 'vitest';
import { escapeCefExtensionValue, escapeCefHeaderField, isCefExtensionKey, toWellFormedText } from './cef-escape.js';

describe('escapeCefHeaderField', () => {
  it('escapes a pipe in the Name header field', () => {
    expect(escapeCefHeaderField('Port scan | sweep')).toBe(String.raw`Port scan \| sweep`);
  });

  it('escapes a backslash in a header field', () => {
    expect(escapeCefHeaderField(String.raw`C:\Windows`)).toBe(String.raw`C:\\Windows`);
  });

  it('escapes a backslash before a pipe so the pipe stays escaped', () => {
    expect(escapeCefHeaderField('a\\|b')).toBe(String.raw`a\\\|b`);
  });

  it('leaves = and spaces in a header field as they are', () => {
    expect(escapeCefHeaderField('a = b  c')).toBe('a = b  c');
  });

  it('replaces CR and LF in a header field with a space, since the header has no newline escape', () => {
    expect(escapeCefHeaderField('line1\r\nline2\nline3\r')).toBe('line1  line2 line3 ');
  });

  it('replaces NUL, tab, DEL and C1 controls in a header field with a space', () => {
    expect(escapeCefHeaderField('a\u0000b\tc\u007fd\u0085e\u009ff\u001bg')).toBe('a b c d e f g');
  });

  it('replaces a lone surrogate in a header field with U+FFFD', () => {
    expect(escapeCefHeaderField('x\ud800y\udc00')).toBe('x\ufffdy\ufffd');
  });

  it('keeps a surrogate pair and other non-ASCII text in a header field', () => {
    expect(escapeCefHeaderField('Trend 😀 Micro é')).toBe('Trend 😀 Micro é');
  });

  it('returns a header field that needs no escaping unchanged', () => {
    expect(escapeCefHeaderField('Trend Vision One')).toBe('Trend Vision One');
    expect(escapeCefHeaderField('')).toBe('');
  });
});

describe('escapeCefExtensionValue', () => {
  it('escapes = in an extension value', () => {
    expect(escapeCefExtensionValue('https://x/?a=1&b=2')).toBe(String.raw`https://x/?a\=1&b\=2`);
  });

  it('escapes a backslash in an extension value', () => {
    expect(escapeCefExtensionValue(String.raw`C:\Windows\System32`)).toBe(String.raw`C:\\Windows\\System32`);
  });

  it('escapes a backslash before = so the = stays escaped', () => {
    expect(escapeCefExtensionValue('a\\=b')).toBe(String.raw`a\\\=b`);
  });

  it('writes CR as \\r and LF as \\n in an extension value', () => {
    expect(escapeCefExtensionValue('one\r\ntwo\nthree\rfour')).toBe(String.raw`one\r\ntwo\nthree\rfour`);
  });

  it('leaves a pipe in an extension value unescaped', () => {
    expect(escapeCefExtensionValue('a|b')).toBe('a|b');
  });

  it('replaces NUL, tab, DEL and C1 controls in an extension value with a space', () => {
    expect(escapeCefExtensionValue('a\u0000b\tc\u007fd\u0085e\u000bf')).toBe('a b c d e f');
  });

  it('replaces a lone surrogate in an extension value with U+FFFD', () => {
    expect(escapeCefExtensionValue('\udfffend')).toBe('\ufffdend');
  });

  it('does not treat the two characters backslash and n as a newline', () => {
    expect(escapeCefExtensionValue(String.raw`a\nb`)).toBe(String.raw`a\\nb`);
  });

  it('returns an extension value that needs no escaping unchanged', () => {
    expect(escapeCefExtensionValue('Possible APT Attack')).toBe('Possible APT Attack');
  });
});

describe('toWellFormedText', () => {
  it('replaces only lone surrogates', () => {
    expect(toWellFormedText('\ud83d\ude00\ud83d')).toBe('😀\ufffd');
  });
});

describe('isCefExtensionKey', () => {
  it.each(['rt', 'cs1Label', 'TrendMicroV1CompanyID', 'device_custom_1', '0'])('accepts %j', (key) => {
    expect(isCefExtensionKey(key)).toBe(true);
  });

  it.each(['', 'bad key', 'cs1=', 'a|b', 'clé', 'a\nb', 'a-b', 'a.b'])('rejects %j', (key) => {
    expect(isCefExtensionKey(key)).toBe(false);
  });
});
