import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { CertSummary } from '@syslog-connector/console';

export type { CertSummary };

/** An upload checked and held until a save or a test uses it. */
export type Upload =
  | { readonly kind: 'ca'; readonly pem: string; readonly certificates: readonly CertSummary[] }
  | { readonly kind: 'client'; readonly certificate: string; readonly key: string; readonly passphrase?: string; readonly certificates: readonly CertSummary[] };

/** A refused upload: what is wrong, and the fix. */
export class UploadError extends Error {
  readonly hint: string;
  constructor(message: string, hint: string) {
    super(message);
    this.hint = hint;
  }
}

/** Longest PEM text accepted (a chain of a few certificates, or a key). */
export const MAX_PEM_BYTES = 64 * 1024;
/** How long an upload waits for a save or test, and how many wait at most (the oldest goes first). */
const UPLOAD_TTL_MS = 30 * 60_000;
const MAX_UPLOADS = 32;

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

const summarize = (certificate: X509Certificate): CertSummary => ({
  subject: certificate.subject.replaceAll('\n', ', '),
  issuer: certificate.issuer.replaceAll('\n', ', '),
  notBefore: Date.parse(certificate.validFrom),
  notAfter: Date.parse(certificate.validTo),
  fingerprint: certificate.fingerprint256,
});

/** The certificates of a PEM text, each parsed; refused when there is none, one does not parse, or one is out of date. */
export const readCertificates = (pem: string, what: string, now: number = Date.now()): { certificates: X509Certificate[]; summaries: CertSummary[] } => {
  if (typeof pem !== 'string' || pem.trim() === '') throw new UploadError(`the ${what} is empty`, 'choose a PEM file (text starting with -----BEGIN CERTIFICATE-----)');
  if (Buffer.byteLength(pem) > MAX_PEM_BYTES) throw new UploadError(`the ${what} is larger than ${MAX_PEM_BYTES / 1024} KiB`, 'a PEM certificate (chain) is a few KiB; choose the right file');
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) {
    throw new UploadError(`the ${what} is not a PEM certificate`, 'choose a PEM file (text starting with -----BEGIN CERTIFICATE-----); convert DER with `openssl x509 -inform der -in cert.der -out cert.pem`');
  }
  const certificates = blocks.map((block, index) => {
    try {
      return new X509Certificate(block);
    } catch {
      throw new UploadError(`certificate ${index + 1} of the ${what} cannot be read`, 'the PEM block is damaged; export the certificate again');
    }
  });
  const summaries = certificates.map(summarize);
  for (const summary of summaries) {
    if (summary.notAfter < now) {
      throw new UploadError(`the ${what} (${summary.subject}) expired on ${new Date(summary.notAfter).toISOString()}`, 'renew the certificate and upload the new one');
    }
    if (summary.notBefore > now) {
      throw new UploadError(`the ${what} (${summary.subject}) is not valid before ${new Date(summary.notBefore).toISOString()}`, 'check the clock of this machine, or use a certificate valid now');
    }
  }
  return { certificates, summaries };
};

/** Checks a client certificate and its key: PEM, in date, the key decrypts (passphrase) and matches the certificate. */
export const checkClientPair = (certificate: string, key: string, passphrase: string | undefined, now: number = Date.now()): CertSummary[] => {
  const { certificates, summaries } = readCertificates(certificate, 'client certificate', now);
  if (typeof key !== 'string' || !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key)) {
    throw new UploadError('the client key is not a PEM private key', 'choose the key file (text starting with -----BEGIN PRIVATE KEY----- or -----BEGIN ENCRYPTED PRIVATE KEY-----)');
  }
  if (Buffer.byteLength(key) > MAX_PEM_BYTES) throw new UploadError('the client key is too large', 'choose the key file of the certificate');
  let privateKey;
  try {
    privateKey = createPrivateKey({ key, format: 'pem', ...(passphrase === undefined || passphrase === '' ? {} : { passphrase }) });
  } catch (error) {
    const encrypted = /ENCRYPTED/.test(key);
    if (encrypted) {
      throw new UploadError(
        passphrase === undefined || passphrase === '' ? 'the client key is encrypted and no passphrase was given' : 'the key passphrase is wrong',
        'enter the key passphrase',
      );
    }
    throw new UploadError(`the client key cannot be read (${(error as { code?: string }).code ?? 'not a key'})`, 'export the key again as PEM');
  }
  if (!(certificates[0] as X509Certificate).checkPrivateKey(privateKey)) {
    throw new UploadError('the key does not match the certificate', 'upload the key that belongs to this certificate (compare `openssl x509 -noout -pubkey` with `openssl pkey -pubout`)');
  }
  return summaries;
};

/** The first certificate of a PEM file on disk, for a screen; undefined when it cannot be read. */
export const summarizeFile = async (path: string): Promise<CertSummary | undefined> => {
  try {
    const blocks = (await readFile(path, 'utf8')).match(PEM_CERTIFICATE) ?? [];
    return blocks[0] === undefined ? undefined : summarize(new X509Certificate(blocks[0]));
  } catch {
    return undefined;
  }
};

/** Uploads held in memory until a save or test refers to them by id. */
export class UploadStore {
  readonly #uploads = new Map<string, { readonly upload: Upload; readonly at: number }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** POST /api/uploads: checks the body and keeps it; throws `UploadError` with the cause and the fix. */
  add(body: unknown): { id: string; summary: CertSummary; certificates: readonly CertSummary[] } {
    const request = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const now = this.#now();
    let upload: Upload;
    if (request['kind'] === 'ca') {
      const pem = String(request['pem'] ?? '');
      upload = { kind: 'ca', pem, certificates: readCertificates(pem, 'CA certificate', now).summaries };
    } else if (request['kind'] === 'client') {
      const certificate = String(request['certificate'] ?? '');
      const key = String(request['key'] ?? '');
      const passphrase = typeof request['passphrase'] === 'string' && request['passphrase'] !== '' ? request['passphrase'] : undefined;
      const certificates = checkClientPair(certificate, key, passphrase, now);
      upload = { kind: 'client', certificate, key, ...(passphrase === undefined ? {} : { passphrase }), certificates };
    } else {
      throw new UploadError('kind must be "ca" or "client"', 'send { kind: "ca", pem } or { kind: "client", certificate, key, passphrase? }');
    }
    this.#prune(now);
    if (this.#uploads.size >= MAX_UPLOADS) this.#uploads.delete(this.#uploads.keys().next().value as string);
    const id = `upload-${randomBytes(12).toString('hex')}`;
    this.#uploads.set(id, { upload, at: now });
    return { id, summary: upload.certificates[0] as CertSummary, certificates: upload.certificates };
  }

  get(id: string): Upload | undefined {
    this.#prune(this.#now());
    return this.#uploads.get(id)?.upload;
  }

  #prune(now: number): void {
    for (const [id, { at }] of this.#uploads) if (now - at > UPLOAD_TTL_MS) this.#uploads.delete(id);
  }
}
