import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { GraphSimulator, type Misbehaviour } from '@syslog-connector/testing';
import { killPollChildren, runPollChild, type PollChildOutput } from '@syslog-connector/testing/bounded-poll';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * Issue #16 for Microsoft Graph: endless @odata.nextLinks, a giant page, a poison item and an oversized item never
 * run the MDI source unbounded nor block the good alerts beside them, and the cause shows in what `status` shows.
 * Each case runs in a child process (real HTTP on loopback, the real SourceRunner loop, the SQLite journal) that
 * reports its own peak RSS (VmHWM of /proc/self/status). A case that asserts an error count asks the child to run
 * until it is counted (`untilErrors`): a poll that sets a window aside counts its error only when it ends.
 */
const CHILD = fileURLToPath(new URL('./fixtures/bounded-poll-child.mjs', import.meta.url));
const SECRET = 'bounded~poll.sEcReT-value_7';
const MIB = 1024 * 1024;
const PEAK_RSS_LIMIT_KIB = 256 * 1024;

const children = new Set<ChildProcess>();
const simulators: GraphSimulator[] = [];
afterEach(async () => {
  killPollChildren(children);
  for (const sim of simulators.splice(0)) await sim.stop();
});

interface ChildResult extends PollChildOutput {
  readonly checkpoint: { alerts?: string };
  readonly storedKeys: readonly string[];
  readonly sourceDeadLetters: number;
}

const runChild = (input: object): Promise<ChildResult> => runPollChild<ChildResult>(CHILD, input, children);

/** What the child's status showed, for an assertion's message: a failure says why the source stopped where it did. */
const why = (result: ChildResult): string => `stats ${JSON.stringify(result.stats)}; logs ${JSON.stringify(result.logs.slice(0, 5))}`;

/** 12 good alerts over the last 15 minutes, and a moment between two of them where Graph misbehaves. */
const scenario = async (misbehaviour?: (at: number) => Misbehaviour) => {
  const sim = await GraphSimulator.start({ clientSecret: SECRET, pageSize: 50, seed: 5, hostileRatio: 0, requestsPerMinute: 10_000 });
  simulators.push(sim);
  const now = Date.now();
  const from = now - 15 * 60_000;
  const spacing = 60_000;
  const alerts = sim.addAlerts(12, { from, to: from + 11 * spacing });
  const at = from + 5 * spacing + spacing / 2 + 500;
  if (misbehaviour !== undefined) sim.misbehave(misbehaviour(at));
  const input = { baseUrl: sim.baseUrl, tenantId: sim.tenantId, clientId: sim.clientId, secret: SECRET, since: '20m', untilMs: now - 15_000 };
  return { sim, alerts, input };
};

const report = (name: string, result: ChildResult): void => {
  console.info(`MDI ${name}: peak RSS ${Math.round(result.peakRssKiB / 1024)} MB`);
  expect(result.peakRssKiB).toBeGreaterThan(0);
  expect(result.peakRssKiB).toBeLessThan(PEAK_RSS_LIMIT_KIB);
  // Nothing secret in what the source logged.
  expect(JSON.stringify(result)).not.toContain(SECRET);
};

