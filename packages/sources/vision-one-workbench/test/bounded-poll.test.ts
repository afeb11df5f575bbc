import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { VisionOneSimulator, type Misbehaviour } from '@syslog-connector/testing';
import { killPollChildren, runPollChild, type PollChildOutput } from '@syslog-connector/testing/bounded-poll';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * Issue #16: a misbehaving Vision One API (endless nextLinks, a giant page, a slow body, a poison item, an
 * oversized item) never runs the source unbounded, never blocks the good alerts beside the bad answer, and
 * always says why in what `status` shows (the source's errors and last error, its dead letters).
 *
 * Each case runs the source in a child process (real HTTP to the simulator on loopback, the real SourceRunner
 * loop) and reads that process's peak RSS from its own /proc/self/status (VmHWM), as apps/connector/bench does.
 * A case that asserts an error count asks the child to run until it is counted (`untilErrors`): a poll that sets a
 * window aside counts its error only when it ends, after its last batch (and the checkpoint) is stored.
 */
const CHILD = fileURLToPath(new URL('./fixtures/bounded-poll-child.mjs', import.meta.url));
const TOKEN = 'bounded-poll-token-value';
const MIB = 1024 * 1024;
/** The budget the issue sets: a hostile answer must not take the daemon past this. */
const PEAK_RSS_LIMIT_KIB = 256 * 1024;

const children = new Set<ChildProcess>();
const simulators: VisionOneSimulator[] = [];
afterEach(async () => {
  killPollChildren(children);
  for (const sim of simulators.splice(0)) await sim.stop();
});

interface ChildResult extends PollChildOutput {
  readonly checkpoint: { windows: { createdDateTime?: string }; spans?: object };
  readonly storedKeys: readonly string[];
  readonly deadLetters: ReadonlyArray<{ key: string; reason: string }>;
}

const runChild = (input: object): Promise<ChildResult> => runPollChild<ChildResult>(CHILD, input, children);

/** What the child's status showed, for an assertion's message: a failure says why the source stopped where it did. */
const why = (result: ChildResult): string => `stats ${JSON.stringify(result.stats)}; logs ${JSON.stringify(result.logs.slice(0, 5))}`;

/** 20 good alerts over the last 50 minutes, and a time between two of them where the API misbehaves. */
const scenario = async (misbehaviour?: Misbehaviour | ((at: number) => Misbehaviour)) => {
  const sim = await VisionOneSimulator.start({ token: TOKEN, pageSize: 5, seed: 7, hostileRatio: 0 });
  simulators.push(sim);
  const now = Date.now();
  const from = Math.floor((now - 50 * 60_000) / 1000) * 1000;
  const spacing = 150_000;
  const alerts = sim.addWorkbenchAlerts(20, { from, to: from + 19 * spacing });
  // Not on a whole second: the API's windows include both ends, so a whole second would sit in two of them.
  const at = from + 9 * spacing + spacing / 2 + 500;
  sim.misbehave(typeof misbehaviour === 'function' ? misbehaviour(at) : misbehaviour);
  return { sim, alerts, at, untilMs: now - 15_000 };
};

const expectBounded = (result: ChildResult): void => {
  expect(result.peakRssKiB).toBeGreaterThan(0);
  expect(result.peakRssKiB).toBeLessThan(PEAK_RSS_LIMIT_KIB);
};

describe('a workbench source against a misbehaving API (issue #16)', () => {
  it('endless nextLinks: stops at pagesPerPoll, narrows to the bad second, sets it aside, and reads every good alert', async () => {
    const { sim, alerts, at, untilMs } = await scenario((t) => ({ kind: 'endless-pages', at: t }));
    const result = await runChild({ baseUrl: sim.baseUrl, token: TOKEN, since: '1h', limits: { pagesPerPoll: 40 }, untilMs, untilErrors: 1, maxAttempts: 60 });
    console.info(`endless nextLinks: peak RSS ${Math.round(result.peakRssKiB / 1024)} MB, ${sim.requests.length} requests`);

    expect(new Set(result.storedKeys), why(result)).toEqual(new Set(alerts.map((a) => a.id)));
    expect(Date.parse(result.checkpoint.windows.createdDateTime ?? '')).toBeGreaterThanOrEqual(untilMs);
    // The one second that never ends is set aside, with its cause, not lost silently.
    expect(result.deadLetters).toHaveLength(1);
    const [letter] = result.deadLetters;
    expect(letter?.key).toMatch(/^window:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const [start, end] = (letter?.key.slice('window:'.length).split('/') ?? []).map((t) => Date.parse(t));
    expect(start).toBeLessThanOrEqual(at);
    expect(end).toBeGreaterThanOrEqual(at);
    expect((end ?? 0) - (start ?? 0)).toBe(1_000);
    expect(letter?.reason).toContain('kept sending more pages');
    // Status: the cause, counted.
    expect(result.stats.errors).toBeGreaterThan(0);
    expect(result.stats.deadLettered).toBe(1);
    expect(result.logs.some((l) => l.level === 'error' && String(l.fields['error']).includes('limits.pagesPerPoll'))).toBe(true);
    // Bounded: every poll stopped at 40 pages.
    expect(sim.requests.length).toBeLessThan(60 * 41);
    expectBounded(result);
  }, 60_000);

  it('a 200 MB page: stops reading at bytesPerResponse (16 MiB), never retries it as a network error, and reads the rest', async () => {
    const { sim, alerts, at, untilMs } = await scenario((t) => ({ kind: 'giant-page', bytes: 200 * MIB, at: t }));
    const result = await runChild({ baseUrl: sim.baseUrl, token: TOKEN, since: '1h', untilMs, untilErrors: 1, maxAttempts: 40 });
    console.info(`200 MB page: peak RSS ${Math.round(result.peakRssKiB / 1024)} MB`);

    expect(new Set(result.storedKeys), why(result)).toEqual(new Set(alerts.map((a) => a.id)));
    expect(Date.parse(result.checkpoint.windows.createdDateTime ?? '')).toBeGreaterThanOrEqual(untilMs);
    expect(result.deadLetters).toHaveLength(1);
    expect(result.deadLetters[0]?.reason).toContain('limits.bytesPerResponse');
    expect(result.deadLetters[0]?.key).toContain(new Date(Math.floor(at / 1000) * 1000).toISOString().replace('.000Z', 'Z'));
    expect(result.stats.errors, why(result)).toBeGreaterThan(0);
    expect(result.stats.lastError ?? '').not.toContain('network error');
    expect(result.logs.some((l) => l.message.includes('retrying')), why(result)).toBe(false);
    expectBounded(result);
  }, 60_000);

  it('a poison item nested 12,000 deep beside valid alerts: dead-lettered with its reason, the page and the checkpoint go on', async () => {
    const { sim, alerts, untilMs } = await scenario((t) => ({ kind: 'poison-item', depth: 12_000, at: t }));
    const result = await runChild({ baseUrl: sim.baseUrl, token: TOKEN, since: '1h', untilMs, maxAttempts: 5 });
    console.info(`poison item: peak RSS ${Math.round(result.peakRssKiB / 1024)} MB`);

    expect(new Set(result.storedKeys)).toEqual(new Set(alerts.map((a) => a.id)));
    expect(result.deadLetters).toEqual([{ key: 'poison-12000', reason: 'nested deeper than 64 levels (limits.itemDepth)' }]);
    expect(result.stats.errors).toBe(0);
    expect(result.stats.deadLettered).toBe(1);
    expect(Date.parse(result.checkpoint.windows.createdDateTime ?? '')).toBeGreaterThanOrEqual(untilMs);
    expectBounded(result);
  }, 60_000);

  it('a poison item in a page whose keys need the key-safe reader: narrowed until the poison is alone, then dead-lettered; nothing else lost', async () => {
    const { sim, alerts, untilMs } = await scenario((t) => ({ kind: 'poison-item', depth: 12_000, at: t }));
    // A key with an escape sends the whole page through core's recursive key-safe reader (parse-json.ts).
    // The oldest alert, so it shares the window's first page with the poison item until narrowing parts them.
    const oldest = Date.parse(String(alerts[0]?.createdDateTime)) - 60_000;
    const escaped = { ...alerts[0], id: 'WB-ESCAPED-KEY', createdDateTime: new Date(oldest).toISOString().replace(/\.\d+Z$/, 'Z'), 'note\n': 'x' };
    sim.addWorkbenchAlerts([escaped]);
    const result = await runChild({ baseUrl: sim.baseUrl, token: TOKEN, since: '1h', untilMs, untilErrors: 1, maxAttempts: 10 });
    console.info(`poison item beside an escaped key: peak RSS ${Math.round(result.peakRssKiB / 1024)} MB`);

    expect(new Set(result.storedKeys)).toEqual(new Set([...alerts.map((a) => a.id), 'WB-ESCAPED-KEY']));
    expect(result.deadLetters).toEqual([{ key: 'poison-12000', reason: 'nested deeper than 64 levels (limits.itemDepth)' }]);
    // The poll that narrowed ended with the cause (counted); a later poll succeeded and cleared the last error.
    expect(result.stats.errors).toBeGreaterThan(0);
    expect(result.logs.some((l) => l.message.startsWith('Source limit reached') && l.fields['limit'] === 'itemDepth')).toBe(true);
    expect(Date.parse(result.checkpoint.windows.createdDateTime ?? '')).toBeGreaterThanOrEqual(untilMs);
    expectBounded(result);
  }, 60_000);

  it('an item over bytesPerItem (a 2 MiB description): dead-lettered, not stored; its neighbours are', async () => {
    const { sim, alerts, untilMs } = await scenario();
    const big = { ...alerts[3], id: 'WB-OVERSIZED-1', description: 'x'.repeat(2 * MIB) };
    sim.addWorkbenchAlerts([big]);
    const result = await runChild({ baseUrl: sim.baseUrl, token: TOKEN, since: '1h', untilMs, maxAttempts: 5 });
    console.info(`oversized item: peak RSS ${Math.round(result.peakRssKiB / 1024)} MB`);

    expect(new Set(result.storedKeys)).toEqual(new Set(alerts.map((a) => a.id)));
    expect(result.deadLetters).toEqual([{ key: 'WB-OVERSIZED-1', reason: '2.0 MiB of JSON, over 1 MiB (limits.bytesPerItem)' }]);
    expect(result.stats.errors).toBe(0);
    expectBounded(result);
  }, 60_000);

  it('a slow body past requestTimeout: a passing failure (retried, the checkpoint stays, the cause in status); at a readable pace it all arrives', async () => {
    const { sim, alerts, untilMs } = await scenario({ kind: 'slow-body', bytesPerSecond: 200 });
    const stuck = await runChild({ baseUrl: sim.baseUrl, token: TOKEN, since: '1h', requestTimeout: '1s', untilMs, maxAttempts: 3 });
    console.info(`slow body: peak RSS ${Math.round(stuck.peakRssKiB / 1024)} MB`);
    expect(stuck.storedKeys).toEqual([]);
    expect(stuck.stats.errors).toBe(3);
    expect(stuck.stats.lastError).toContain('no answer within 1000 ms');
    // A timeout is not narrowed away: it cannot be told from a network outage, and skipping would lose alerts.
    expect(stuck.deadLetters).toEqual([]);
    expectBounded(stuck);

    sim.misbehave({ kind: 'slow-body', bytesPerSecond: 200_000 });
    const slow = await runChild({ baseUrl: sim.baseUrl, token: TOKEN, since: '1h', requestTimeout: '5s', untilMs, maxAttempts: 5 });
    expect(new Set(slow.storedKeys)).toEqual(new Set(alerts.map((a) => a.id)));
    expect(slow.stats.errors).toBe(0);
  }, 60_000);
});
