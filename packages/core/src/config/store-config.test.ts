import { describe, expect, it } from 'vitest';
import { collectSecrets } from '../secret-redaction.js';
import { storeConfigSchema } from './store-config.js';

describe('store config', () => {
  it('is sqlite when absent', () => {
    expect(storeConfigSchema.parse(undefined)).toEqual({ type: 'sqlite' });
    expect(storeConfigSchema.parse({ type: 'sqlite' })).toEqual({ type: 'sqlite' });
  });

  it('takes postgres with a connection string, defaulting the lease timeout to 15 s, and marks the url secret', () => {
    const value = { type: 'postgres', url: 'postgres://forwarder:pw-1234567890@db.example:5432/syslog' };
    expect(storeConfigSchema.parse(value)).toEqual({ ...value, schema: 'syslog_connector', leaseTimeout: 15_000, poolSize: 4 });
    expect(collectSecrets(storeConfigSchema, value)).toEqual([value.url]);
  });

  it('names each wrong key with its fix, never echoing the url', () => {
    const result = storeConfigSchema.safeParse({ type: 'postgres', url: 'mysql://x:hunter2-secret@h/d', leaseTimeout: '1s' });
    expect(result.success).toBe(false);
    const issues = result.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];
    expect(issues).toEqual([
      'url: must be a connection string postgres://user:password@host:5432/database; write ${SYSLOG_CONNECTOR_PG_URL}',
      'leaseTimeout: must be at least 3s',
    ]);
    expect(issues.join('\n')).not.toContain('hunter2-secret');
    expect(storeConfigSchema.safeParse({ type: 'postgres' }).error?.issues[0]?.message).toBe(
      'is required: the PostgreSQL connection string; write ${SYSLOG_CONNECTOR_PG_URL}',
    );
  });
});
