import { readFile } from 'node:fs/promises';
import { createSecureContext, type SecureContext } from 'node:tls';
import { type CertificateValidity, TransportError, type Logger } from '@syslog-connector/core';
import { tlsCertificateValidity, type Destination } from '@syslog-connector/stream-transport';
import type { TlsSettings } from './options.js';

type FileKey = 'ca' | 'cert' | 'key';

/** The PEM files as last read, and the secure context made of them. */
interface Loaded {
  readonly contents: string;
  readonly context: SecureContext;
  readonly clientCertificate: boolean;
}

/**
 * The TLS credentials of one destination. `context()` reads the files again on every call (they are small) and
 * builds a new `SecureContext` only when their contents changed, so renewed certificates are picked up on the next
 * connect without a restart, and a broken file fails that connect with a message naming the file.
 */
export class TlsCredentials {
  readonly #settings: TlsSettings;
  readonly #destination: Destination;
  readonly #logger: Logger;
  readonly #resolvePath: (path: string) => string;
  #loaded: Loaded | undefined;

  /** `resolvePath` is the host's (`PluginPlace`): a relative `tls.ca` is read from the config file's folder. */
  constructor(settings: TlsSettings, destination: Destination, logger: Logger, resolvePath: (path: string) => string) {
    this.#settings = settings;
    this.#destination = destination;
    this.#logger = logger;
    this.#resolvePath = resolvePath;
  }

  /** True when a client certificate is configured. */
  get hasClientCertificate(): boolean {
    return this.#settings.cert !== undefined;
  }

  async context(): Promise<SecureContext> {
    const s = this.#settings;
    const files: Partial<Record<FileKey, string>> = {};
    for (const key of ['ca', 'cert', 'key'] as const) {
      const path = s[key];
      if (path !== undefined) files[key] = await this.#read(key, path);
    }
    const contents = JSON.stringify(files);
    if (this.#loaded?.contents === contents) return this.#loaded.context;
    let context: SecureContext;
    try {
      context = createSecureContext({
        ...(files.ca === undefined ? {} : { ca: files.ca }),
        ...(files.cert === undefined ? {} : { cert: files.cert }),
        ...(files.key === undefined ? {} : { key: files.key }),
        ...(s.passphrase === undefined ? {} : { passphrase: s.passphrase }),
        minVersion: s.minVersion === '1.3' ? 'TLSv1.3' : 'TLSv1.2',
      });
    } catch (error) {
      throw credentialError(error, this.#destination, s);
    }
    if (this.#loaded !== undefined) {
      this.#logger.info({ files: Object.values({ ca: s.ca, cert: s.cert, key: s.key }).filter(Boolean) }, 'TLS certificate files changed; the new ones are used from this connection on.');
    }
    this.#loaded = { contents, context, clientCertificate: files.cert !== undefined };
    return context;
  }

  /**
   * The client certificate and the CA certificates as their files hold them now (a CA file may hold several), for
   * the host's expiry warning and reload (`Transport.certificates`). A file that cannot be read or is not PEM throws,
   * as the next connect would.
   */
  async certificates(): Promise<CertificateValidity[]> {
    return tlsCertificateValidity(this.#settings, `${this.#destination.path}.tls`, (key, path) => this.#read(key, path));
  }

  async #read(key: FileKey, configured: string): Promise<string> {
    const path = this.#resolvePath(configured);
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      const code = (error as { code?: string }).code;
      const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? String(error)})`;
      throw new TransportError('TRANSPORT_TLS', `the ${FILE_ROLE[key]} file ${path} ${why}`, 0, {
        path: `${this.#destination.path}.tls.${key}`,
        hint: `check tls.${key}: a relative path is taken from the config file's folder, and the file must be readable by the connector's user`,
        cause: error,
      });
    }
  }
}


const FILE_ROLE: Record<FileKey, string> = { ca: 'CA certificate', cert: 'client certificate', key: 'client key' };

/** createSecureContext refused the files: a wrong passphrase, a key that does not match, not PEM. */
const credentialError = (error: unknown, d: Destination, s: TlsSettings): TransportError => {
  const code = (error as { code?: string }).code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  const details = (key: FileKey | 'passphrase', hint: string) => ({ path: `${d.path}.tls.${key}`, hint, cause: error });
  if (/BAD_DECRYPT|bad decrypt|PASSPHRASE|interrupted or cancelled/i.test(`${code} ${message}`)) {
    return new TransportError('TRANSPORT_TLS', `the client key ${s.key ?? ''} could not be decrypted: ${s.passphrase === undefined ? 'it is encrypted and no passphrase is set' : 'the passphrase is wrong'}`, 0, details('passphrase', 'set tls.passphrase to the key\'s passphrase (e.g. ${KEY_PASSPHRASE} to read it from the environment)'));
  }
  if (/KEY_VALUES_MISMATCH|key values mismatch/i.test(`${code} ${message}`)) {
    return new TransportError('TRANSPORT_TLS', `the client key ${s.key ?? ''} does not belong to the client certificate ${s.cert ?? ''}`, 0, details('key', 'use the key the client certificate was issued for'));
  }
  if (/NO_START_LINE|no start line|PEM/i.test(`${code} ${message}`)) {
    return new TransportError('TRANSPORT_TLS', `a TLS file is not in PEM format (${message})`, 0, details('ca', 'tls.ca, tls.cert and tls.key must be PEM files (-----BEGIN …-----); convert DER with openssl x509 -inform der'));
  }
  return new TransportError('TRANSPORT_TLS', `the TLS files could not be used: ${message}`, 0, details('cert', 'check tls.ca, tls.cert and tls.key'));
};
