import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyslogReceiver, type VisionOneTenant, VisionOneSimulator } from '@syslog-connector/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConnectorProcess, startConnector, waitUntil } from './connector-process.js';

/**
 * Issue #20: the daemon with many tenants' sources on one Vision One host (real CLI, real sockets). The first polls of
 * sources started together are spread over their interval instead of all at once; the stand-in notes when each tenant
 * first asked. Bounded: five sources, ten-second interval, a designed spread of 4 s.
 */
describe('syslog-connector run with several tenants on one host', () => {
  let simulator: VisionOneSimulator;
  let receiver: SyslogReceiver;
  let dir: string;
  let connector: ConnectorProcess | undefined;

  beforeEach(async () => {
    simulator = await VisionOneSimulator.start({ hostileRatio: 0 });
    receiver = await SyslogReceiver.start({ protocol: 'tcp', framing: 'octet-counting' });
    dir = await mkdtemp(join(tmpdir(), 'sc-tenants-'));
  });

  afterEach(async () => {
    await connector?.stop();
    connector = undefined;
    await Promise.all([simulator.stop(), receiver.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('spreads the first polls of sources started together over their interval, one after another', async () => {
    const tenants: VisionOneTenant[] = [];
    const lines = ['instance: tenants', 'stateDir: ./state', 'sources:'];
    for (let i = 0; i < 5; i += 1) {
      const tenant = simulator.addTenant(`tenant-api-key-${i}-4f0c9e2a7b`, `t${i}`);
      tenant.addWorkbenchAlerts(2, { from: Date.now() - 3_600_000, to: Date.now() - 120_000 });
      tenants.push(tenant);
      lines.push(
        `  tenant${i}:`,
        '    type: vision-one-workbench',
        `    baseUrl: ${simulator.baseUrl}`,
        `    token: ${tenant.token}`,
        '    companyId: 68960c94-9be6-4343-a4ca-6408de7aa331',
        '    pollInterval: 10s',
      );
    }
    lines.push('destinations:', '  siem:', '    protocol: tcp', '    address: 127.0.0.1', `    port: ${receiver.port}`, '    format: cef', '');
    const configPath = join(dir, 'syslog-connector.yaml');
    await writeFile(configPath, lines.join('\n'));

    connector = startConnector(configPath);
    await waitUntil(() => tenants.every((t) => t.firstRequestAt !== undefined), 30_000, 'a first poll of every tenant');
    await receiver.waitFor(10, 20_000);

    // Sources start min(interval / count, 1 s) apart: 0, 1, 2, 3 and 4 s after the first.
    const firsts = tenants.map((t) => t.firstRequestAt ?? Number.NaN);
    expect([...firsts].sort((a, b) => a - b)).toEqual(firsts);
    expect((firsts[4] ?? 0) - (firsts[0] ?? 0)).toBeGreaterThanOrEqual(2_000);
    expect(simulator.peakConcurrentRequests).toBeLessThanOrEqual(16);
  }, 60_000);
});
