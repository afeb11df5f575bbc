import { isIP } from 'node:net';
import { z } from 'zod';
import { duration } from '../duration.js';
import { secretOption } from '../secret-redaction.js';

/** The admin listener's default address: loopback only, so nothing is exposed until an operator says so. */
export const DEFAULT_ADMIN_LISTEN = '127.0.0.1:9514';
/** How long a destination may fail to deliver before `/readyz` says not ready. */
export const DEFAULT_READINESS_MAX_FAILING_FOR = '60s';
/** Bearer tokens shorter than this are guessable; `openssl rand -hex 32` makes a good one. */
export const ADMIN_TOKEN_MIN_LENGTH = 16;

/** `host:port` or `[ipv6]:port`; port 0 takes any free port (the bound one is logged). */
const LISTEN = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/;

/** The host and port of an `admin.listen` value; undefined when it is not one. */
export const parseListenAddress = (text: string): { readonly host: string; readonly port: number } | undefined => {
  const match = LISTEN.exec(text.trim());
  if (match === null) return undefined;
  const host = match[1] ?? match[2] ?? '';
  const port = Number(match[3]);
  if (port > 65_535 || (match[1] !== undefined && isIP(host) !== 6)) return undefined;
  return { host, port };
};

/** True for 127.0.0.0/8, ::1 and `localhost`: addresses no other machine can reach. */
export const isLoopbackHost = (host: string): boolean => {
  if (host.toLowerCase() === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || /^::ffff:127\./i.test(host);
  return false;
};

const pemFile = z.string().trim().min(1, { error: 'must be the path of a PEM file' });

/**
 * `admin:` (DESIGN §7): the admin listener — Prometheus metrics, health and readiness, and later the admin API and
 * console. Off when the key is absent. TLS file paths are relative to the config file.
 */
export const adminConfigSchema = z
  .strictObject({
    listen: z
      .string()
      .refine((text) => parseListenAddress(text) !== undefined, {
        error: 'must be host:port, e.g. 127.0.0.1:9514 or [::1]:9514 (port 0: any free port)',
      })
      .default(DEFAULT_ADMIN_LISTEN)
      .describe('Address of the admin listener; default 127.0.0.1:9514. Anything but loopback needs tls.'),
    token: secretOption(
      z
        .string({ error: 'is required: the bearer token that guards the admin listener; write ${SYSLOG_CONNECTOR_ADMIN_TOKEN}' })
        .min(ADMIN_TOKEN_MIN_LENGTH, {
          error: `must be at least ${ADMIN_TOKEN_MIN_LENGTH} characters; generate one with \`openssl rand -hex 32\``,
        })
        .describe('Bearer token (Authorization: Bearer …) for everything but /healthz, /readyz and public /metrics'),
    ),
    tls: z
      .strictObject({
        cert: pemFile.describe('PEM file of the listener certificate (chain)'),
        key: pemFile.describe('PEM file of its private key'),
      })
      .optional()
      .describe('HTTPS for the admin listener; required when listen is not a loopback address'),
    metricsPublic: z.boolean().default(false).describe('Serve /metrics without the token (for a scraper on a trusted network)'),
    readiness: z
      .strictObject({
        maxFailingFor: duration()
          .prefault(DEFAULT_READINESS_MAX_FAILING_FOR)
          .describe('How long a destination may fail to deliver before /readyz answers 503; default 60s'),
      })
      .prefault({})
      .describe('When /readyz says not ready'),
  })
  .superRefine((admin, ctx) => {
    const address = parseListenAddress(admin.listen);
    if (address !== undefined && !isLoopbackHost(address.host) && admin.tls === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['tls'],
        message: `is required because listen (${address.host}) is not a loopback address: add tls: { cert: ./admin.pem, key: ./admin-key.pem }, or listen on 127.0.0.1`,
      });
    }
  })
  .optional()
  .describe('Admin listener: /metrics (Prometheus), /healthz, /readyz; off when absent');

/** `admin:` of a validated config, with its defaults applied. */
export interface AdminConfig {
  readonly listen: string;
  readonly token: string;
  readonly tls?: { readonly cert: string; readonly key: string };
  readonly metricsPublic: boolean;
  readonly readiness: { readonly maxFailingFor: number };
}
