import { createHash, timingSafeEqual } from 'node:crypto';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * True when an `Authorization` header carries the admin token (RFC 6750 §2.1: `Bearer <token>`). Both sides are
 * hashed first so the comparison takes the same time whatever the length or the first wrong byte
 * (`timingSafeEqual` needs equal lengths, and comparing lengths would tell an attacker the token's).
 */
export const bearerTokenMatches = (header: string | undefined, token: string): boolean => {
  const given = header === undefined ? undefined : BEARER.exec(header)?.[1];
  const expected = createHash('sha256').update(token).digest();
  const actual = createHash('sha256').update(given ?? '').digest();
  // Always compare, even without a token, so a missing header costs the same as a wrong one.
  return timingSafeEqual(expected, actual) && given !== undefined;
};
