import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineFeedDecoder } from './line-feed-decoder.js';
import { OctetCountingDecoder } from './octet-counting-decoder.js';

const frame = (message: string) => `${Buffer.byteLength(message)} ${message}`;
const texts = (frames: Buffer[]) => frames.map((f) => f.toString('utf8'));

describe('OctetCountingDecoder', () => {
  it('returns several frames from one chunk, counting UTF-8 bytes', () => {
    const decoder = new OctetCountingDecoder();
    const chunk = Buffer.from(frame('<13>1 - - - - - - ünï') + frame('<13>1 - - - - - - 😀') + frame('x'));
    expect(chunk.toString()).toBe('23 <13>1 - - - - - - ünï22 <13>1 - - - - - - 😀1 x');
    expect(texts(decoder.push(chunk))).toEqual(['<13>1 - - - - - - ünï', '<13>1 - - - - - - 😀', 'x']);
    expect(decoder.idle).toBe(true);
  });

  it('joins a frame split inside MSG-LEN, after the space and inside a multi-byte character', () => {
    const decoder = new OctetCountingDecoder();
    const bytes = Buffer.from(frame('héllo wörld'));
    expect(texts(decoder.push(bytes.subarray(0, 1)))).toEqual([]);
    expect(texts(decoder.push(bytes.subarray(1, 3)))).toEqual([]);
    expect(decoder.idle).toBe(false);
    expect(texts(decoder.push(bytes.subarray(3, 5)))).toEqual([]);
    expect(texts(decoder.push(bytes.subarray(5)))).toEqual(['héllo wörld']);
  });

  it('gives the same frames however the stream is cut (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), { maxLength: 20 }), fc.array(fc.nat()), (messages, cuts) => {
        const stream = Buffer.from(messages.map(frame).join(''));
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const decoder = new OctetCountingDecoder();
        const out: Buffer[] = [];
        let from = 0;
        for (const to of [...points, stream.length]) {
          out.push(...decoder.push(stream.subarray(from, to)));
          from = to;
        }
        expect(texts(out)).toEqual(messages);
        expect(decoder.idle).toBe(true);
      }),
    );
  });

  it.each([
    ['0 x', 'byte 0 of the stream is "0" where MSG-LEN (a number without leading zeros, then a space) was expected'],
    ['<13>1 x', 'byte 0 of the stream is "<" where MSG-LEN'],
    ['3 abc 4 ab', 'byte 5 of the stream is 0x20 where MSG-LEN'],
    ['1234567890 x', 'byte 9 of the stream is "0" where MSG-LEN'],
  ])('rejects %j', (stream, message) => {
    expect(() => new OctetCountingDecoder().push(Buffer.from(stream))).toThrow(message);
  });

  it('rejects a frame above the limit', () => {
    expect(() => new OctetCountingDecoder(10).push(Buffer.from('11 '))).toThrow("MSG-LEN 11 is above the receiver's limit of 10 bytes");
  });
});

describe('LineFeedDecoder', () => {
  it('splits at LF, across chunks, and keeps a CR before the LF', () => {
    const decoder = new LineFeedDecoder();
    expect(texts(decoder.push(Buffer.from('one\ntw')))).toEqual(['one']);
    expect(decoder.idle).toBe(false);
    expect(texts(decoder.push(Buffer.from('o\nthree\r\n')))).toEqual(['two', 'three\r']);
    expect(decoder.idle).toBe(true);
  });

  it('rejects a line above the limit', () => {
    expect(() => new LineFeedDecoder(4).push(Buffer.from('12345'))).toThrow('no LF within 4 bytes');
  });
});
