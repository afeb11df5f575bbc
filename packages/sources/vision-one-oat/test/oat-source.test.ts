import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configPlace, SyslogConnectorError, type JsonValue, type SourceBatch } from '@syslog-connector/core';
import { flattenIssues, SourceRunner } from '@syslog-connector/core/engine';
import { openStore, type StoreJournal } from '@syslog-connector/store-sqlite';
import { ManualClock, VisionOneSimulator, type OatDetection, RecordingLogger, type LogRecord, RecordingMetrics } from '@syslog-connector/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { oatOptions } from '../src/oat-options.js';
import { OatSource } from '../src/oat-source.js';
import { visionOneOatSource } from '../src/vision-one-oat-source.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const MINUTE = 60_000;
const DAY = 86_400_000;
const TOKEN = 'oat-test-token-7e21b9c4d0';
const ID = 'oat';
const CHM = "(riskLevel eq 'critical') or (riskLevel eq 'high') or (riskLevel eq 'medium')";

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const task of cleanup.splice(0).reverse()) await task();
});

const setup = async (options: Record<string, unknown> = {}) => {
  const clock = new ManualClock(NOW);
  const sim = await VisionOneSimulator.start({ token: TOKEN, clock, pageSize: 5, seed: 5, hostileRatio: 0 });
  cleanup.push(() => sim.stop());
  const dir = mkdtempSync(join(tmpdir(), 'oat-source-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const logs: LogRecord[] = [];
  const metrics = new RecordingMetrics();
  const deps = { clock, logger: new RecordingLogger(logs), metrics };
  const parsed = oatOptions.parse({ baseUrl: sim.baseUrl, token: TOKEN, since: '2h', ...options });
  const source = () => new OatSource(configPlace('sources', ID, process.cwd()), parsed, deps, { random: () => 0.5 });
  /** Opens the store in `dir`: a second call after `close()` is a restart of the daemon. */
  const open = async (): Promise<StoreJournal> => {
    const journal = await openStore(dir);
    cleanup.push(() => journal.close());
    return journal;
  };
  return { sim, clock, logs, metrics, deps, source, open };
};

/** One poll straight through `read`, storing each batch; stops after `crashAfter` batches, as a crash would. */
const poll = async (source: OatSource, journal: StoreJournal, crashAfter = Number.POSITIVE_INFINITY, onBatch?: (n: number) => void) => {
  const batches: SourceBatch[] = [];
  for await (const batch of source.read(await journal.checkpoint(ID), AbortSignal.timeout(10_000))) {
    await journal.append(ID, batch.events, batch.checkpoint);
    batches.push(batch);
    onBatch?.(batches.length);
    if (batches.length >= crashAfter) break;
  }
  return batches;
};

const storedKeys = async (journal: StoreJournal): Promise<string[]> =>
  (await journal.read('test', { limit: 10_000 })).map((entry) => entry.event.key);

const keysOf = (detections: readonly OatDetection[], levels: readonly string[]): string[] =>
  detections.flatMap((d) => d.filters.filter((f) => levels.includes(f.riskLevel)).map((f) => `${d.uuid}:${f.id}`));

describe('OatSource windows, filter and restart', () => {
  it('asks by ingestion time with the riskLevels filter on every page, and delivers only the chosen levels', async () => {
    const { sim, source, open, metrics } = await setup();
    const detections = sim.addOatDetections(30, { from: NOW - 100 * MINUTE, to: NOW - 5 * MINUTE });
    const journal = await open();
    await poll(source(), journal);

    const expected = keysOf(detections, ['critical', 'high', 'medium']);
    expect(expected.length).toBeGreaterThan(10);
    expect((await storedKeys(journal)).sort()).toEqual([...expected].sort());
    expect(sim.requests.length).toBeGreaterThan(2);
    expect(sim.requests.map((r) => [r.status, r.headers['tmv1-filter']])).toEqual(sim.requests.map(() => [200, CHM]));
    expect(sim.requests[0]?.query).toEqual({ ingestedStartDateTime: '2026-03-01T10:00:00Z', ingestedEndDateTime: '2026-03-01T11:59:50Z', top: '200' });
    expect(await journal.checkpoint(ID)).toEqual({ version: 1, windowEnd: '2026-03-01T11:59:50Z' });
    expect(metrics.increments).toEqual([]);
  });

  it('sends the levels an operator chose, e.g. low and info only', async () => {
    const { sim, source, open } = await setup({ riskLevels: ['low', 'info', 'low'] });
    const detections = sim.addOatDetections(20, { from: NOW - 100 * MINUTE, to: NOW - 5 * MINUTE });
    const journal = await open();
    await poll(source(), journal);
    expect(sim.requests[0]?.headers['tmv1-filter']).toBe("(riskLevel eq 'low') or (riskLevel eq 'info')");
    expect((await storedKeys(journal)).sort()).toEqual(keysOf(detections, ['low', 'info']).sort());
  });

  it('delivers every detection exactly once across a crash mid-window and a restart of the store', async () => {
    const { sim, clock, source, open } = await setup();
    const detections = sim.addOatDetections(40, { from: NOW - 110 * MINUTE, to: NOW - 5 * MINUTE });
    const expected = keysOf(detections, ['critical', 'high', 'medium']);

    const first = await open();
    expect((await poll(source(), first, 2)).length).toBe(2);
    const before = (await storedKeys(first)).length;
    expect(before).toBeGreaterThan(0);
    // Pages carry the pinned `since` until the window is complete.
    expect(await first.checkpoint(ID)).toEqual({ version: 1, windowEnd: '2026-03-01T10:00:00Z' });
    await first.close();

    clock.advance(5 * MINUTE);
    // Arrived while the daemon was down: detected 3 hours ago, ingested 1 minute ago.
    const [late] = sim.addOatDetections(1, { from: NOW - 3 * 60 * MINUTE, to: NOW - 3 * 60 * MINUTE, ingestDelayMs: 3 * 60 * MINUTE + 4 * MINUTE });
    const second = await open();
    await poll(source(), second);
    expect(sim.requests.at(-1)?.query).toMatchObject({ ingestedStartDateTime: '2026-03-01T09:59:00Z', ingestedEndDateTime: '2026-03-01T12:04:50Z' });

    const all = [...expected, ...keysOf(late === undefined ? [] : [late], ['critical', 'high', 'medium'])];
    const stored = await storedKeys(second);
    expect(stored.sort()).toEqual(all.sort());
    expect(new Set(stored).size).toBe(stored.length);

    // The next poll re-reads only the overlap; nothing new is stored.
    clock.advance(MINUTE);
    const runner = new SourceRunner(ID, source(), second, clock, new RecordingLogger([]), () => {});
    await runner.pollOnce(AbortSignal.timeout(10_000));
    expect(runner.stats.stored).toBe(0);
    expect(sim.requests.at(-1)?.query).toMatchObject({ ingestedStartDateTime: '2026-03-01T12:03:50Z', ingestedEndDateTime: '2026-03-01T12:05:50Z' });
  });

  it('picks up a detection ingested late, long after it was detected', async () => {
    const { sim, clock, source, open } = await setup({ riskLevels: ['critical', 'high', 'medium', 'low', 'info', 'undefined'] });
    const journal = await open();
    await poll(source(), journal);
    clock.advance(MINUTE);
    const [late] = sim.addOatDetections(1, { from: NOW - 2 * DAY, to: NOW - 2 * DAY, ingestDelayMs: 2 * DAY + 30_000 });
    await poll(source(), journal);
    expect(await storedKeys(journal)).toEqual([`${late?.uuid}:${late?.filters[0]?.id}`]);
  });

  it('survives a burst of 429s (Retry-After) and 5xx in the middle of the paging', async () => {
    const { sim, clock, source, open } = await setup();
    const detections = sim.addOatDetections(30, { from: NOW - 100 * MINUTE, to: NOW - 5 * MINUTE });
    const journal = await open();
    await poll(source(), journal, Number.POSITIVE_INFINITY, (n) => {
      if (n !== 1) return;
      sim.failNext(3, 429, 2);
      sim.failNext(1, 503);
    });
    expect((await storedKeys(journal)).sort()).toEqual(keysOf(detections, ['critical', 'high', 'medium']).sort());
    expect(sim.requests.slice(0, 6).map((r) => r.status)).toEqual([200, 429, 429, 429, 503, 200]);
    // Retry-After 2 s three times, then back-off 0.75 × 8 s.
    expect(clock.sleeps).toEqual([2_000, 2_000, 2_000, 6_000]);
    // The retried nextLink request still carries the filter.
    expect(new Set(sim.requests.slice(1, 6).map((r) => `${r.rawQuery} ${r.headers['tmv1-filter']}`)).size).toBe(1);
  });

  it('reports 401 once as SOURCE_AUTH naming the fix, without the token, storing nothing', async () => {
    const { sim, logs, open, source, clock } = await setup();
    sim.addOatDetections(3);
    sim.failNext(1, 401);
    const journal = await open();
    const error = await poll(source(), journal).catch((e: unknown) => e);
    expect(SyslogConnectorError.hasCode(error, 'SOURCE_AUTH')).toBe(true);
    const auth = error as SyslogConnectorError;
    expect(auth.describe()).toBe(
      'sources.oat.token: Vision One rejected the API key (HTTP 401 Unauthorized: The API key is missing, invalid or expired.) — create a new API key in Vision One (Administration → API Keys) with the needed role and set VISION_ONE_TOKEN',
    );
    expect(`${auth.describe()} ${auth.stack ?? ''} ${JSON.stringify(logs)} ${JSON.stringify(sim.requests)}`).not.toContain(TOKEN);
    expect([sim.requests.length, clock.sleeps, await journal.checkpoint(ID)]).toEqual([1, [], undefined]);
  });

  it('cuts a since beyond 365 days to the API limit, and says so', async () => {
    const { sim, logs, source, open } = await setup({ since: '400d' });
    const journal = await open();
    await poll(source(), journal);
    const query = sim.requests[0]?.query ?? {};
    expect([query['ingestedStartDateTime'], query['ingestedEndDateTime']]).toEqual(['2025-03-01T12:00:50Z', '2026-03-01T11:59:50Z']);
    expect(sim.requests[0]?.status).toBe(200);
    expect(logs.map((l) => [l.level, l.message, l.fields])).toEqual([
      [
        'warn',
        'OAT window starts later than asked: the API reads at most 365 days at once; older detections are out of reach.',
        { source: ID, wanted: '2025-01-25T12:00:00Z', start: '2025-03-01T12:00:50Z' },
      ],
    ]);
  });
});

describe('OatSource detections with several filters', () => {
  it('emits one record per matched filter of a chosen level, and counts the filters it leaves out', async () => {
    const { sim, source, open, metrics } = await setup();
    const [generated] = sim.addOatDetections(1, { from: NOW - 10 * MINUTE, to: NOW - 10 * MINUTE });
    const base = generated as OatDetection;
    const first = base.filters[0] as OatDetection['filters'][number];
    const multi: OatDetection = {
      ...base,
      uuid: 'b3f1a2c4-0000-4000-8000-000000000001',
      filters: [
        { ...first, id: 'F1001', name: 'Kerberoasting Attempt', riskLevel: 'high', mitreTacticIds: ['TA0006'], mitreTechniqueIds: ['T1558.003'] },
        { ...first, id: 'F1002', name: 'Suspicious LDAP Query', riskLevel: 'low', mitreTacticIds: ['TA0007'], mitreTechniqueIds: ['T1087'] },
        { ...first, id: 'F1003', name: 'Encoded PowerShell', riskLevel: 'critical', mitreTacticIds: ['TA0002', 'TA0005'], mitreTechniqueIds: ['T1059.001', 'T1027'] },
      ],
    };
    sim.addOatDetections([multi as unknown as JsonValue]);
    const journal = await open();
    await poll(source(), journal);
    const entries = (await journal.read('test', { limit: 100 })).map((e) => e.event).filter((e) => e.key.startsWith(multi.uuid));
    expect(entries.map((e) => [e.key, e.record.severity, e.record.extensions.find(([k]) => k === 'cat')?.[1], e.record.extensions.find(([k]) => k === 'cs2')?.[1]])).toEqual([
      [`${multi.uuid}:F1001`, 7, 'Kerberoasting Attempt', 'T1558.003'],
      [`${multi.uuid}:F1003`, 9, 'Encoded PowerShell', 'T1059.001, T1027'],
    ]);
    expect(entries.every((e) => JSON.stringify(e.raw) === JSON.stringify(multi))).toBe(true);
    expect(metrics.increments.filter(([name]) => name === 'source_oat_filters_skipped')).toEqual([
      // The generated detection has one filter: the API leaves it out when its level is not chosen, so only the
      // low filter inside the selected detection is skipped here.
      ['source_oat_filters_skipped', { source: ID, riskLevel: 'low' }, 1],
    ]);
  });
});

describe('OatSource product codes', () => {
  it('names known products, and counts and logs once a code it has no name for (sent as pname, else as it came)', async () => {
    const { sim, source, open, metrics, logs } = await setup();
    const [generated] = sim.addOatDetections(1, { from: NOW - 10 * MINUTE, to: NOW - 10 * MINUTE });
    const base = generated as OatDetection;
    const filter = { ...(base.filters[0] as OatDetection['filters'][number]), riskLevel: 'high' as const };
    const withCode = (n: number, detail: Record<string, unknown>): JsonValue =>
      ({ ...base, uuid: `b3f1a2c4-0000-4000-8000-00000000010${n}`, filters: [filter], detail: { ...base.detail, ...detail } }) as unknown as JsonValue;
    sim.addOatDetections([withCode(1, { productCode: 'pdi' }), withCode(2, { productCode: 'xes', pname: 'Endpoint Sensor' }), withCode(3, { productCode: 'xes' })]);
    const journal = await open();
    await poll(source(), journal);
    const facility = (await journal.read('test', { limit: 100 }))
      .map((e) => e.event)
      .filter((e) => e.key.startsWith('b3f1a2c4'))
      .map((e) => e.record.extensions.find(([k]) => k === 'deviceFacility')?.[1]);
    expect(facility.sort()).toEqual(['Deep Discovery Inspector', 'Endpoint Sensor', 'xes']);
    expect(metrics.increments.filter(([name]) => name === 'source_oat_unmapped_product_codes')).toEqual([
      ['source_oat_unmapped_product_codes', { source: ID, productCode: 'xes' }, 1],
      ['source_oat_unmapped_product_codes', { source: ID, productCode: 'xes' }, 1],
    ]);
    expect(logs.filter((r) => r.fields['productCode'] !== undefined).map((r) => [r.level, r.fields['productCode']])).toEqual([['info', 'xes']]);
  });
});

describe('oatOptions and visionOneOatSource', () => {
  it('advises setting companyId when it is missing, through the definition', () => {
    const advise = visionOneOatSource.advise;
    expect(advise?.(visionOneOatSource.options.parse({ token: TOKEN })).map((a) => a.path)).toEqual([['companyId']]);
    expect(advise?.(visionOneOatSource.options.parse({ token: TOKEN, companyId: '68960c94-9be6-4343-a4ca-6408de7aa331' }))).toEqual([]);
  });

  it('defaults riskLevels to critical, high, medium', () => {
    expect(oatOptions.parse({ token: TOKEN }).riskLevels).toEqual(['critical', 'high', 'medium']);
  });

  it('names the field and the allowed values for an unknown risk level', () => {
    const result = oatOptions.safeParse({ token: TOKEN, riskLevels: ['high', 'severe'] }, { reportInput: true });
    expect(result.success).toBe(false);
    const issues = result.success ? [] : flattenIssues(result.error.issues.map((i) => ({ ...i, path: ['sources', 'oat', ...i.path] })));
    expect(issues).toEqual([{ path: 'sources.oat.riskLevels[1]', message: '"severe" is not one of critical, high, medium, low, info, undefined' }]);
    const empty = oatOptions.safeParse({ token: TOKEN, riskLevels: [] });
    expect(empty.success ? [] : empty.error.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['riskLevels', 'must name at least one risk level (critical, high, medium, low, info, undefined)'],
    ]);
  });

  it('is created from config through its definition and checks the connection with the filter', async () => {
    const { sim, deps } = await setup();
    const options = visionOneOatSource.options.parse({ baseUrl: sim.baseUrl, token: TOKEN, pollInterval: '30s' });
    const source = await visionOneOatSource.create({ ...configPlace('sources', ID, process.cwd()), options, deps, signal: AbortSignal.timeout(10_000) });
    expect([visionOneOatSource.type, visionOneOatSource.kind, source.pollIntervalMs]).toEqual(['vision-one-oat', 'source', 30_000]);
    const steps = [];
    for await (const step of source.check?.(AbortSignal.timeout(10_000)) ?? []) steps.push([step.step, step.ok]);
    expect(steps).toEqual([
      ['Resolve 127.0.0.1', true],
      ['GET /v3.0/oat/detections with the API key', true],
    ]);
    expect(sim.requests[0]?.headers['tmv1-filter']).toBe(CHM);
    await source.close();
  });
});

describe('OatSource against a misbehaving API (issue #16)', () => {
  it('newest first and endless nextLinks: the window halves until the bad second is alone, which is set aside; every other detection is stored', async () => {
    const { sim, clock, logs, source, open } = await setup({ riskLevels: ['critical', 'high', 'medium', 'low', 'info', 'undefined'], limits: { pagesPerPoll: 12 } });
    const detections = sim.addOatDetections(16, { from: NOW - 100 * MINUTE, to: NOW - 10 * MINUTE, ingestDelayMs: 0 });
    // Between two detections, not on a whole second (the API's windows include both ends).
    const at = NOW - 55 * MINUTE + 17_500;
    sim.misbehave({ kind: 'endless-pages', at });
    const journal = await open();
    const runner = new SourceRunner(ID, source(), journal, clock, new RecordingLogger(logs), () => {});
    let failures = 0;
    let last: string | undefined;
    for (let attempt = 0; attempt < 40; attempt += 1) {
      try {
        await runner.pollOnce(AbortSignal.timeout(10_000));
        if (failures > 0) break;
      } catch (error) {
        failures += 1;
        last = (error as Error).message;
      }
    }
    expect(new Set(await storedKeys(journal))).toEqual(new Set(keysOf(detections, ['critical', 'high', 'medium', 'low', 'info', 'undefined'])));
    expect(failures).toBeGreaterThan(0);
    expect(last).toContain('the API kept sending more pages');
    expect(await journal.sourceDeadLetterCount(ID)).toBe(1);
    expect(runner.stats.deadLettered).toBe(1);
    const skipped = logs.find((l) => l.message.startsWith('A time window does not fit'));
    expect(skipped?.fields).toMatchObject({ source: ID, window: `${new Date(Math.floor(at / 1000) * 1000).toISOString().replace('.000Z', 'Z')}/${new Date(Math.floor(at / 1000) * 1000 + 1000).toISOString().replace('.000Z', 'Z')}`, limit: 'pagesPerPoll' });
    // Read up to the poll's end; the narrowed span has grown back out of the checkpoint or is on its way.
    expect(await journal.checkpoint(ID)).toMatchObject({ windowEnd: '2026-03-01T11:59:50Z' });
  });
});
