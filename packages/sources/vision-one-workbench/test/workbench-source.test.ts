import { createHash } from 'node:crypto';
import { configPlace, SyslogConnectorError, type JsonValue, type SourceBatch } from '@syslog-connector/core';
import { SourceRunner } from '@syslog-connector/core/engine';
import { ManualClock, VisionOneSimulator, type VisionOneSimulatorOptions, RecordingLogger, type LogRecord, RecordingMetrics } from '@syslog-connector/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { visionOneWorkbenchSource } from '../src/vision-one-workbench-source.js';
import { workbenchOptions } from '../src/workbench-options.js';
import { WorkbenchSource } from '../src/workbench-source.js';
import { InMemoryJournal as MemoryJournal } from '@syslog-connector/core/engine';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const MINUTE = 60_000;
const TOKEN = 'wb-test-token-51d0c3e8aa';
const ID = 'workbench';
/** Trend's workbench `rt` form, `Dec 05 2022 05:26:45` (cef-workbench-logs). */
const rt = (iso: string) => ({ epochMs: Date.parse(iso), ticks: 0, form: 'cef-date-seconds' });

let simulators: VisionOneSimulator[] = [];
afterEach(async () => {
  await Promise.all(simulators.map((s) => s.stop()));
  simulators = [];
});

const setup = async (simOptions: VisionOneSimulatorOptions = {}, options: Record<string, unknown> = {}) => {
  const clock = new ManualClock(NOW);
  const sim = await VisionOneSimulator.start({ token: TOKEN, clock, pageSize: 5, seed: 11, ...simOptions });
  simulators.push(sim);
  const logs: LogRecord[] = [];
  const metrics = new RecordingMetrics();
  const deps = { clock, logger: new RecordingLogger(logs), metrics };
  const parsed = workbenchOptions.parse({ baseUrl: sim.baseUrl, token: TOKEN, since: '2h', ...options });
  // A fixed jitter draw, so back-off waits are exact.
  const source = () => new WorkbenchSource(configPlace('sources', ID, process.cwd()), parsed, deps, { random: () => 0.5 });
  const journal = new MemoryJournal();
  const runner = () => new SourceRunner(ID, source(), journal, clock, deps.logger, () => {});
  return { sim, clock, logs, metrics, deps, source, journal, runner };
};

/** One poll straight through `read`, storing each batch; stops after `crashAfter` batches, as a crash would. */
const poll = async (source: WorkbenchSource, journal: MemoryJournal, crashAfter = Number.POSITIVE_INFINITY, onBatch?: (n: number) => void) => {
  const batches: SourceBatch[] = [];
  for await (const batch of source.read(await journal.checkpoint(ID), AbortSignal.timeout(10_000))) {
    await journal.append(ID, batch.events, batch.checkpoint);
    batches.push(batch);
    onBatch?.(batches.length);
    if (batches.length >= crashAfter) break;
  }
  return batches;
};

const window = (createdDateTime: string, updatedDateTime?: string) => ({
  version: 1,
  windows: updatedDateTime === undefined ? { createdDateTime } : { createdDateTime, updatedDateTime },
});

