import { z } from 'zod';
import { duration } from '../duration.js';
import { secretOption } from '../secret-redaction.js';

/** How long a daemon may stay silent before another takes its sources and destinations over (issue #19). */
export const DEFAULT_LEASE_TIMEOUT = '15s';
/** Shorter leases would be renewed more often than a busy database answers. */
export const MIN_LEASE_TIMEOUT_MS = 3_000;

/**
 * `store:` (issue #19): where the journal, cursors, checkpoints and plugin state live. `sqlite` (the default) is
 * embedded in `stateDir`, one daemon; `postgres` is shared by several daemons, which split the sources and
 * destinations among themselves by leases and take over from one another.
 */
export const storeConfigSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('sqlite') }),
    z.strictObject({
      type: z.literal('postgres'),
      url: secretOption(
        z
          .string({ error: 'is required: the PostgreSQL connection string; write ${SYSLOG_CONNECTOR_PG_URL}' })
          .trim()
          .regex(/^postgres(?:ql)?:\/\/\S+$/, { error: 'must be a connection string postgres://user:password@host:5432/database; write ${SYSLOG_CONNECTOR_PG_URL}' })
          .describe('Connection string of the shared PostgreSQL database (a secret: write ${SYSLOG_CONNECTOR_PG_URL})'),
      ),
      schema: z
        .string()
        .regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: 'must be a lower-case SQL name (letters, digits, _)' })
        .default('syslog_connector')
        .describe('PostgreSQL schema of the store tables, created when missing; default syslog_connector'),
      leaseTimeout: duration()
        .refine((ms) => ms >= MIN_LEASE_TIMEOUT_MS, { error: `must be at least ${MIN_LEASE_TIMEOUT_MS / 1000}s` })
        .prefault(DEFAULT_LEASE_TIMEOUT)
        .describe('Bound of a takeover: a daemon silent this long loses its sources and destinations to another; default 15s'),
      poolSize: z.number().int().min(2).max(64).default(4).describe('Connections of each daemon to PostgreSQL; default 4'),
    }),
  ])
  .prefault({ type: 'sqlite' })
  .describe('Where the journal lives: sqlite (embedded in stateDir, default) or postgres (shared by several daemons)');

export type StoreConfig =
  | { readonly type: 'sqlite' }
  | { readonly type: 'postgres'; readonly url: string; readonly schema: string; readonly leaseTimeout: number; readonly poolSize: number };
