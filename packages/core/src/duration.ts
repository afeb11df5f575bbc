import { z } from 'zod';

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** Milliseconds of a duration like `500ms`, `60s`, `5m`, `24h`, `7d`; undefined if it is not one. */
export const parseDuration = (text: string): number | undefined => {
  const match = DURATION.exec(text.trim());
  if (match === null) return undefined;
  return Math.round(Number(match[1]) * (UNITS[match[2] ?? ''] ?? Number.NaN));
};

/** A config duration: a string with a unit (`60s`, `24h`), parsed to milliseconds. */
export const duration = (): z.ZodPipe<z.ZodString, z.ZodTransform<number, string>> =>
  z.string().transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration; write a number and a unit, e.g. 60s, 5m, 24h` });
      return z.NEVER;
    }
    return ms;
  });

/**
 * A start time for a first run: an ISO-8601 time, or a duration back from now (`24h`). Parsed to a function of
 * the current time so that "24h" means 24 hours before the first poll, not before the config was read.
 */
export const since = (): z.ZodPipe<z.ZodString, z.ZodTransform<{ readonly at: (now: number) => number }, string>> =>
  z.string().transform((text, ctx) => {
    const back = parseDuration(text);
    if (back !== undefined) return { at: (now: number) => now - back };
    if (/^\d{4}-\d{2}-\d{2}T/.test(text)) {
      const at = Date.parse(text);
      if (!Number.isNaN(at)) return { at: () => at };
    }
    ctx.addIssue({ code: 'custom', message: `"${text}" is neither an ISO time (2026-01-31T00:00:00Z) nor a duration (24h)` });
    return z.NEVER;
  });
