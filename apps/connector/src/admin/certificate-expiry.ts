import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ConnectorConfig } from '@syslog-connector/core';

/** Which configured file a certificate came from: `tls.cert` (the client certificate) or `tls.ca`. */
export type CertificateRole = 'client' | 'ca';

export interface CertificateExpiry {
  readonly destination: string;
  readonly certificate: CertificateRole;
  /** When it stops being valid (`notAfter`), epoch ms. */
  readonly notAfter: number;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The expiry of each destination's TLS certificates, read from the configured files at the time of asking (the
 * TLS transport re-reads them on every connect, so a renewed file counts at once): for `tls.cert` the client
 * certificate itself (the first of its chain), for `tls.ca` the earliest of the bundle. A file that cannot be read
 * or parsed is left out; the transport reports it, with its fix, when it connects.
 */
export const readCertificateExpiries = async (config: Pick<ConnectorConfig, 'destinations'>, baseDir: string): Promise<CertificateExpiry[]> => {
  const found: CertificateExpiry[] = [];
  for (const [destination, options] of Object.entries(config.destinations)) {
    const tls = options['tls'];
    if (typeof tls !== 'object' || tls === null) continue;
    const files = tls as { readonly cert?: unknown; readonly ca?: unknown };
    const roles: ReadonlyArray<readonly [CertificateRole, unknown]> = [
      ['client', files.cert],
      ['ca', files.ca],
    ];
    for (const [role, path] of roles) {
      if (typeof path !== 'string') continue;
      const certificates = await readCertificates(resolve(baseDir, path));
      const notAfter = role === 'client' ? certificates[0] : certificates.reduce<number | undefined>((min, at) => Math.min(min ?? at, at), undefined);
      if (notAfter !== undefined) found.push({ destination, certificate: role, notAfter });
    }
  }
  return found;
};

/** `notAfter` of every certificate in a PEM file, in file order; empty when unreadable. */
const readCertificates = async (file: string): Promise<number[]> => {
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  return (pem.match(PEM_CERTIFICATE) ?? []).flatMap((block) => {
    try {
      return [new X509Certificate(block).validToDate.getTime()];
    } catch {
      return [];
    }
  });
};
