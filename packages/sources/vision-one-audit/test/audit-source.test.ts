import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configPlace, SyslogConnectorError, type JsonValue, type SourceBatch } from '@syslog-connector/core';
import { flattenIssues } from '@syslog-connector/core/engine';
import { openStore, type StoreJournal } from '@syslog-connector/store-sqlite';
import { ManualClock, VisionOneSimulator, type AuditLog, RecordingLogger, type LogRecord, RecordingMetrics } from '@syslog-connector/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { auditOptions } from '../src/audit-options.js';
import { AuditSource } from '../src/audit-source.js';
import { visionOneAuditSource } from '../src/vision-one-audit-source.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const MINUTE = 60_000;
const DAY = 86_400_000;
const TOKEN = 'audit-test-token-c4e8a19f02';
const ID = 'audit';
const ACCOUNT = new Set(['Sign in and sign out', 'Account Management']);

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const task of cleanup.splice(0).reverse()) await task();
});

const setup = async (options: Record<string, unknown> = {}) => {
  const clock = new ManualClock(NOW);
  const sim = await VisionOneSimulator.start({ token: TOKEN, clock, pageSize: 5, seed: 9, hostileRatio: 0 });
  cleanup.push(() => sim.stop());
  const dir = mkdtempSync(join(tmpdir(), 'audit-source-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const logs: LogRecord[] = [];
  const metrics = new RecordingMetrics();
  const deps = { clock, logger: new RecordingLogger(logs), metrics };
  const parsed = auditOptions.parse({ baseUrl: sim.baseUrl, token: TOKEN, since: '2h', ...options });
  const source = () => new AuditSource(configPlace('sources', ID, process.cwd()), parsed, deps, { random: () => 0.5 });
  const open = async (): Promise<StoreJournal> => {
    const journal = await openStore(dir);
    cleanup.push(() => journal.close());
    return journal;
  };
  return { sim, clock, logs, metrics, deps, source, open };
};

const poll = async (source: AuditSource, journal: StoreJournal, crashAfter = Number.POSITIVE_INFINITY, onBatch?: (n: number) => void) => {
  const batches: SourceBatch[] = [];
  for await (const batch of source.read(await journal.checkpoint(ID), AbortSignal.timeout(10_000))) {
    await journal.append(ID, batch.events, batch.checkpoint);
    batches.push(batch);
    onBatch?.(batches.length);
    if (batches.length >= crashAfter) break;
  }
  return batches;
};

/** What the journal holds, as `signature raw-json` lines, sorted: exact, and independent of the key formula. */
const stored = async (journal: StoreJournal): Promise<string[]> =>
  (await journal.read('test', { limit: 10_000 })).map((e) => `${e.event.record.signatureId} ${JSON.stringify(e.event.raw)}`).sort();

const expected = (logs: readonly AuditLog[], types: readonly string[] = ['account', 'system']): string[] =>
  logs
    .map((log) => [ACCOUNT.has(log.category) ? 'account' : 'system', log] as const)
    .filter(([type]) => types.includes(type))
    .map(([type, log]) => `${type === 'account' ? '900003' : '900004'} ${JSON.stringify(log)}`)
    .sort();

describe('AuditSource windows and restart', () => {
  it('reads by ingestion time, oldest first, and maps each category to its log type', async () => {
    const { sim, source, open, metrics } = await setup();
    const logs = sim.addAuditLogs(23, { from: NOW - 100 * MINUTE, to: NOW - 5 * MINUTE });
    const journal = await open();
    await poll(source(), journal);
    expect(await stored(journal)).toEqual(expected(logs));
    expect(new Set((await stored(journal)).map((line) => line.slice(0, 6)))).toEqual(new Set(['900003', '900004']));
    expect(sim.requests[0]?.query).toEqual({
      startDateTime: '2026-03-01T10:00:00Z',
      endDateTime: '2026-03-01T11:59:50Z',
      dateTimeTarget: 'ingestedDateTime',
      orderBy: 'loggedDateTime asc',
      top: '200',
    });
    expect(sim.requests.map((r) => [r.status, r.headers['tmv1-filter']])).toEqual(sim.requests.map(() => [200, undefined]));
    expect(await journal.checkpoint(ID)).toEqual({ version: 1, windowEnd: '2026-03-01T11:59:50Z' });
    expect(metrics.increments).toEqual([]);
  });

  it('delivers every log exactly once across a crash mid-window, a restart of the store and a late log', async () => {
    const { sim, clock, source, open } = await setup();
    const logs = sim.addAuditLogs(30, { from: NOW - 110 * MINUTE, to: NOW - 5 * MINUTE });
    const first = await open();
    expect((await poll(source(), first, 2)).length).toBe(2);
    expect((await stored(first)).length).toBe(10);
    expect(await first.checkpoint(ID)).toEqual({ version: 1, windowEnd: '2026-03-01T10:00:00Z' });
    await first.close();

    clock.advance(5 * MINUTE);
    // Logged yesterday, ingested while the daemon was down.
    const late = sim.addAuditLogs(1, { from: NOW - DAY, to: NOW - DAY, ingestDelayMs: DAY + 3 * MINUTE });
    const second = await open();
    await poll(source(), second);
    expect(await stored(second)).toEqual(expected([...logs, ...late]));
    expect(await second.checkpoint(ID)).toEqual({ version: 1, windowEnd: '2026-03-01T12:04:50Z' });

    clock.advance(MINUTE);
    const again = await poll(source(), second);
    expect([again.length, sim.requests.at(-1)?.query['startDateTime']]).toEqual([1, '2026-03-01T12:03:50Z']);
    expect(await stored(second)).toEqual(expected([...logs, ...late]));
  });

  it('survives 429s with Retry-After and 5xx, and reports 401 once without the token', async () => {
    const { sim, clock, source, open, logs: entries } = await setup();
    const logs = sim.addAuditLogs(12, { from: NOW - 100 * MINUTE, to: NOW - 5 * MINUTE });
    const journal = await open();
    await poll(source(), journal, Number.POSITIVE_INFINITY, (n) => {
      if (n !== 1) return;
      sim.failNext(2, 429, 4);
      sim.failNext(1, 500);
    });
    expect(await stored(journal)).toEqual(expected(logs));
    expect(sim.requests.map((r) => r.status)).toEqual([200, 429, 429, 500, 200, 200]);
    expect(clock.sleeps).toEqual([4_000, 4_000, 3_000]);

    clock.advance(MINUTE);
    sim.failNext(1, 401);
    const error = await poll(source(), journal).catch((e: unknown) => e);
    expect(SyslogConnectorError.hasCode(error, 'SOURCE_AUTH') && error.describe()).toBe(
      'sources.audit.token: Vision One rejected the API key (HTTP 401 Unauthorized: The API key is missing, invalid or expired.) — create a new API key in Vision One (Administration → API Keys) with the needed role and set VISION_ONE_TOKEN',
    );
    expect(sim.requests.length).toBe(7);
    expect(`${JSON.stringify(entries)} ${(error as Error).stack ?? ''} ${JSON.stringify(sim.requests)}`).not.toContain(TOKEN);
  });

  it('cuts a since beyond 180 days to the API limit, and says so', async () => {
    const { sim, logs, source, open } = await setup({ since: '2025-01-01T00:00:00Z' });
    await poll(source(), await open());
    expect(sim.requests[0]?.query['startDateTime']).toBe('2025-09-02T12:00:50Z');
    expect(logs.map((l) => [l.level, l.fields])).toEqual([['warn', { source: ID, wanted: '2025-01-01T00:00:00Z', start: '2025-09-02T12:00:50Z' }]]);
  });
});

describe('AuditSource logTypes and categories', () => {
  it.each([
    [['account'], 'system'],
    [['system'], 'account'],
  ])('with logTypes %j forwards only those and counts the %s logs it leaves out', async (logTypes, other) => {
    const { sim, source, open, metrics } = await setup({ logTypes });
    const logs = sim.addAuditLogs(20, { from: NOW - 100 * MINUTE, to: NOW - 5 * MINUTE });
    const journal = await open();
    await poll(source(), journal);
    const want = expected(logs, logTypes);
    expect(want.length).toBeGreaterThan(0);
    expect(await stored(journal)).toEqual(want);
    expect(metrics.increments.length).toBe(20 - want.length);
    expect(new Set(metrics.increments.map((c) => JSON.stringify(c)))).toEqual(new Set([JSON.stringify(['source_audit_logs_skipped', { source: ID, logType: other }, 1])]));
  });

  it('sends a category in neither column as system, counts it and logs it once', async () => {
    const { sim, source, open, metrics, logs } = await setup();
    const odd = (loggedDateTime: string): JsonValue => ({
      loggedDateTime,
      ingestedDateTime: loggedDateTime,
      loggedUser: 'alice',
      loggedRole: 'Operator',
      accessType: 'Console',
      category: 'Quantum Settings',
      activity: 'Flip qubit',
      result: 'Successful',
      details: { qubit: '7' },
    });
    sim.addAuditLogs([odd('2026-03-01T11:00:00Z'), odd('2026-03-01T11:01:00Z')]);
    const journal = await open();
    await poll(source(), journal);
    expect((await stored(journal)).map((line) => line.slice(0, 6))).toEqual(['900004', '900004']);
    expect(metrics.increments).toEqual([
      ['source_audit_unmapped_categories', { source: ID, category: 'Quantum Settings' }, 1],
      ['source_audit_unmapped_categories', { source: ID, category: 'Quantum Settings' }, 1],
    ]);
    expect(logs.map((l) => [l.level, l.message, (l.fields as { category: string }).category])).toEqual([
      ['warn', 'Audit log category is neither account nor system in the category table; sending it as a system audit log (900004).', 'Quantum Settings'],
    ]);
  });
});

describe('auditOptions and visionOneAuditSource', () => {
  it('advises setting companyId when it is missing, through the definition', () => {
    const advise = visionOneAuditSource.advise;
    expect(advise?.(visionOneAuditSource.options.parse({ token: TOKEN })).map((a) => a.path)).toEqual([['companyId']]);
    expect(advise?.(visionOneAuditSource.options.parse({ token: TOKEN, companyId: '68960c94-9be6-4343-a4ca-6408de7aa331' }))).toEqual([]);
  });

  it('defaults logTypes to account and system, and names the field for a wrong one', () => {
    expect(auditOptions.parse({ token: TOKEN }).logTypes).toEqual(['account', 'system']);
    const result = auditOptions.safeParse({ token: TOKEN, logTypes: ['system', 'security'] }, { reportInput: true });
    const issues = result.success ? [] : flattenIssues(result.error.issues.map((i) => ({ ...i, path: ['sources', 'audit', ...i.path] })));
    expect(issues).toEqual([{ path: 'sources.audit.logTypes[1]', message: '"security" is not one of account, system' }]);
  });

  it('is created from config through its definition and checks the connection', async () => {
    const { sim, deps } = await setup();
    const options = visionOneAuditSource.options.parse({ baseUrl: sim.baseUrl, token: TOKEN });
    const source = await visionOneAuditSource.create({ ...configPlace('sources', ID, process.cwd()), options, deps, signal: AbortSignal.timeout(10_000) });
    expect([visionOneAuditSource.type, source.pollIntervalMs]).toEqual(['vision-one-audit', 60_000]);
    const steps = [];
    for await (const step of source.check?.(AbortSignal.timeout(10_000)) ?? []) steps.push([step.step, step.ok]);
    expect(steps).toEqual([
      ['Resolve 127.0.0.1', true],
      ['GET /v3.0/audit/logs with the API key', true],
    ]);
    await source.close();
  });
});