describe('WorkbenchSource windows and paging', () => {
  it('reads a window over 5 pages, every alert exactly once, advancing the window only with the last page', async () => {
    const { sim, journal, runner } = await setup();
    // 23 alerts, 5 minutes apart, 10:09 … 11:59.
    const alerts = sim.addWorkbenchAlerts(23, { from: NOW - 111 * MINUTE, to: NOW - MINUTE });

    const run = runner();
    await run.pollOnce(AbortSignal.timeout(10_000));

    expect(journal.events.map((e) => e.key)).toEqual(alerts.map((a) => a.id));
    expect([run.stats.fetched, run.stats.stored, run.stats.duplicates]).toEqual([23, 23, 0]);
    expect(await journal.checkpoint(ID)).toEqual(window('2026-03-01T11:59:50Z'));
    expect(sim.requests.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(sim.requests[0]?.query).toEqual({
      startDateTime: '2026-03-01T10:00:00Z',
      endDateTime: '2026-03-01T11:59:50Z',
      dateTimeTarget: 'createdDateTime',
      orderBy: 'createdDateTime asc',
      top: '200',
    });
    // The nextLink came with a literal space (`orderBy=createdDateTime asc`); it went out encoded.
    expect(sim.requests.slice(1).map((r) => /orderBy=createdDateTime%20asc&top=200&skipToken=/.test(r.rawQuery))).toEqual([true, true, true, true]);
  });

  it('carries the old window on every page but the last', async () => {
    const { sim, source, journal } = await setup();
    sim.addWorkbenchAlerts(23, { from: NOW - 111 * MINUTE, to: NOW - MINUTE });
    const batches = await poll(source(), journal);
    expect(batches.map((b) => [b.events.length, b.checkpoint])).toEqual([
      [5, window('2026-03-01T10:00:00Z')],
      [5, window('2026-03-01T10:00:00Z')],
      [5, window('2026-03-01T10:00:00Z')],
      [5, window('2026-03-01T10:00:00Z')],
      [3, window('2026-03-01T11:59:50Z')],
    ]);
  });

  it('starts the next window one overlap early, picking up a late alert and dropping re-reads by key', async () => {
    const { sim, clock, journal, runner } = await setup();
    sim.addWorkbenchAlerts(23, { from: NOW - 111 * MINUTE, to: NOW - MINUTE });
    await runner().pollOnce(AbortSignal.timeout(10_000));

    clock.advance(MINUTE);
    // Created inside the first window, but visible in the API only after that poll.
    const [late] = sim.addWorkbenchAlerts(1, { to: NOW - 30_000 });
    const fresh = sim.addWorkbenchAlerts(2, { from: NOW + 10_000, to: NOW + 30_000 });
    const second = runner();
    await second.pollOnce(AbortSignal.timeout(10_000));

    expect(sim.requests.at(-1)?.query).toMatchObject({ startDateTime: '2026-03-01T11:58:50Z', endDateTime: '2026-03-01T12:00:50Z' });
    // The 11:59:00 alert is read again (duplicate); the late and the two fresh ones are new.
    expect([second.stats.fetched, second.stats.stored, second.stats.duplicates]).toEqual([4, 3, 1]);
    expect(journal.events.slice(-3).map((e) => e.key)).toEqual([late?.id, ...fresh.map((a) => a.id)]);
    expect(await journal.checkpoint(ID)).toEqual(window('2026-03-01T12:00:50Z'));
  });

  it('resumes after a crash mid-window without a gap: the restart re-reads the window and dedup absorbs it', async () => {
    const { sim, clock, source, journal } = await setup();
    const alerts = sim.addWorkbenchAlerts(23, { from: NOW - 111 * MINUTE, to: NOW - MINUTE });

    const before = await poll(source(), journal, 2);
    expect(before.length).toBe(2);
    expect(journal.events.length).toBe(10);
    // `since` (2h before the first poll) is pinned, not recomputed after the restart.
    expect(await journal.checkpoint(ID)).toEqual(window('2026-03-01T10:00:00Z'));

    clock.advance(5 * MINUTE);
    const after = await poll(source(), journal);

    expect(sim.requests.at(-5)?.query).toMatchObject({ startDateTime: '2026-03-01T09:59:00Z', endDateTime: '2026-03-01T12:04:50Z' });
    expect(after.map((b) => b.events.length)).toEqual([5, 5, 5, 5, 3]);
    expect(journal.events.map((e) => e.key)).toEqual(alerts.map((a) => a.id));
    expect(await journal.checkpoint(ID)).toEqual(window('2026-03-01T12:04:50Z'));
  });

  it('survives a 429 with Retry-After and two 500s in the middle of the paging', async () => {
    const { sim, clock, source, journal } = await setup();
    const alerts = sim.addWorkbenchAlerts(23, { from: NOW - 111 * MINUTE, to: NOW - MINUTE });

    await poll(source(), journal, Number.POSITIVE_INFINITY, (n) => {
      if (n !== 1) return;
      sim.failNext(1, 429, 3);
      sim.failNext(2, 500);
    });

    expect(journal.events.map((e) => e.key)).toEqual(alerts.map((a) => a.id));
    expect(sim.requests.map((r) => r.status)).toEqual([200, 429, 500, 500, 200, 200, 200, 200]);
    // Retry-After 3 s, then back-off 0.75 × 2 s and 0.75 × 4 s.
    expect(clock.sleeps).toEqual([3_000, 1_500, 3_000]);
    // The retried request is the nextLink of page 2, unchanged.
    expect(new Set(sim.requests.slice(1, 5).map((r) => r.rawQuery)).size).toBe(1);
  });

  it('stops on 401 with one SOURCE_AUTH error that names the fix and not the token', async () => {
    const { sim, logs, journal, runner } = await setup();
    sim.addWorkbenchAlerts(3);
    sim.failNext(1, 401);
    let error: unknown;
    try {
      await runner().pollOnce(AbortSignal.timeout(10_000));
    } catch (e) {
      error = e;
    }
    expect(SyslogConnectorError.hasCode(error, 'SOURCE_AUTH')).toBe(true);
    const auth = error as SyslogConnectorError;
    expect(auth.describe()).toBe(
      'sources.workbench.token: Vision One rejected the API key (HTTP 401 Unauthorized: The API key is missing, invalid or expired.) — create a new API key in Vision One (Administration → API Keys) with the needed role and set VISION_ONE_TOKEN',
    );
    expect(`${auth.describe()} ${auth.stack ?? ''} ${JSON.stringify(logs)}`).not.toContain(TOKEN);
    expect(sim.requests.length).toBe(1);
    expect([journal.events.length, await journal.checkpoint(ID)]).toEqual([0, undefined]);
  });
});

describe('WorkbenchSource events', () => {
  it('keeps raw untouched, even for hostile field contents', async () => {
    const { sim, source, journal } = await setup({ hostileRatio: 1 });
    sim.addWorkbenchAlerts(12, { from: NOW - 60 * MINUTE, to: NOW - MINUTE });
    await poll(source(), journal);
    expect(journal.events.map((e) => e.raw)).toEqual(sim.workbenchAlerts);
    expect(journal.events.map((e) => [e.type, e.source, e.time])).toEqual(
      sim.workbenchAlerts.map((a) => ['workbench-alert', ID, Date.parse((a as { createdDateTime: string }).createdDateTime)]),
    );
  });

  it('forwards an invalid alert with what it has, logs it without its content, and counts it', async () => {
    const { sim, logs, metrics, source, journal } = await setup();
    const noId: JsonValue = { severity: 'low', createdDateTime: '2026-03-01T11:31:00Z', model: 'No id | model' };
    sim.addWorkbenchAlerts([{ id: 'WB-BAD', severity: 'severe', createdDateTime: '2026-03-01T11:30:00Z' }, noId]);
    await poll(source(), journal);

    const hash = `sha256:${createHash('sha256').update(JSON.stringify(noId)).digest('hex')}`;
    expect(journal.events.map((e) => [e.key, e.time, e.record.severity, e.record.extensions])).toEqual([
      ['WB-BAD', Date.parse('2026-03-01T11:30:00Z'), 0, [['externalId', 'WB-BAD'], ['rt', rt('2026-03-01T11:30:00Z')]]],
      [hash, Date.parse('2026-03-01T11:31:00Z'), 3, [['cat', 'No id | model'], ['rt', rt('2026-03-01T11:31:00Z')]]],
    ]);
    expect(logs.map((l) => [l.level, l.message, (l.fields as { key: string }).key])).toEqual([
      ['warn', 'Workbench alert failed validation; forwarding the fields that could be read.', 'WB-BAD'],
      ['warn', 'Workbench alert failed validation; forwarding the fields that could be read.', hash],
    ]);
    expect((logs[0]?.fields as { issues: string }).issues).toBe(
      'model: Invalid input: expected string, received undefined; severity: Invalid option: expected one of "low"|"medium"|"high"|"critical"; workbenchLink: Invalid input: expected string, received undefined; alertProvider: Invalid input: expected string, received undefined; updatedDateTime: Invalid input: expected string, received undefined; and 1 more',
    );
    expect(metrics.increments).toEqual([
      ['source_invalid_items', { source: ID, type: 'workbench-alert' }, 1],
      ['source_invalid_items', { source: ID, type: 'workbench-alert' }, 1],
    ]);
  });

  it('emits each update as its own event when include has updated, with both windows in the checkpoint', async () => {
    const { sim, clock, source, journal } = await setup({}, { include: ['new', 'updated'], companyId: 'c0ffee00-1111-2222-3333-444455556666' });
    const alerts = sim.addWorkbenchAlerts(3, { from: NOW - 60 * MINUTE, to: NOW - 40 * MINUTE });
    const first = await poll(source(), journal);
    expect(first.map((b) => [b.events.map((e) => e.key), b.checkpoint])).toEqual([
      [alerts.map((a) => a.id), window('2026-03-01T11:59:50Z', '2026-03-01T10:00:00Z')],
      [[], window('2026-03-01T11:59:50Z', '2026-03-01T11:59:50Z')],
    ]);

    const changed = alerts[1]?.id ?? '';
    sim.updateWorkbenchAlerts([changed], NOW + 20_000);
    clock.advance(MINUTE);
    const second = await poll(source(), journal);
    expect(second.map((b) => b.events.map((e) => e.key))).toEqual([[], [`${changed}@2026-03-01T12:00:20Z`]]);
    const update = journal.events.at(-1);
    expect(update?.record.extensions.filter(([key]) => key === 'rt' || key === 'TrendMicroV1CompanyID')).toEqual([
      ['rt', rt('2026-03-01T12:00:20Z')],
      ['TrendMicroV1CompanyID', 'c0ffee00-1111-2222-3333-444455556666'],
    ]);
    expect(sim.requests.at(-1)?.query).toMatchObject({ dateTimeTarget: 'updatedDateTime', orderBy: 'updatedDateTime asc', startDateTime: '2026-03-01T11:58:50Z' });
    expect(await journal.checkpoint(ID)).toEqual(window('2026-03-01T12:00:50Z', '2026-03-01T12:00:50Z'));
  });

  it('remembers a since later than now − lag, and reads from it once time has passed', async () => {
    const { sim, clock, source, journal } = await setup({}, { since: '5s' });
    expect(await poll(source(), journal)).toEqual([{ events: [], checkpoint: window('2026-03-01T11:59:55Z') }]);
    expect(sim.requests.length).toBe(0);

    clock.advance(MINUTE);
    const [alert] = sim.addWorkbenchAlerts(1, { to: NOW + 20_000 });
    const batches = await poll(source(), journal);
    expect(batches.map((b) => [b.events.map((e) => e.key), b.checkpoint])).toEqual([[[alert?.id], window('2026-03-01T12:00:50Z')]]);
    expect(sim.requests[0]?.query).toMatchObject({ startDateTime: '2026-03-01T11:58:55Z', endDateTime: '2026-03-01T12:00:50Z' });
  });

  it('yields one empty batch with the new window when nothing happened', async () => {
    const { source, journal } = await setup();
    const batches = await poll(source(), journal);
    expect(batches).toEqual([{ events: [], checkpoint: window('2026-03-01T11:59:50Z') }]);
  });
});

describe('visionOneWorkbenchSource', () => {
  it('advises setting companyId when it is missing, through the definition', () => {
    const advise = visionOneWorkbenchSource.advise;
    expect(advise?.(visionOneWorkbenchSource.options.parse({ token: TOKEN })).map((a) => a.path)).toEqual([['companyId']]);
    expect(advise?.(visionOneWorkbenchSource.options.parse({ token: TOKEN, companyId: '68960c94-9be6-4343-a4ca-6408de7aa331' }))).toEqual([]);
  });

  it('is created from config through its definition and checks the connection', async () => {
    const { sim, deps } = await setup();
    const options = visionOneWorkbenchSource.options.parse({ baseUrl: sim.baseUrl, token: TOKEN });
    const source = await visionOneWorkbenchSource.create({ ...configPlace('sources', ID, process.cwd()), options, deps, signal: AbortSignal.timeout(10_000) });
    expect([visionOneWorkbenchSource.type, visionOneWorkbenchSource.kind, source.pollIntervalMs]).toEqual(['vision-one-workbench', 'source', 60_000]);
    const steps = [];
    for await (const step of source.check?.(AbortSignal.timeout(10_000)) ?? []) steps.push([step.step, step.ok, step.detail]);
    expect(steps).toEqual([
      ['Resolve 127.0.0.1', true, '127.0.0.1'],
      ['GET /v3.0/workbench/alerts with the API key', true, 'HTTP 200, 0 item(s) available'],
    ]);
    expect(sim.requests[0]?.query).toEqual({ startDateTime: '2026-03-01T11:00:00Z', endDateTime: '2026-03-01T11:59:50Z', top: '50' });
    await source.close();
  });

  it('rejects unknown include values and keys', () => {
    const result = visionOneWorkbenchSource.options.safeParse({ token: TOKEN, include: ['closed'], extra: true });
    expect(result.success ? [] : result.error.issues.map((i) => [i.code, i.path.join('.')])).toEqual([
      ['invalid_value', 'include.0'],
      ['unrecognized_keys', ''],
    ]);
  });
});
