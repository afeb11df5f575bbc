import { createHash, createPrivateKey, randomUUID, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type PluginPlace, SyslogConnectorError } from '@syslog-connector/core';
import type { MdiOptions } from './mdi-options.js';

/** How the app proves who it is to Entra ID (FACTS §D.5): a client secret, or a certificate-signed assertion. */
export type GraphCredential =
  | { readonly kind: 'secret'; readonly secret: string }
  | { readonly kind: 'certificate'; readonly thumbprint: string; readonly key: KeyObject };

/**
 * Reads the certificate files of `certificate` (a relative path from the config file's folder, by the host's
 * `resolvePath`), or wraps the secret. Errors name the config key, never a secret.
 */
export const loadGraphCredential = async (
  place: Pick<PluginPlace, 'configPath' | 'resolvePath'>,
  options: Pick<MdiOptions, 'clientSecret' | 'certificate'>,
): Promise<GraphCredential> => {
  const at = (key: string) => `${place.configPath}.${key}`;
  if (options.clientSecret !== undefined) return { kind: 'secret', secret: options.clientSecret };
  const certificate = options.certificate;
  if (certificate === undefined) {
    throw new SyslogConnectorError('CONFIG_INVALID', 'Neither a client secret nor a certificate is set', { path: at('clientSecret') });
  }
  const read = async (file: string, key: 'cert' | 'key'): Promise<string> => {
    try {
      return await readFile(place.resolvePath(file), 'utf8');
    } catch (error) {
      throw new SyslogConnectorError('CONFIG_INVALID', `Cannot read ${place.resolvePath(file)} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
        path: at(`certificate.${key}`),
        hint: 'give the path of a PEM file this process may read (a relative path is taken from the config file\'s folder)',
      });
    }
  };
  let thumbprint: string;
  try {
    // Entra ID's `x5t`: the base64url SHA-1 thumbprint of the DER certificate.
    thumbprint = createHash('sha1').update(new X509Certificate(await read(certificate.cert, 'cert')).raw).digest('base64url');
  } catch (error) {
    if (SyslogConnectorError.is(error)) throw error;
    throw new SyslogConnectorError('CONFIG_INVALID', `${certificate.cert} holds no PEM certificate`, { path: at('certificate.cert') });
  }
  let key: KeyObject;
  try {
    const pem = await read(certificate.key, 'key');
    key = createPrivateKey(certificate.passphrase === undefined ? pem : { key: pem, passphrase: certificate.passphrase });
  } catch (error) {
    if (SyslogConnectorError.is(error)) throw error;
    throw new SyslogConnectorError('CONFIG_INVALID', `${certificate.key} holds no private key this passphrase opens`, {
      path: at(`certificate.${certificate.passphrase === undefined ? 'key' : 'passphrase'}`),
      hint: 'give the PEM private key of the certificate, and its passphrase if it is encrypted',
    });
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new SyslogConnectorError('CONFIG_INVALID', 'The private key is not an RSA key; Entra ID certificate credentials are signed RS256', {
      path: at('certificate.key'),
    });
  }
  return { kind: 'certificate', thumbprint, key };
};

/**
 * The client assertion (RFC 7523 §2.2, Entra ID "certificate credentials"): a JWT signed RS256, with `x5t`, and
 * `aud` = the token URL, `iss` = `sub` = the client id, a fresh `jti`, valid for 10 minutes.
 */
export const clientAssertion = (credential: Extract<GraphCredential, { kind: 'certificate' }>, clientId: string, tokenUrl: string, nowMs: number): string => {
  const now = Math.floor(nowMs / 1000);
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part({ alg: 'RS256', typ: 'JWT', x5t: credential.thumbprint })}.${part({ aud: tokenUrl, iss: clientId, sub: clientId, jti: randomUUID(), nbf: now, iat: now, exp: now + 600 })}`;
  return `${input}.${sign('sha256', Buffer.from(input), credential.key).toString('base64url')}`;
};
