import { X509Certificate } from 'node:crypto';
import { TransportError, type CertificateValidity } from '@syslog-connector/core';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const FILE_ROLE = { ca: 'CA certificate', cert: 'client certificate' } as const;

/**
 * The certificates a transport's `tls` files hold now, for `Transport.certificates`: the client certificate (the
 * first in `tls.cert`) and every CA in `tls.ca`, each with its config path (`<tlsPath>.cert`, `<tlsPath>.ca`).
 * `read` reads a file the transport's way (its path resolution and its errors). A file holding a certificate that
 * cannot be parsed is a `TRANSPORT_TLS` error at that path.
 */
export const tlsCertificateValidity = async (
  files: { readonly cert?: string | undefined; readonly ca?: string | undefined },
  tlsPath: string,
  read: (key: 'cert' | 'ca', path: string) => Promise<string>,
): Promise<CertificateValidity[]> => {
  const found: CertificateValidity[] = [];
  for (const [key, role] of [['cert', 'client'], ['ca', 'ca']] as const) {
    const path = files[key];
    if (path === undefined) continue;
    const pems = (await read(key, path)).match(PEM_CERTIFICATE) ?? [];
    for (const pem of role === 'client' ? pems.slice(0, 1) : pems) {
      let certificate: X509Certificate;
      try {
        certificate = new X509Certificate(pem);
      } catch (error) {
        throw new TransportError('TRANSPORT_TLS', `the ${FILE_ROLE[key]} file ${path} holds a certificate that cannot be parsed`, 0, {
          path: `${tlsPath}.${key}`,
          hint: `tls.${key} must be a PEM certificate (-----BEGIN CERTIFICATE-----)`,
          cause: error,
        });
      }
      found.push({
        path: `${tlsPath}.${key}`,
        role,
        subject: certificate.subject.replace(/\n/g, ', '),
        notAfter: Date.parse(certificate.validTo),
        fingerprint: certificate.fingerprint256,
      });
    }
  }
  return found;
};
