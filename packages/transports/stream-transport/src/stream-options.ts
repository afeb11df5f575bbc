import { duration, z } from '@syslog-connector/core';
import { isIP } from 'node:net';

// RFC 1123 §2.1 host name: dot-separated labels of letters, digits and hyphens, 1–63 characters each, not
// starting or ending with a hyphen, 253 characters at most; a trailing dot (absolute name) is allowed.
const HOST_NAME = /^(?=.{1,253}\.?$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

const ADDRESS_REQUIRED = 'is required; set the syslog server host name or IP';
const PORT_RANGE = 'must be 1–65535';

/** A positive duration (`500ms`, `10s`, `5m`), parsed to milliseconds. */
export const positiveDuration = () => duration().refine((ms) => ms > 0, { error: 'must be longer than 0ms' });

/** `address`: a host name (resolved again on every connect) or an IP address. */
export const addressOption = () =>
  z
    .string({ error: (issue) => (issue.input === undefined ? ADDRESS_REQUIRED : 'must be a host name or IP address') })
    .trim()
    .min(1, { error: ADDRESS_REQUIRED })
    .refine((value) => value === '' || isIP(value) !== 0 || HOST_NAME.test(value), {
      error: 'must be a host name (siem.example.com) or an IP address (10.0.0.5, fd00::5), without scheme or port',
    })
    .describe('Syslog server: host name (resolved again on every connect) or IP address.');

/** `port`, 1–65535, with the protocol's default. */
export const portOption = (defaultPort: number, description: string) =>
  z
    .number({ error: PORT_RANGE })
    .int({ error: PORT_RANGE })
    .min(1, { error: PORT_RANGE })
    .max(65535, { error: PORT_RANGE })
    .default(defaultPort)
    .describe(description);

/** The connection keys every stream transport (tcp, tls) has, to spread into its `z.strictObject`. */
export const streamConnectionShape = () => ({
  connectTimeout: positiveDuration()
    .prefault('10s')
    .describe('How long name resolution plus the TCP handshake (plus the TLS handshake) may take before the attempt fails.'),
  keepAlive: duration()
    .prefault('60s')
    .describe('Idle time before TCP keep-alive probes start, so a silently dead connection is noticed; 0s turns them off.'),
  reconnect: z
    .strictObject({
      initialDelay: positiveDuration().prefault('500ms').describe('Wait before the first reconnect after a failure.'),
      maxDelay: positiveDuration().prefault('30s').describe('Longest wait between reconnects; the wait doubles up to it.'),
    })
    .refine((r) => r.maxDelay >= r.initialDelay, { error: 'maxDelay must not be shorter than initialDelay', path: ['maxDelay'] })
    .prefault({})
    .describe('Backoff between reconnect attempts after a failure, with jitter.'),
});

/** What `StreamTransport` needs of the validated options (durations in milliseconds). */
export interface StreamConnectionOptions {
  readonly address: string;
  readonly port: number;
  readonly connectTimeout: number;
  readonly keepAlive: number;
  readonly reconnect: { readonly initialDelay: number; readonly maxDelay: number };
}
