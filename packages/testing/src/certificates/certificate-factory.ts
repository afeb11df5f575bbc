import { execFile } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type KeyType = 'ec' | 'rsa';

export interface CertificateAuthority {
  readonly commonName: string;
  /** PEM certificate: give it to the side that verifies (`ca:`). */
  readonly cert: string;
  /** PEM private key (PKCS #8), used by `issueCertificate`. */
  readonly key: string;
  readonly keyType: KeyType;
  /** SHA-256 fingerprint, `AB:CD:…` as Node's `X509Certificate.fingerprint256` prints it. */
  readonly fingerprint256: string;
}

export interface CertificateAuthorityOptions {
  /** Default `syslog-connector test CA`. */
  readonly commonName?: string;
  /** Default `ec` (P-256): fast to generate. `rsa` is 2048-bit. */
  readonly keyType?: KeyType;
}

export interface IssueCertificateOptions {
  readonly commonName: string;
  /** subjectAltName entries: IP addresses become `IP:`, anything else `DNS:`. Empty: no subjectAltName at all. */
  readonly altNames?: readonly string[];
  /** Default: one hour ago (clock skew between test processes is not the point). */
  readonly notBefore?: Date;
  /** Default: 30 days from now. */
  readonly notAfter?: Date;
  /** Valid from two days ago to one day ago; overrides `notBefore`/`notAfter`. */
  readonly expired?: boolean;
  /** Default: the CA's key type. */
  readonly keyType?: KeyType;
}

export interface IssuedCertificate {
  readonly commonName: string;
  readonly altNames: readonly string[];
  /** PEM certificate (leaf only; the CA's certificate is `ca.cert`). */
  readonly cert: string;
  /** PEM private key (PKCS #8). */
  readonly key: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly fingerprint256: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// A config of our own so that the host's openssl.cnf (default extensions, policies) never changes the result.
const REQUEST_CONFIG = `[ req ]
distinguished_name = dn
prompt = no
[ dn ]
`;

const caExtensions = `[ ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
`;

/** Creates a self-signed CA (valid ten years) with `openssl` in a temporary folder, removed afterwards. */
export const createCertificateAuthority = async (options: CertificateAuthorityOptions = {}): Promise<CertificateAuthority> => {
  const commonName = options.commonName ?? 'syslog-connector test CA';
  const keyType = options.keyType ?? 'ec';
  return inTempDir(async (dir) => {
    await writeFile(join(dir, 'req.cnf'), REQUEST_CONFIG + caExtensions);
    await openssl(dir, [
      'req', '-x509', '-new', ...newKeyArgs(keyType), '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem',
      '-days', '3650', '-subj', subject(commonName), '-config', 'req.cnf', '-extensions', 'ext', '-sha256',
    ]);
    const cert = await readFile(join(dir, 'ca.pem'), 'utf8');
    const key = await readFile(join(dir, 'ca.key'), 'utf8');
    return { commonName, cert, key, keyType, fingerprint256: new X509Certificate(cert).fingerprint256 };
  });
};

/**
 * Issues a leaf certificate signed by `ca`, usable by a server and a client (extendedKeyUsage serverAuth and
 * clientAuth), with the validity asked for — an expired one included, which `openssl x509 -days` cannot make.
 */
export const issueCertificate = async (ca: CertificateAuthority, options: IssueCertificateOptions): Promise<IssuedCertificate> => {
  const now = Date.now();
  const notBefore = options.expired === true ? new Date(now - 2 * DAY) : (options.notBefore ?? new Date(now - HOUR));
  const notAfter = options.expired === true ? new Date(now - DAY) : (options.notAfter ?? new Date(now + 30 * DAY));
  const keyType = options.keyType ?? ca.keyType;
  const altNames = options.altNames ?? [];
  for (const name of altNames) {
    if (!/^[A-Za-z0-9.*:_-]+$/.test(name)) throw new TypeError(`"${name}" is not a DNS name or IP address`);
  }
  return inTempDir(async (dir) => {
    const subjectAltName = altNames.map((name) => (isIP(name) === 0 ? `DNS:${name}` : `IP:${name}`)).join(', ');
    await writeFile(join(dir, 'req.cnf'), REQUEST_CONFIG);
    await writeFile(
      join(dir, 'ca.cnf'),
      `[ ca ]
default_ca = test_ca
[ test_ca ]
database = index.txt
new_certs_dir = .
serial = serial
certificate = ca.pem
private_key = ca.key
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
[ policy_any ]
commonName = supplied
[ leaf ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, ${keyType === 'rsa' ? 'digitalSignature, keyEncipherment' : 'digitalSignature'}
extendedKeyUsage = serverAuth, clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
${subjectAltName === '' ? '' : `subjectAltName = ${subjectAltName}`}
`,
    );
    await writeFile(join(dir, 'index.txt'), '');
    await writeFile(join(dir, 'serial'), `${randomBytes(16).toString('hex').replace(/^./, '1')}\n`);
    await writeFile(join(dir, 'ca.pem'), ca.cert);
    await writeFile(join(dir, 'ca.key'), ca.key, { mode: 0o600 });
    await openssl(dir, [
      'req', '-new', ...newKeyArgs(keyType), '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr',
      '-subj', subject(options.commonName), '-config', 'req.cnf',
    ]);
    await openssl(dir, [
      'ca', '-batch', '-config', 'ca.cnf', '-extensions', 'leaf', '-notext', '-in', 'leaf.csr', '-out', 'leaf.pem',
      '-startdate', asn1Time(notBefore), '-enddate', asn1Time(notAfter),
    ]);
    const cert = await readFile(join(dir, 'leaf.pem'), 'utf8');
    const key = await readFile(join(dir, 'leaf.key'), 'utf8');
    const x509 = new X509Certificate(cert);
    return {
      commonName: options.commonName,
      altNames,
      cert,
      key,
      notBefore: new Date(x509.validFrom),
      notAfter: new Date(x509.validTo),
      fingerprint256: x509.fingerprint256,
    };
  });
};

const newKeyArgs = (keyType: KeyType): string[] =>
  keyType === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048'];

/** `/CN=…` with the characters openssl's -subj parser treats specially escaped. */
const subject = (commonName: string): string => `/CN=${commonName.replace(/[\\/+=,]/g, (c) => `\\${c}`)}`;

/** RFC 5280 §4.1.2.5: UTCTime (YYMMDDHHMMSSZ) up to 2049, GeneralizedTime from 2050. */
const asn1Time = (date: Date): string => {
  const iso = date.toISOString(); // 2026-01-31T12:34:56.789Z
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  return `${date.getUTCFullYear() < 2050 ? digits.slice(2) : digits}Z`;
};

const openssl = async (cwd: string, args: string[]): Promise<void> => {
  try {
    await run('openssl', args, { cwd });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim() ?? '';
    throw new Error(`openssl ${args[0] ?? ''} failed: ${stderr || (error as Error).message}`, { cause: error });
  }
};

const inTempDir = async <T>(work: (dir: string) => Promise<T>): Promise<T> => {
  const dir = await mkdtemp(join(tmpdir(), 'syslog-connector-pki-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
