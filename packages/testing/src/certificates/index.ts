export {
  createCertificateAuthority,
  issueCertificate,
  type CertificateAuthority,
  type CertificateAuthorityOptions,
  type IssueCertificateOptions,
  type IssuedCertificate,
  type KeyType,
} from './certificate-factory.js';
export { createPkiFolder, type PkiFolder } from './pki-folder.js';
