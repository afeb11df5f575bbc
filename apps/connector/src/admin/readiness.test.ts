import { describe, expect, it } from 'vitest';
import type { DestinationStatus } from '../connector.js';
import { assessReadiness, failingForMs } from './readiness.js';

const destination = (overrides: Partial<DestinationStatus>): DestinationStatus => ({
  destination: 'siem', delivered: 0, lag: 0, lagMs: 0, reconnects: 0, sendErrors: 0, resent: 0, deadLettered: 0, dropped: 0,
  truncated: 0, unconfirmed: 0, lastDeliveryAt: undefined, lastError: undefined, lastErrorAt: undefined, ...overrides,
});
const status = (d: DestinationStatus) => ({ at: 100_000, head: 0, journal: undefined, sources: [], destinations: [d] });

describe('readiness', () => {
  it('counts a destination as failing only while its last attempt failed and events wait', () => {
    expect(failingForMs(destination({ lag: 5, lagMs: 30_000 }), 100_000)).toBe(0);
    expect(failingForMs(destination({ lastError: 'refused', lag: 0 }), 100_000)).toBe(0);
    // Idle for long, then failing: since it had events to send again, not since the last delivery.
    expect(failingForMs(destination({ lastError: 'refused', lag: 5, lagMs: 3_000, lastDeliveryAt: 10_000 }), 100_000)).toBe(3_000);
    // Behind for long while delivering, then failing: since the last delivery.
    expect(failingForMs(destination({ lastError: 'refused', lag: 5, lagMs: 90_000, lastDeliveryAt: 98_000 }), 100_000)).toBe(2_000);
  });

  it('is not ready once a destination has failed for longer than maxFailingFor, naming it', () => {
    expect(assessReadiness(status(destination({ lastError: 'x', lag: 1, lagMs: 60_000 })), 60_000)).toEqual({ ready: true, reasons: [] });
    const readiness = assessReadiness(status(destination({ lastError: 'ECONNREFUSED 10.0.0.5:601', lag: 1, lagMs: 61_000 })), 60_000);
    expect(readiness.ready).toBe(false);
    expect(readiness.reasons).toEqual(['destination siem has been unable to deliver for 61s (admin.readiness.maxFailingFor: 60s)']);
  });
});
