import { SyslogConnectorError } from '@syslog-connector/core';
import { postgresCondition, usePrivatePostgres, rejectionOf, requireMachineCondition } from '@syslog-connector/testing';
import { describe, expect, it } from 'vitest';
import { PostgresJournal, SCHEMA_VERSION } from '../src/index.js';

describe('PostgresJournal.open without a server', () => {
  it('names host, port and database, never the user or password, and says what to do', async () => {
    const url = 'postgres://forwarder:S3cret-Passw0rd-x@127.0.0.1:1/syslog';
    const error = await rejectionOf(PostgresJournal.open({ url, connectTimeoutMs: 2_000 }));
    expect(SyslogConnectorError.hasCode(error, 'STORE_UNAVAILABLE')).toBe(true);
    const text = `${(error as SyslogConnectorError).describe()} ${JSON.stringify(error)} ${String((error as Error).stack)}`;
    expect(text).toContain('127.0.0.1:1/syslog');
    expect(text).not.toContain('S3cret-Passw0rd-x');
    expect(text).not.toContain('forwarder');
    expect((error as SyslogConnectorError).path).toBe('store.url');
  });
});

describe.skipIf(requireMachineCondition(postgresCondition))('PostgresJournal.open on a server', () => {
  const server = usePrivatePostgres();

  it('migrates a new store once when several daemons start at once (advisory lock), and reports its settings', async () => {
    const url = server().url();
    const journals = await Promise.all(Array.from({ length: 4 }, () => PostgresJournal.open({ url, schema: 'concurrent' })));
    try {
      await Promise.all(journals.map((j, i) => j.state.set('race', `k${i}`, 'v')));
      expect(await journals[0]?.info()).toMatchObject({ schema: 'concurrent', schemaVersion: SCHEMA_VERSION, synchronousCommit: 'on' });
      expect((await journals[0]?.info())?.target).toMatch(/^127\.0\.0\.1:\d+\/postgres$/);
    } finally {
      await Promise.all(journals.map((j) => j.close()));
    }
  });

  it('refuses a store written by a newer schema, changing nothing', async () => {
    const url = server().url();
    const first = await PostgresJournal.open({ url, schema: 'newer' });
    await first.withClient('test', (client) => client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [SCHEMA_VERSION + 1]));
    await first.close();
    const error = await rejectionOf(PostgresJournal.open({ url, schema: 'newer' }));
    expect((error as SyslogConnectorError).message).toMatch(new RegExp(`has schema version ${SCHEMA_VERSION + 1}; this version of syslog-connector knows up to ${SCHEMA_VERSION}\\.$`));
  });
});
