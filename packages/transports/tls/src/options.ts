import { secretOption, z } from '@syslog-connector/core';
import { addressOption, portOption, streamConnectionShape } from '@syslog-connector/stream-transport';

/** The lowest TLS version accepted: 1.2 (the default, RFC 5425 as updated by RFC 9662) or 1.3. */
export const TLS_MIN_VERSIONS = ['1.2', '1.3'] as const;
export type TlsMinVersion = (typeof TLS_MIN_VERSIONS)[number];

const file = (what: string) => z.string().trim().min(1, { error: `must be the path of ${what}` });

/**
 * `tls:` of a `protocol: tls` destination. A relative path is relative to the config file's folder. The files
 * are read again on every connect, so renewed certificates are used from the next connection on.
 */
export const tlsSettings = z
  .strictObject({
    ca: file('a PEM file')
      .optional()
      .describe('"Use CA certificate": PEM file of the CA(s) that signed the server certificate; default: the system\'s trusted CAs.'),
    cert: file('a PEM file')
      .optional()
      .describe('"Server requires client authentication": PEM file of this connector\'s client certificate (chain).'),
    key: file('a PEM file').optional().describe('PEM file of the client certificate\'s private key.'),
    passphrase: secretOption(z.string().min(1).optional().describe('Passphrase of an encrypted key; write ${NAME} to read it from the environment.')),
    serverName: z
      .string()
      .trim()
      .min(1)
      .optional()
      .describe('Name the server certificate must carry (and SNI); default: address.'),
    minVersion: z.enum(TLS_MIN_VERSIONS).default('1.2').describe('Lowest TLS version accepted: 1.2 or 1.3.'),
    insecureSkipVerify: z
      .boolean()
      .default(false)
      .describe('DANGEROUS: accept any server certificate (no CA check, no name check). Logged as a warning on every connect.'),
  })
  .refine((t) => (t.cert === undefined) === (t.key === undefined), {
    error: 'cert and key go together: set both for client authentication, or neither',
    path: ['key'],
  })
  .refine((t) => t.passphrase === undefined || t.key !== undefined, { error: 'passphrase needs key', path: ['passphrase'] })
  .prefault({});

/** The options of a `protocol: tls` destination (RFC 5425: always octet counting). */
export const tlsOptions = z.strictObject({
  address: addressOption(),
  port: portOption(6514, 'TCP port of the syslog server\'s TLS listener. 6514 is the IANA syslog-tls port (RFC 5425).'),
  tls: tlsSettings.describe('Certificates and checks.'),
  ...streamConnectionShape(),
});

export type TlsOptions = z.output<typeof tlsOptions>;
export type TlsSettings = TlsOptions['tls'];
