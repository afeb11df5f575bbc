import { describeSourceConformance, ManualClock, VisionOneSimulator } from '@syslog-connector/testing';
import { visionOneAuditSource } from '../src/vision-one-audit-source.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const MINUTE = 60_000;
const TOKEN = 'audit-conformance-token-5f1c9e02ab';
const WRONG = 'audit-wrong-token-77d0c3e18f';

// The source suite every source runs, against the Vision One simulator: 23 audit logs over pages of 5.
describeSourceConformance(visionOneAuditSource, {
  requiredOptions: { token: 'any-token' },
  setUp: async () => {
    const clock = new ManualClock(NOW);
    const sim = await VisionOneSimulator.start({ token: TOKEN, clock, pageSize: 5, seed: 9, hostileRatio: 0.25 });
    sim.addAuditLogs(23, { from: NOW - 100 * MINUTE, to: NOW - 5 * MINUTE });
    return {
      options: { baseUrl: sim.baseUrl, token: TOKEN, since: '2h' },
      failingOptions: { baseUrl: sim.baseUrl, token: WRONG, since: '2h' },
      secrets: [TOKEN, WRONG],
      services: { clock },
      stop: () => sim.stop(),
    };
  },
});
