import { z } from 'zod';

// Decimal units as disks are sold (1 GB = 10^9 bytes), binary ones as `df -h` and `du -h` print (1 GiB = 2^30).
const UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};
const SIZE = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i;

/** Bytes of a size like `512MB`, `2GiB`, `1.5 GB`; undefined if it is not one. */
export const parseByteSize = (text: string): number | undefined => {
  const match = SIZE.exec(text.trim());
  if (match === null) return undefined;
  const unit = UNITS[(match[2] ?? '').toLowerCase()];
  if (unit === undefined) return undefined;
  const bytes = Math.round(Number(match[1]) * unit);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
};

/** A config size: a string with a unit (`512MB`, `2GiB`), parsed to bytes, at least `min` bytes. */
export const byteSize = (min = 1): z.ZodPipe<z.ZodString, z.ZodTransform<number, string>> =>
  z.string().transform((text, ctx) => {
    const bytes = parseByteSize(text);
    if (bytes === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a size; write a number and a unit, e.g. 500MB, 2GB, 1GiB` });
      return z.NEVER;
    }
    if (bytes < min) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is too small; use at least ${min.toLocaleString('en')} bytes` });
      return z.NEVER;
    }
    return bytes;
  });