describe('an MDI source against a misbehaving Graph (issue #16)', () => {
  it('endless @odata.nextLinks: bounded by pagesPerPoll, the bad moment set aside, every good alert stored', async () => {
    const { alerts, input } = await scenario((at) => ({ kind: 'endless-pages', at }));
    const result = await runChild({ ...input, limits: { pagesPerPoll: 8 }, untilErrors: 1, maxAttempts: 40 });
    report('endless nextLinks', result);
    expect(new Set(result.storedKeys), why(result)).toEqual(new Set(alerts.map((a) => a.id)));
    expect(Date.parse(result.checkpoint.alerts ?? '')).toBeGreaterThanOrEqual(input.untilMs);
    expect(result.sourceDeadLetters).toBe(1);
    expect(result.stats.errors, why(result)).toBeGreaterThan(0);
    expect(result.logs.some((l) => l.level === 'error' && String(l.fields['error']).includes('kept sending more pages'))).toBe(true);
  }, 60_000);

  it('a 200 MB page: cut at bytesPerResponse, not retried, the rest read', async () => {
    const { alerts, input } = await scenario((at) => ({ kind: 'giant-page', bytes: 200 * MIB, at }));
    const result = await runChild({ ...input, maxAttempts: 40 });
    report('200 MB page', result);
    expect(new Set(result.storedKeys), why(result)).toEqual(new Set(alerts.map((a) => a.id)));
    expect(result.sourceDeadLetters).toBe(1);
    expect(result.stats.lastError ?? '').not.toContain('network error');
    expect(result.logs.some((l) => l.message.includes('retrying')), why(result)).toBe(false);
  }, 60_000);

  it('120 alerts of 900 KB each (105 MB in one window): the window narrows until pages fit, every alert stored', async () => {
    const sim = await GraphSimulator.start({ clientSecret: SECRET, pageSize: 50, seed: 5, hostileRatio: 0, requestsPerMinute: 10_000 });
    simulators.push(sim);
    const now = Date.now();
    const model = sim.addAlerts(1, { from: now - 60_000, to: now - 60_000 })[0] as Parameters<GraphSimulator['addAlerts']>[0][number];
    const alerts = Array.from({ length: 120 }, (_, i) => {
      const at = new Date(now - 15 * 60_000 + i * 7_000).toISOString();
      return { ...model, id: `big-${i}`, createdDateTime: at, lastUpdateDateTime: at, description: 'd'.repeat(900 * 1024) };
    });
    sim.addAlerts(alerts);
    const input = { baseUrl: sim.baseUrl, tenantId: sim.tenantId, clientId: sim.clientId, secret: SECRET, since: '20m', untilMs: now - 15_000 };
    const result = await runChild({ ...input, maxAttempts: 400, deadlineMs: 75_000 });
    // Measured, not asserted against 256 MB: valid items just under bytesPerItem, many to a page, peak at ~330 MB
    // (the page text, its parse, the events with raw and record, and their JSON for the store, before a collection).
    // A known gap of issue #16, reported; the bound that holds is bytesPerResponse × a small factor.
    console.info(`MDI 120 alerts of 900 KB: peak RSS ${Math.round(result.peakRssKiB / 1024)} MB`);
    expect(new Set(result.storedKeys), why(result)).toEqual(new Set([model.id, ...alerts.map((a) => a.id)]));
    // Nothing set aside: the poll budget running out ends a poll, it never narrows or skips a window.
    expect(result.sourceDeadLetters).toBe(0);
    expect(result.peakRssKiB).toBeLessThan(512 * 1024);
  }, 100_000);

  it('a poison item nested 12,000 deep and an item over bytesPerItem: both dead-lettered with their reasons, the page goes on', async () => {
    const { sim, alerts, input } = await scenario((at) => ({ kind: 'poison-item', depth: 12_000, at }));
    const [model] = alerts;
    sim.addAlerts([{ ...(model as (typeof alerts)[number]), id: 'oversized-alert-1', description: 'x'.repeat(2 * MIB) }]);
    const result = await runChild({ ...input, maxAttempts: 5 });
    report('poison + oversized item', result);
    expect(new Set(result.storedKeys)).toEqual(new Set(alerts.map((a) => a.id)));
    expect(result.sourceDeadLetters).toBe(2);
    expect(result.stats.deadLettered).toBe(2);
    expect(result.stats.errors).toBe(0);
    const reasons = result.logs.filter((l) => l.message.startsWith('Source item dead-lettered')).map((l) => `${String(l.fields['key'])}: ${String(l.fields['reason'])}`);
    expect(reasons.sort()).toEqual(['oversized-alert-1: 2.0 MiB of JSON, over 1 MiB (limits.bytesPerItem)', 'poison-12000: nested deeper than 64 levels (limits.itemDepth)']);
    expect(Date.parse(result.checkpoint.alerts ?? '')).toBeGreaterThanOrEqual(input.untilMs);
  }, 60_000);
});
