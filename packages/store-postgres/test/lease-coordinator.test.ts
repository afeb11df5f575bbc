import type { WorkPart } from '@syslog-connector/core/engine';
import { postgresCondition, usePrivatePostgres, rejectionOf, requireMachineCondition, storedSecurityEvent } from '@syslog-connector/testing';
import pg from 'pg';
import { describe, afterEach, expect, it } from 'vitest';
import { LeaseCoordinator, LeaseLostError, PostgresJournal, readLeases } from '../src/index.js';

/** Short leases so a takeover takes about a second: lease 800 ms, renewed every 200 ms. */
const LEASE_TIMEOUT_MS = 1_200;

const parts = (kind: WorkPart['kind'], n: number, prefix: string): WorkPart[] => Array.from({ length: n }, (_, i) => ({ kind, id: `${prefix}${i + 1}` }));

interface Daemon {
  readonly journal: PostgresJournal;
  readonly coordinator: LeaseCoordinator;
  /** The parts this daemon was told to work and not told to stop, as the host would run them. */
  readonly running: Set<string>;
  readonly revoked: string[];
}

const until = async (what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<number> => {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - started;
};

describe.skipIf(requireMachineCondition(postgresCondition))('LeaseCoordinator', () => {
  const server = usePrivatePostgres();
  let schema = '';
  let n = 0;
  const daemons: Daemon[] = [];

  afterEach(async () => {
    for (const daemon of daemons.splice(0)) {
      await daemon.coordinator.halt();
      await daemon.journal.close();
    }
  });

  const startDaemon = async (work: readonly WorkPart[], name: string): Promise<Daemon> => {
    const journal = await PostgresJournal.open({ url: server().url(), schema, holder: `${name}:${n}` });
    const coordinator = new LeaseCoordinator({ journal, instance: name, leaseTimeoutMs: LEASE_TIMEOUT_MS });
    const daemon: Daemon = { journal, coordinator, running: new Set(), revoked: [] };
    daemons.push(daemon);
    await coordinator.start(work, {
      grant: async (part) => {
        daemon.running.add(`${part.kind}:${part.id}`);
      },
      revoke: async (part, reason) => {
        daemon.running.delete(`${part.kind}:${part.id}`);
        daemon.revoked.push(`${part.kind}:${part.id}/${reason}`);
      },
    });
    return daemon;
  };
  const fresh = () => {
    n += 1;
    schema = `leases_${n}`;
  };

  it('spreads 6 sources and 3 destinations over 3 daemons, each part on exactly one, and rebalances when one leaves', async () => {
    fresh();
    const work = [...parts('source', 6, 'src'), ...parts('destination', 3, 'dst')];
    const [a, b, c] = [await startDaemon(work, 'a'), await startDaemon(work, 'b'), await startDaemon(work, 'c')] as [Daemon, Daemon, Daemon];
    const all = () => [...a.running, ...b.running, ...c.running];
    await until('every part worked by one daemon, 2 sources and 1 destination each', () =>
      all().length === 9 && [a, b, c].every((d) => [...d.running].filter((p) => p.startsWith('source:')).length === 2 && [...d.running].filter((p) => p.startsWith('destination:')).length === 1),
    );
    expect(new Set(all()).size).toBe(9);
    // The store agrees with what the daemons run.
    const leases = await readLeases(a.journal);
    expect(leases.filter((l) => l.holder !== undefined)).toHaveLength(9);
    for (const lease of leases) expect([a, b, c].find((d) => d.coordinator.member === lease.holder)?.running.has(`${lease.kind}:${lease.id}`)).toBe(true);

    // c leaves cleanly: its parts are taken at the next tick, without a takeover (it gave them up).
    await c.coordinator.halt();
    await c.coordinator.release();
    c.running.clear();
    await until('a and b share everything', () => a.running.size + b.running.size === 9, 5_000);
    expect(a.running.size).toBeGreaterThanOrEqual(4);
    expect(b.running.size).toBeGreaterThanOrEqual(4);
    expect((await readLeases(a.journal)).reduce((sum, l) => sum + l.takeovers, 0)).toBe(0);
  });

  it('takes the parts of a daemon that stopped renewing within the lease timeout, and fences its writes afterwards', async () => {
    fresh();
    const work = [{ kind: 'source' as const, id: 'wb' }, { kind: 'destination' as const, id: 'siem' }];
    const a = await startDaemon(work, 'a');
    await until('a works both parts', () => a.running.size === 2);
    await a.journal.append('wb', [storedSecurityEvent('wb', 'k1')], { page: 1 });
    await a.journal.ack('siem', 1, 1);
    const b = await startDaemon(work, 'b');

    // a is paused (SIGSTOP, GC): it stops renewing, while its host still believes it works the parts.
    await a.coordinator.halt();
    const pausedAt = Date.now();
    const tookMs = await until('b takes both parts over', () => b.running.size === 2, 5_000);
    expect(Date.now() - pausedAt).toBeLessThan(LEASE_TIMEOUT_MS + 1_000);
    expect(tookMs).toBeGreaterThan(0);
    const leases = await readLeases(b.journal);
    expect(leases.map((l) => [l.id, l.holder, l.takeovers, l.lastTakeoverFrom])).toEqual([
      ['siem', b.coordinator.member, 1, a.coordinator.member],
      ['wb', b.coordinator.member, 1, a.coordinator.member],
    ]);
    expect(leases.every((l) => l.token === 2)).toBe(true);

    // a wakes up: every write it tries is refused, and the database shows none of them.
    const append = await rejectionOf(a.journal.append('wb', [storedSecurityEvent('wb', 'k2')], { page: 2 }));
    expect(LeaseLostError.isLeaseLost(append)).toBe(true);
    expect(LeaseLostError.isLeaseLost(await rejectionOf(a.journal.ack('siem', 1, 5)))).toBe(true);
    expect(LeaseLostError.isLeaseLost(await rejectionOf(a.journal.deadLetter('siem', { seq: 1, event: storedSecurityEvent('wb', 'k1') }, 'x')))).toBe(true);
    expect(LeaseLostError.isLeaseLost(await rejectionOf(a.journal.deadLetterAtSource('wb', [{ key: 'p', reason: 'r', excerpt: '{}', time: 1 }])))).toBe(true);
    const inspector = new pg.Client({ connectionString: server().url() });
    await inspector.connect();
    try {
      const row = async (sql: string) => (await inspector.query(sql.replaceAll('S.', `${schema}.`))).rows[0] as Record<string, unknown>;
      expect(await row("SELECT count(*)::int AS n FROM S.events WHERE key = 'k2'")).toEqual({ n: 0 });
      expect(await row("SELECT json FROM S.checkpoints WHERE source = 'wb'")).toEqual({ json: '{"page":1}' });
      expect(await row("SELECT seq::int, delivered::int, dead_lettered::int FROM S.cursors WHERE destination = 'siem'")).toEqual({ seq: 1, delivered: 1, dead_lettered: 0 });
      expect(await row('SELECT count(*)::int AS n FROM S.source_dead_letters')).toEqual({ n: 0 });
    } finally {
      await inspector.end();
    }
    // b writes with its own token.
    expect(await b.journal.append('wb', [storedSecurityEvent('wb', 'k2')], { page: 2 })).toEqual({ appended: 1, duplicates: 0 });
    expect(await b.journal.checkpoint('wb')).toEqual({ page: 2 });
  });

  it('stops every part here when renewals fail past the lease (the database unreachable), and takes them again after', async () => {
    fresh();
    const a = await startDaemon([{ kind: 'source', id: 'wb' }], 'a');
    await until('a works wb', () => a.running.size === 1);
    await server().stop();
    try {
      await until('a stops wb', () => a.running.size === 0, 5_000);
      expect(a.revoked).toContain('source:wb/lost');
    } finally {
      await server().restart();
    }
    await until('a works wb again', () => a.running.size === 1, 10_000);
  });
});
