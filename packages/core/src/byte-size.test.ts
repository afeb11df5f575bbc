import { describe, expect, it } from 'vitest';
import { byteSize, parseByteSize } from './byte-size.js';

describe('parseByteSize', () => {
  it.each([
    ['512MB', 512_000_000],
    ['2GiB', 2 * 1_073_741_824],
    ['1.5 GB', 1_500_000_000],
    ['64kib', 65_536],
    ['100B', 100],
  ])('reads %s as %d bytes', (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes);
  });

  it.each(['', '12', 'GB', '-1GB', '1 parsec', '1e3MB'])('rejects %j', (text) => {
    expect(parseByteSize(text)).toBeUndefined();
  });
});

describe('byteSize()', () => {
  it('says how to write a size', () => {
    expect(byteSize().safeParse('lots').error?.issues[0]?.message).toBe('"lots" is not a size; write a number and a unit, e.g. 500MB, 2GB, 1GiB');
  });

  it('refuses a size below the minimum, naming it', () => {
    expect(byteSize(1_048_576).safeParse('10KB').error?.issues[0]?.message).toBe('"10KB" is too small; use at least 1,048,576 bytes');
    expect(byteSize(1_048_576).parse('1MiB')).toBe(1_048_576);
  });
});
