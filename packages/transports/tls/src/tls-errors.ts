import type { PeerCertificate } from 'node:tls';
import { TransportError } from '@syslog-connector/core';
import { formatDuration, target, type Destination } from '@syslog-connector/stream-transport';
import type { TlsSettings } from './options.js';

/** What the TLS error messages need to know about the destination's settings. */
export interface TlsDiagnosisContext {
  readonly destination: Destination;
  readonly settings: TlsSettings;
  /** The name checked against the server certificate. */
  readonly serverName: string;
}

const codeOf = (error: unknown): string =>
  typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : '';
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const CA_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);

/** `CN=x` of a certificate's subject or issuer, or `(no CN)`. */
const nameOf = (entity: PeerCertificate['subject'] | undefined): string => {
  const cn = entity?.CN;
  return `"CN=${Array.isArray(cn) ? cn.join(',') : (cn ?? '(no CN)')}"`;
};

/** Node prints IPv6 SAN entries uncompressed (0:0:0:0:0:0:0:1); show them as written (::1). */
const shortIp = (entry: string): string => {
  if (!/^[0-9A-Fa-f:]+$/.test(entry) || entry.split(':').length !== 8) return entry;
  const groups = entry.split(':').map((g) => g.replace(/^0+(?=.)/, '').toLowerCase());
  let best = { at: -1, length: 1 };
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.length) best = { at: i, length: j - i };
  }
  if (best.at < 0) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.length).join(':')}`;
};

const hostsOf = (cert: PeerCertificate): string => {
  const alt = cert.subjectaltname;
  if (alt !== undefined && alt !== '') return alt.split(', ').map((entry) => shortIp(entry.replace(/^(DNS|IP Address):/, ''))).join(', ');
  return `${nameOf(cert.subject)} (no subjectAltName)`;
};

/**
 * The server certificate failed verification (`authorizationError` of the TLS socket): not signed by the CA
 * given, expired, not yet valid.
 */
export const verificationError = (code: string, cert: PeerCertificate, c: TlsDiagnosisContext): TransportError => {
  const d = c.destination;
  const subject = nameOf(cert.subject);
  const issuer = nameOf(cert.issuer);
  if (code === 'CERT_HAS_EXPIRED') {
    return new TransportError('TRANSPORT_TLS', `the server's certificate ${subject} at ${target(d)} expired on ${cert.valid_to}`, 0, {
      path: d.path,
      hint: "the server's administrator must renew its certificate; if it looks current, check this machine's clock (date)",
    });
  }
  if (code === 'CERT_NOT_YET_VALID') {
    return new TransportError('TRANSPORT_TLS', `the server's certificate ${subject} at ${target(d)} is not valid before ${cert.valid_from}`, 0, {
      path: d.path,
      hint: "check this machine's clock (date, NTP); otherwise the server's certificate was issued with a future start date",
    });
  }
  if (CA_CODES.has(code)) {
    const by = c.settings.ca === undefined ? "any CA this machine trusts (no tls.ca is set)" : `the CA in tls.ca (${c.settings.ca})`;
    return new TransportError('TRANSPORT_TLS', `the server's certificate ${subject} at ${target(d)}, issued by ${issuer}, is not signed by ${by} (${code})`, 0, {
      path: `${d.path}.tls.ca`,
      hint: `set tls.ca to the certificate of the CA that issued the server's certificate (${issuer}); if the server uses an intermediate CA, it must send it, or tls.ca must contain it`,
    });
  }
  return new TransportError('TRANSPORT_TLS', `the server's certificate ${subject} at ${target(d)} was rejected: ${code}`, 0, {
    path: `${d.path}.tls.ca`,
    hint: "check the server's certificate chain against tls.ca (openssl s_client -connect HOST:PORT -CAfile CA)",
  });
};

/** The certificate is valid but not for the name connected to (RFC 6125 / RFC 5425 §5.2). */
export const nameMismatchError = (cert: PeerCertificate, c: TlsDiagnosisContext): TransportError => {
  const d = c.destination;
  const given = c.settings.serverName === undefined ? 'address' : 'tls.serverName';
  return new TransportError(
    'TRANSPORT_TLS',
    `the server's certificate at ${target(d)} is for ${hostsOf(cert)}, not for ${c.serverName} (name mismatch)`,
    0,
    {
      path: c.settings.serverName === undefined ? `${d.path}.address` : `${d.path}.tls.serverName`,
      hint: `set ${given} to a name the certificate lists, or have the server's certificate reissued with ${c.serverName} in its subjectAltName`,
    },
  );
};

