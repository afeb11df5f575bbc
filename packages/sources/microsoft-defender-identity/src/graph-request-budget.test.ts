import { SteppedClock } from '@syslog-connector/testing';
import { describe, expect, it } from 'vitest';
import { graphRequestBudget } from './graph-request-budget.js';

describe('graphRequestBudget', () => {
  it('is one per tenant key; the lowest registered requestsPerMinute applies; kept a minute after its last source closes', async () => {
    const clock = new SteppedClock(1_000_000);
    const budget = graphRequestBudget('tenant-x', clock.now());
    const closeAlerts = budget.register(5);
    expect(graphRequestBudget('tenant-x', clock.now())).toBe(budget);
    expect(graphRequestBudget('tenant-y', clock.now())).not.toBe(budget);
    const closeHealth = budget.register(3);
    expect(budget.perMinute).toBe(3);
    const signal = new AbortController().signal;
    for (let i = 0; i < 3; i += 1) await budget.take(clock, signal);
    let fourth = false;
    const waiting = budget.take(clock, signal).then(() => (fourth = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect([fourth, clock.sleeping]).toEqual([false, 1]);
    closeHealth();
    expect(budget.perMinute).toBe(5);
    clock.advanceToNextWake();
    await waiting;
    expect(clock.now()).toBe(1_060_000);
    // A reload that replaces both sources within the minute finds the same budget and its requests.
    closeAlerts();
    expect(budget.unused(clock.now())).toBe(false);
    graphRequestBudget('tenant-z', clock.now());
    expect(graphRequestBudget('tenant-x', clock.now())).toBe(budget);
    // Once its last request is a minute old, it is forgotten when another budget is made.
    expect(budget.unused(clock.now() + 60_000)).toBe(true);
    graphRequestBudget('tenant-w', clock.now() + 60_000);
    expect(graphRequestBudget('tenant-x', clock.now() + 60_000)).not.toBe(budget);
  });
});
