import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { collectSecrets, REDACTED, SECRET_WINDOW, SecretRedactor, secretOption } from './secret-redaction.js';

const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.payload-part.signature_XYZ';

describe('SecretRedactor', () => {
  it('masks the whole secret, its first 12 characters and a middle part, each as one run', () => {
    const secrets = new SecretRedactor();
    secrets.add([TOKEN]);
    expect(secrets.redact(`Bearer ${TOKEN} rejected`)).toBe(`Bearer ${REDACTED} rejected`);
    expect(secrets.redact(`401: token ${TOKEN.slice(0, 12)}… is not valid`)).toBe(`401: token ${REDACTED}… is not valid`);
    expect(secrets.redact(`upstream said "${TOKEN.slice(20, 40)}"`)).toBe(`upstream said "${REDACTED}"`);
  });

  it('leaves a run shorter than eight characters of a long secret, and text without secrets, as it is', () => {
    const secrets = new SecretRedactor();
    secrets.add([TOKEN]);
    const seven = TOKEN.slice(3, 3 + SECRET_WINDOW - 1);
    expect(secrets.redact(`x ${seven} y`)).toBe(`x ${seven} y`);
    expect(secrets.redact('nothing to see')).toBe('nothing to see');
  });

  it('leaves no window of eight characters of the secret in any text that held one', () => {
    const secrets = new SecretRedactor();
    secrets.add([TOKEN]);
    for (let start = 0; start + SECRET_WINDOW <= TOKEN.length; start += 3) {
      for (const end of [start + SECRET_WINDOW, Math.min(TOKEN.length, start + 17), TOKEN.length]) {
        const out = secrets.redact(`a${TOKEN.slice(start, end)}b${TOKEN.slice(0, end - start)}c`);
        for (let i = 0; i + SECRET_WINDOW <= TOKEN.length; i++) expect(out).not.toContain(TOKEN.slice(i, i + SECRET_WINDOW));
      }
    }
  });

  it('masks exactly the characters a naive search for every 8-character window of the secret finds', () => {
    const naive = (text: string, secret: string): string => {
      const masked = new Array<boolean>(text.length).fill(false);
      for (let i = 0; i + SECRET_WINDOW <= text.length; i++) {
        if (secret.includes(text.slice(i, i + SECRET_WINDOW))) masked.fill(true, i, i + SECRET_WINDOW);
      }
      let out = '';
      for (let i = 0; i < text.length; i++) {
        if (!masked[i]) out += text[i];
        else if (i === 0 || !masked[i - 1]) out += REDACTED;
      }
      return out;
    };
    const secret = 'abcab-cabcabXY12ab';
    const secrets = new SecretRedactor();
    secrets.add([secret]);
    // Texts built from pieces of the secret and a few other characters, so partial and overlapping matches are common.
    const piece = fc.oneof(fc.constantFrom('a', 'b', 'c', '-', ' ', 'é', '\u{1F600}'), fc.nat(secret.length).chain((from) => fc.constant(secret.slice(from, from + 9))));
    fc.assert(fc.property(fc.array(piece, { maxLength: 30 }).map((p) => p.join('')), (text) => secrets.redact(text) === naive(text, secret)));
  });

  it('masks a short declared secret anywhere, a short environment value only as a word of its own', () => {
    const secrets = new SecretRedactor();
    secrets.add(['pw1']);
    secrets.add(['514'], 'environment');
    expect(secrets.redact('xpw1y port 514 and 5140')).toBe(`x${REDACTED}y port ${REDACTED} and 5140`);
  });

  it('masks a secret as it appears inside a JSON string, quotes and backslashes escaped', () => {
    const secrets = new SecretRedactor();
    secrets.add(['ab"cd\\ef"gh-12345']);
    const line = JSON.stringify({ msg: 'failed: ab"cd\\ef"gh-12345' });
    expect(line).toContain('ab\\"cd\\\\ef');
    expect(JSON.parse(secrets.redact(line))).toEqual({ msg: `failed: ${REDACTED}` });
  });

  it('redacts every string of a plain value, keys kept', () => {
    const secrets = new SecretRedactor();
    secrets.add([TOKEN]);
    expect(secrets.redactValue({ a: [TOKEN.slice(0, 12)], b: { c: 3, d: `x${TOKEN}` } })).toEqual({ a: [REDACTED], b: { c: 3, d: `x${REDACTED}` } });
  });
});

describe('collectSecrets', () => {
  const source = z.strictObject({ type: z.literal('api'), token: secretOption(z.string().min(1).describe('the key')), name: z.string() });
  const other = z.strictObject({ type: z.literal('other'), password: secretOption(z.string().optional()), token: z.string().optional() });
  const root = z.strictObject({
    sources: z.record(z.string(), z.discriminatedUnion('type', [source.extend({}), other])),
    admin: z.strictObject({ token: secretOption(z.string()) }).optional(),
  });

  it('finds the values of marked keys through records, unions (by discriminator), optionals and extends', () => {
    const document = {
      sources: { a: { type: 'api', token: 'tok-a', name: 'not a secret' }, b: { type: 'other', password: 'pw-b', token: 'plain-b' } },
      admin: { token: 'admin-token' },
    };
    expect(collectSecrets(root, document).sort()).toEqual(['admin-token', 'pw-b', 'tok-a']);
  });

  it('still finds them in an invalid document: a wrong type, an unknown discriminator, a number', () => {
    const document = { sources: { a: { type: 'nope', token: 12345678, password: 'pw' }, b: 'junk' }, extra: 1 };
    expect(collectSecrets(root, document).sort()).toEqual(['12345678', 'pw']);
  });
});
