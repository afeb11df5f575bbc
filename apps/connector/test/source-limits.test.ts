import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyslogReceiver, VisionOneSimulator, type Misbehaviour } from '@syslog-connector/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type ConnectorProcess, startConnector, type StatusJson, waitUntil } from './connector-process.js';
import { runCli } from './run-cli.js';

/**
 * Issue #16 through the real daemon: `syslog-connector run` against a Vision One simulator that misbehaves for one
 * moment, a TCP receiver as the SIEM. The good alerts are delivered, the cause shows in `status`, and the daemon's
 * peak RSS (VmHWM of /proc/<pid>/status, read before it stops) stays under 256 MB.
 */
const TOKEN = 'source-limits-e2e-token';
const PEAK_RSS_LIMIT_KIB = 256 * 1024;

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const task of cleanup.splice(0).reverse()) await task();
});

const peakRssKiB = (connector: ConnectorProcess): number => {
  const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${connector.child.pid as number}/status`, 'latin1'));
  return hwm === null ? 0 : Number(hwm[1]);
};

const scenario = async (misbehaviour: (at: number) => Misbehaviour) => {
  const sim = await VisionOneSimulator.start({ token: TOKEN, pageSize: 5, seed: 9, hostileRatio: 0 });
  const siem = await SyslogReceiver.start({ protocol: 'tcp', framing: 'octet-counting' });
  const dir = await mkdtemp(join(tmpdir(), 'source-limits-'));
  cleanup.push(() => sim.stop(), () => siem.stop(), () => rm(dir, { recursive: true, force: true }));
  const now = Date.now();
  const from = Math.floor((now - 40 * 60_000) / 1000) * 1000;
  const spacing = 120_000;
  const alerts = sim.addWorkbenchAlerts(16, { from, to: from + 15 * spacing });
  sim.misbehave(misbehaviour(from + 7 * spacing + spacing / 2 + 500));
  const configPath = join(dir, 'syslog-connector.yaml');
  await writeFile(
    configPath,
    [
      'stateDir: ./state',
      'sources:',
      '  workbench:',
      '    type: vision-one-workbench',
      `    baseUrl: ${sim.baseUrl}`,
      '    token: ${V1_TOKEN}',
      '    companyId: 68960c94-9be6-4343-a4ca-6408de7aa331',
      '    since: 1h',
      '    pollInterval: 1s',
      'destinations:',
      '  siem:',
      '    protocol: tcp',
      '    address: 127.0.0.1',
      `    port: ${siem.port}`,
      '    format: cef',
      '',
    ].join('\n'),
  );
  const connector = startConnector(configPath, [], { V1_TOKEN: TOKEN });
  cleanup.push(() => connector.stop());
  return { alerts, siem, configPath, connector };
};

const readStatus = async (configPath: string): Promise<StatusJson & { sources: ReadonlyArray<{ deadLettered: number }> }> => {
  const result = await runCli(['status', '-c', configPath, '--json'], { env: { V1_TOKEN: TOKEN } });
  if (result.code !== 0) throw new Error(`status exited ${String(result.code)}: ${result.stderr}`);
  return JSON.parse(result.stdout) as StatusJson & { sources: ReadonlyArray<{ deadLettered: number }> };
};

const delivered = (siem: SyslogReceiver, ids: readonly string[]): boolean => ids.every((id) => siem.messages.some((m) => m.raw.includes(`externalId=${id}`)));

describe('the daemon against a misbehaving Vision One (issue #16)', () => {
  it('a 200 MB page for one moment: every other alert delivered, the moment set aside, the cause in status, peak RSS under 256 MB', async () => {
    const { alerts, siem, configPath, connector } = await scenario((at) => ({ kind: 'giant-page', bytes: 200 * 1024 * 1024, at }));
    await waitUntil(() => delivered(siem, alerts.map((a) => a.id)), 45_000, 'every good alert at the receiver');
    // Stopped at once: the poll that set the moment aside (before the later alerts) may still be reading or waiting
    // to end with its error. Its error was counted with the dead letter, so status shows both either way.
    const peak = peakRssKiB(connector);
    console.info(`daemon, 200 MB page: peak RSS ${Math.round(peak / 1024)} MB`);
    expect(await connector.stop()).toBe(0);

    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(PEAK_RSS_LIMIT_KIB);
    const status = await readStatus(configPath);
    expect(status.sources).toEqual([expect.objectContaining({ source: 'workbench', stored: alerts.length, deadLettered: 1, errors: 1 })]);
    const human = await runCli(['status', '-c', configPath], { env: { V1_TOKEN: TOKEN } });
    expect(human.stdout).toContain(`workbench stored=${alerts.length} errors=1`);
    expect(human.stdout).toContain('dead-lettered=1');
    expect(connector.logs()).toContain('limits.bytesPerResponse');
    expect(connector.logs()).not.toContain(TOKEN);
  }, 60_000);

  it('a poison item nested 12,000 deep beside valid alerts: dead-lettered with its reason, every alert delivered, no error', async () => {
    const { alerts, siem, configPath, connector } = await scenario((at) => ({ kind: 'poison-item', depth: 12_000, at }));
    await waitUntil(() => delivered(siem, alerts.map((a) => a.id)), 30_000, 'every good alert at the receiver');
    const peak = peakRssKiB(connector);
    console.info(`daemon, poison item: peak RSS ${Math.round(peak / 1024)} MB`);
    expect(await connector.stop()).toBe(0);

    expect(peak).toBeLessThan(PEAK_RSS_LIMIT_KIB);
    const status = await readStatus(configPath);
    expect(status.sources).toEqual([expect.objectContaining({ source: 'workbench', stored: alerts.length, deadLettered: 1, errors: 0 })]);
    expect(connector.logs()).toContain('nested deeper than 64 levels (limits.itemDepth)');
  }, 60_000);
});
