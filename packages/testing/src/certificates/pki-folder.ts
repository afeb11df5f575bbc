import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateAuthority, issueCertificate, type CertificateAuthority, type IssuedCertificate } from './certificate-factory.js';

/**
 * One PKI for a whole test file, in a temporary folder: a CA, a server certificate for localhost, 127.0.0.1 and ::1,
 * a client certificate, and the bad ones (an expired server, another CA with its own server and client).
 */
export interface PkiFolder {
  readonly ca: CertificateAuthority;
  readonly otherCa: CertificateAuthority;
  readonly server: IssuedCertificate;
  readonly client: IssuedCertificate;
  readonly expiredServer: IssuedCertificate;
  readonly otherCaServer: IssuedCertificate;
  readonly otherCaClient: IssuedCertificate;
  /**
   * The folder holding the PEM files: ca.pem, other-ca.pem, server.pem, server-key.pem (0600), client.pem,
   * client-key.pem, other-client.pem, other-client-key.pem.
   */
  readonly dir: string;
  /** The path of a file in `dir`. */
  file(name: string): string;
  /** Removes the folder. */
  remove(): Promise<void>;
}

export const createPkiFolder = async (): Promise<PkiFolder> => {
  const [ca, otherCa] = await Promise.all([createCertificateAuthority(), createCertificateAuthority({ commonName: 'some other CA' })]);
  const altNames = ['localhost', '127.0.0.1', '::1'];
  const [server, client, expiredServer, otherCaServer, otherCaClient] = await Promise.all([
    issueCertificate(ca, { commonName: 'localhost', altNames }),
    issueCertificate(ca, { commonName: 'sensor-01' }),
    issueCertificate(ca, { commonName: 'localhost', altNames, expired: true }),
    issueCertificate(otherCa, { commonName: 'localhost', altNames }),
    issueCertificate(otherCa, { commonName: 'intruder' }),
  ]);
  const dir = await mkdtemp(join(tmpdir(), 'sc-pki-'));
  const file = (name: string) => join(dir, name);
  await Promise.all([
    writeFile(file('ca.pem'), ca.cert),
    writeFile(file('other-ca.pem'), otherCa.cert),
    writeFile(file('server.pem'), server.cert),
    writeFile(file('server-key.pem'), server.key, { mode: 0o600 }),
    writeFile(file('client.pem'), client.cert),
    writeFile(file('client-key.pem'), client.key),
    writeFile(file('other-client.pem'), otherCaClient.cert),
    writeFile(file('other-client-key.pem'), otherCaClient.key),
  ]);
  return { ca, otherCa, server, client, expiredServer, otherCaServer, otherCaClient, dir, file, remove: () => rm(dir, { recursive: true, force: true }) };
};
