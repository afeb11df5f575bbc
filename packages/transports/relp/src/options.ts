import { z } from '@syslog-connector/core';
import { addressOption, portOption, positiveDuration, streamConnectionShape } from '@syslog-connector/stream-transport';

const file = (what: string) => z.string().trim().min(1, { error: `must be the path of ${what}` });

/**
 * `tls:` of a `protocol: relp` destination: RELP over TLS, as rsyslog's imrelp offers it (`tls="on"`). A relative
 * path is relative to the config file's folder; the files are read again on every connect.
 */
export const relpTlsSettings = z
  .strictObject({
    ca: file('a PEM file').optional().describe("PEM file of the CA(s) that signed the server certificate; default: the system's trusted CAs."),
    cert: file('a PEM file').optional().describe("PEM file of this connector's client certificate (imrelp tls.authMode=certvalid / name)."),
    key: file('a PEM file').optional().describe("PEM file of the client certificate's private key."),
    serverName: z.string().trim().min(1).optional().describe('Name the server certificate must carry (and SNI); default: address.'),
  })
  .refine((t) => (t.cert === undefined) === (t.key === undefined), {
    error: 'cert and key go together: set both for client authentication, or neither',
    path: ['key'],
  });

/** librelp's default window (rsyslog omrelp `windowSize`, "at the time of this writing … 128 messages"). */
export const DEFAULT_WINDOW = 128;

/**
 * The options of a `protocol: relp` destination. The keys sit directly in the destination (DESIGN §7), next to
 * `protocol`, `format` and `sources`, which the host owns.
 */
export const relpOptions = z.strictObject({
  address: addressOption(),
  port: portOption(
    2514,
    "TCP port of the server's RELP listener (rsyslog imrelp). RELP has no IANA port; 2514 is the one rsyslog's imrelp documentation uses.",
  ),
  window: z
    .number({ error: 'must be a whole number, 1–100000' })
    .int({ error: 'must be a whole number, 1–100000' })
    .min(1, { error: 'must be a whole number, 1–100000' })
    .max(100_000, { error: 'must be a whole number, 1–100000' })
    .default(DEFAULT_WINDOW)
    .describe(
      'Messages sent ahead of the server\'s acknowledgements (librelp\'s default: 128). Larger is faster; after a broken connection, up to this many are sent again.',
    ),
  ackTimeout: positiveDuration()
    .prefault('90s')
    .describe("How long the server may take to acknowledge, while messages wait for it, before the connection is dropped and opened again (omrelp's timeout: 90s)."),
  tls: relpTlsSettings.optional().describe('RELP over TLS (imrelp tls="on"): certificates and checks. Absent: plain TCP.'),
  ...streamConnectionShape(),
});

/** The validated options, defaults applied; durations in milliseconds. */
export type RelpOptions = z.output<typeof relpOptions>;
export type RelpTlsSettings = NonNullable<RelpOptions['tls']>;
