import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frameChunk, frameMessage } from './frame-message.js';

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

describe('frameChunk', () => {
  const text = fc.string({ unit: fc.oneof(fc.constantFrom('é', '✓', '😀', '\uD800', '\uDC00', 'a', ' '), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 300 });

  // Oracle: frameMessage of each message, turned into bytes by Node's encoder, as the socket would.
  it('writes exactly the bytes of frameMessage of each message, and stops at the target size', () => {
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 30 }), fc.constantFrom('octet-counting' as const, 'lf' as const), fc.integer({ min: 1, max: 4_000 }), (messages, framing, target) => {
        const { chunk, next } = frameChunk(messages, 0, framing, target);
        expect(next).toBeGreaterThanOrEqual(1);
        expect(chunk.equals(Buffer.from(messages.slice(0, next).map((m) => frameMessage(m, framing)).join(''), 'utf8'))).toBe(true);
        // Bounded by the target, or by what the first message alone may need; it stops only when the next one may not fit.
        const room = Math.max(target, (messages[0] as string).length * 3 + 11);
        expect(chunk.length).toBeLessThanOrEqual(room);
        if (next < messages.length) expect(chunk.length + (messages[next] as string).length * 3 + 11).toBeGreaterThan(room);
      }),
      { numRuns: 2_000 },
    );
  });

  it('moves the message when its byte count is wider than its length suggests (9 characters, 12 bytes)', () => {
    const message = '✓✓✓✓aaaaa'.slice(0, 9); // 4 × 3 + 5 = 17 bytes: a 2-digit count for a 1-digit length
    expect(frameChunk([message], 0, 'octet-counting', 64).chunk.toString('utf8')).toBe(`17 ${message}`);
  });
});
