import { once } from 'node:events';
import { X509Certificate } from 'node:crypto';
import { connect, createServer, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueCertificate } from './certificate-factory.js';

/** Connects a TLS client to a one-shot server with `server`'s certificate; resolves with the client's verdict. */
const handshake = async (server: { key: string; cert: string }, ca: string, servername: string): Promise<string> => {
  const tlsServer = createServer({ key: server.key, cert: server.cert }, (socket: TLSSocket) => socket.end());
  tlsServer.listen(0, '127.0.0.1');
  await once(tlsServer, 'listening');
  const socket = connect({ host: '127.0.0.1', port: (tlsServer.address() as AddressInfo).port, servername, ca });
  try {
    return await new Promise<string>((resolve) => {
      socket.once('secureConnect', () => resolve('ok'));
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
  } finally {
    socket.destroy();
    await new Promise((resolve) => tlsServer.close(resolve));
  }
};

describe('certificate factory', () => {
  it('creates a CA and issues a leaf with the asked names, signed by it', async () => {
    const ca = await createCertificateAuthority({ commonName: 'Test CA / unit' });
    const leaf = await issueCertificate(ca, { commonName: 'syslog.test', altNames: ['syslog.test', 'localhost', '127.0.0.1', '::1'] });
    const caCert = new X509Certificate(ca.cert);
    const x509 = new X509Certificate(leaf.cert);
    expect(caCert.subject).toBe('CN=Test CA / unit');
    expect(caCert.ca).toBe(true);
    expect(x509.subject).toBe('CN=syslog.test');
    expect(x509.issuer).toBe('CN=Test CA / unit');
    expect(x509.ca).toBe(false);
    expect(x509.subjectAltName).toBe('DNS:syslog.test, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(x509.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(x509.verify(caCert.publicKey)).toBe(true);
    expect(x509.publicKey.asymmetricKeyType).toBe('ec');
    expect(leaf.key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(leaf.fingerprint256).toBe(x509.fingerprint256);
    expect(leaf.notAfter.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect(await handshake(leaf, ca.cert, 'syslog.test')).toBe('ok');
  });

  it('issues certificates a TLS client refuses: expired, wrong name, unknown CA', async () => {
    const ca = await createCertificateAuthority();
    const other = await createCertificateAuthority({ commonName: 'someone else' });
    const expired = await issueCertificate(ca, { commonName: 'localhost', altNames: ['localhost'], expired: true });
    expect(expired.notAfter.getTime()).toBeLessThan(Date.now());
    expect(await handshake(expired, ca.cert, 'localhost')).toBe('CERT_HAS_EXPIRED');
    const good = await issueCertificate(ca, { commonName: 'localhost', altNames: ['localhost'] });
    expect(await handshake(good, ca.cert, 'siem.example.com')).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(await handshake(good, other.cert, 'localhost')).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('sets an exact validity window and can use RSA keys', async () => {
    const ca = await createCertificateAuthority({ keyType: 'rsa' });
    const notBefore = new Date('2030-01-01T00:00:00Z');
    const notAfter = new Date('2051-06-30T12:00:00Z');
    const leaf = await issueCertificate(ca, { commonName: 'future', notBefore, notAfter });
    expect(leaf.notBefore.toISOString()).toBe('2030-01-01T00:00:00.000Z');
    expect(leaf.notAfter.toISOString()).toBe('2051-06-30T12:00:00.000Z');
    expect(new X509Certificate(leaf.cert).publicKey.asymmetricKeyType).toBe('rsa');
    expect(new X509Certificate(leaf.cert).subjectAltName).toBeUndefined();
  });

  it('rejects an alt name that is neither a DNS name nor an IP address', async () => {
    const ca = await createCertificateAuthority();
    await expect(issueCertificate(ca, { commonName: 'x', altNames: ['a b'] })).rejects.toThrow('"a b" is not a DNS name or IP address');
  });
});