/** The handshake failed before it finished (an alert, a reset, not TLS at all). */
export const handshakeError = (error: unknown, c: TlsDiagnosisContext): TransportError => {
  const d = c.destination;
  const code = codeOf(error);
  const details = { path: d.path, cause: error };
  const clientCert = c.settings.cert !== undefined;
  const versions = c.settings.minVersion === '1.3' ? 'TLS 1.3' : 'TLS 1.2 or 1.3';
  if (/PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|NO_PROTOCOLS_AVAILABLE|VERSION_TOO_LOW|TLSV1_ALERT_PROTOCOL/.test(code)) {
    return new TransportError('TRANSPORT_TLS', `the server at ${target(d)} refused the TLS version: this connector offers ${versions} (${code})`, 0, {
      ...details,
      path: `${d.path}.tls.minVersion`,
      hint:
        c.settings.minVersion === '1.3'
          ? 'the server does not speak TLS 1.3: set tls.minVersion to 1.2, or enable TLS 1.3 on the server'
          : 'the server only speaks TLS 1.0/1.1, which are insecure and not offered: enable TLS 1.2 or 1.3 on the server',
    });
  }
  if (/WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|HTTP_REQUEST|RECORD_LAYER_FAILURE|UNEXPECTED_MESSAGE/.test(code)) {
    return new TransportError('TRANSPORT_TLS', `${target(d)} answered, but not with TLS (${code}): this looks like a plain TCP port`, 0, {
      ...details,
      hint: 'use the server\'s TLS port (usually 6514), or protocol: tcp if this port is plain syslog',
    });
  }
  const refused = clientCertificateRefusal(code, c);
  if (refused !== undefined) return new TransportError('TRANSPORT_TLS', refused.message, 0, { ...details, path: refused.path, hint: refused.hint });
  if (code.endsWith('ALERT_HANDSHAKE_FAILURE')) {
    const why = clientCert ? '' : ': it likely requires a client certificate, and none is configured';
    return new TransportError('TRANSPORT_TLS', `the server at ${target(d)} ended the TLS handshake (handshake_failure)${why}`, 0, {
      ...details,
      hint: clientCert
        ? 'the server shares no cipher with this connector, or does not accept its client certificate; see the server\'s log'
        : 'the server likely requires a client certificate: set tls.cert and tls.key ("Server requires client authentication"); otherwise it shares no cipher with this connector',
    });
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === '' || code === 'ERR_TLS_HANDSHAKE_CLOSED') {
    const likely =
      c.settings.minVersion === '1.3'
        ? 'it likely refuses TLS 1.3 (tls.minVersion is 1.3)'
        : clientCert
          ? 'it may not accept this connector\'s client certificate, or the TLS version'
          : 'it may require a client certificate, or not accept the TLS version';
    return new TransportError('TRANSPORT_TLS', `the server at ${target(d)} closed the connection during the TLS handshake${code === '' ? '' : ` (${code})`}: ${likely}`, 0, {
      ...details,
      hint:
        c.settings.minVersion === '1.3'
          ? 'set tls.minVersion to 1.2, or enable TLS 1.3 on the server; see the server\'s log for the reason'
          : 'see the server\'s log for the reason; set tls.cert and tls.key if it requires client authentication',
    });
  }
  return new TransportError('TRANSPORT_TLS', `the TLS handshake with ${target(d)} failed: ${messageOf(error)}`, 0, {
    ...details,
    hint: 'check that the port is the server\'s TLS port and the server\'s log; openssl s_client -connect HOST:PORT shows the handshake',
  });
};

/**
 * The server refused us after (TLS 1.3) or during (TLS 1.2) the handshake because of the client certificate:
 * none given while one is required, or one it does not trust. Undefined when `code` is not such a refusal.
 */
export const clientCertificateRefusal = (
  code: string,
  c: TlsDiagnosisContext,
): { readonly message: string; readonly hint: string; readonly path: string } | undefined => {
  const d = c.destination;
  if (code.endsWith('ALERT_CERTIFICATE_REQUIRED')) {
    return {
      message: `the server at ${target(d)} requires a client certificate and none was given (certificate_required)`,
      path: `${d.path}.tls.cert`,
      hint: 'set tls.cert and tls.key to a client certificate signed by a CA the server trusts ("Server requires client authentication")',
    };
  }
  if (/ALERT_UNKNOWN_CA|ALERT_BAD_CERTIFICATE|ALERT_CERTIFICATE_UNKNOWN|ALERT_ACCESS_DENIED|ALERT_UNSUPPORTED_CERTIFICATE|ALERT_CERTIFICATE_EXPIRED|ALERT_CERTIFICATE_REVOKED|ALERT_DECRYPT_ERROR/.test(code)) {
    const alert = code.replace(/^.*ALERT_/, '').toLowerCase();
    return c.settings.cert === undefined
      ? {
          message: `the server at ${target(d)} refused the connection (${alert}): it likely requires a client certificate`,
          path: `${d.path}.tls.cert`,
          hint: 'set tls.cert and tls.key to a client certificate signed by a CA the server trusts',
        }
      : {
          message: `the server at ${target(d)} refused this connector's client certificate ${c.settings.cert} (${alert})`,
          path: `${d.path}.tls.cert`,
          hint:
            alert === 'certificate_expired'
              ? 'the client certificate expired: renew it (the file is read again on the next connect)'
              : 'the server must trust the CA that issued tls.cert (rsyslog: DefaultNetstreamDriverCAFile, and PermittedPeer if set)',
        };
  }
  return undefined;
};

/** The handshake did not finish within what was left of connectTimeout. */
export const handshakeTimeoutError = (c: TlsDiagnosisContext): TransportError =>
  new TransportError(
    'TRANSPORT_TIMEOUT',
    `the TLS handshake with ${target(c.destination)} did not finish within ${formatDuration(c.destination.connectTimeoutMs)}`,
    0,
    {
      path: c.destination.path,
      hint: 'the port accepts TCP but the server does not answer TLS: check that it is the TLS port and the server is not overloaded',
    },
  );
