/**
 * `bytes` cut to at most `max` bytes without splitting a UTF-8 character: the cut steps back over continuation
 * bytes (10xxxxxx) to the start of the character it would split.
 */
export const truncateUtf8 = (bytes: Buffer, max: number): Buffer => {
  if (bytes.length <= max) return bytes;
  let end = max;
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end);
};
