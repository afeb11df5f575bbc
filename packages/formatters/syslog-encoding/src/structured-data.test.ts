import { describe, expect, it } from 'vitest';
import { escapeSdParamValue, isPrivateSdId } from './structured-data.js';

describe('escapeSdParamValue', () => {
  it('escapes a double quote, a backslash and a closing bracket (RFC 5424 §6.3.3)', () => {
    expect(escapeSdParamValue('say "hi" \\ [x]')).toBe('say \\"hi\\" \\\\ [x\\]');
  });

  it('escapes a backslash that precedes a quote, so the quote stays escaped', () => {
    expect(escapeSdParamValue('a\\"b')).toBe('a\\\\\\"b');
  });

  it('replaces CR, LF, NUL, tab, DEL and C1 controls with a space', () => {
    expect(escapeSdParamValue('a\r\nb\u0000c\td\u007fe\u0085f')).toBe('a  b c d e f');
  });

  it('replaces a lone surrogate with U+FFFD and keeps a pair', () => {
    expect(escapeSdParamValue('x\ud800y😀')).toBe('x\ufffdy😀');
  });

  it('returns a value that needs no escaping unchanged, = and non-ASCII included', () => {
    expect(escapeSdParamValue('WB-9002 a=b é 中文')).toBe('WB-9002 a=b é 中文');
    expect(escapeSdParamValue('')).toBe('');
  });
});

describe('isPrivateSdId', () => {
  it.each(['sc@32473', 'syslog-connector@32473', 'x@0', 'ourSDID@32473.1.2', `${'n'.repeat(26)}@32473`])('accepts %j', (id) => {
    expect(isPrivateSdId(id)).toBe(true);
  });

  it.each([
    ['an IANA-registered id', 'origin'],
    ['no number', 'sc@'],
    ['a name part with @', 'a@b@32473'],
    ['a space', 'my id@32473'],
    ['=', 'a=b@32473'],
    [']', 'a]@32473'],
    ['a quote', 'a"@32473'],
    ['a letter in the number', 'sc@32473a'],
    ['33 characters', `${'n'.repeat(27)}@32473`],
    ['non-ASCII', 'é@32473'],
  ])('rejects %s', (_, id) => {
    expect(isPrivateSdId(id)).toBe(false);
  });
});
