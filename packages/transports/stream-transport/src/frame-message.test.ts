import { describe, expect, it } from 'vitest';
import { frameMessage } from './frame-message.js';

describe('frameMessage', () => {
  it('prefixes the UTF-8 byte length and a space (RFC 6587 §3.4.1)', () => {
    expect(frameMessage('<13>1 - - - - - - hi', 'octet-counting')).toBe('20 <13>1 - - - - - - hi');
    // é is 2 bytes, ✓ is 3, 😀 is 4 (a surrogate pair in UTF-16).
    expect(frameMessage('é✓😀', 'octet-counting')).toBe('9 é✓😀');
  });

  it('counts a lone surrogate as the 3 bytes of U+FFFD the socket writes for it', () => {
    const framed = frameMessage('a\uD800b', 'octet-counting');
    expect(framed).toBe('5 a\uD800b');
    expect(Buffer.from(framed.slice(2), 'utf8')).toEqual(Buffer.from([0x61, 0xef, 0xbf, 0xbd, 0x62]));
  });

  it('appends LF for non-transparent framing (RFC 6587 §3.4.2)', () => {
    expect(frameMessage('<13>1 - - - - - - hi', 'lf')).toBe('<13>1 - - - - - - hi\n');
  });
});
