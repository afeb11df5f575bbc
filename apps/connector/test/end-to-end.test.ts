import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ReceivedMessage, SyslogReceiver, VisionOneSimulator } from '@syslog-connector/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startConnector, waitUntil } from './connector-process.js';
import { runCli } from './run-cli.js';

/** The documented replacements of the CEF formatter: control characters become spaces, lone surrogates U+FFFD. */
const asCefWouldCarry = (text: string) =>
  text.toWellFormed().replace(/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, ' ');

const externalIds = (messages: readonly ReceivedMessage[]) => messages.map((m) => m.parsed?.cef?.extensions.externalId);

describe('simulator → syslog-connector run (child process) → receiver', () => {
  let simulator: VisionOneSimulator;
  let receiver: SyslogReceiver;
  let dir: string;
  let configPath: string;
  const token = 'e2e-token-do-not-log-4d1f';

  beforeEach(async () => {
    simulator = await VisionOneSimulator.start({ token, pageSize: 7, seed: 11, hostileRatio: 0.3 });
    receiver = await SyslogReceiver.start({ protocol: 'tcp', framing: 'octet-counting' });
    dir = await mkdtemp(join(tmpdir(), 'sc-e2e-'));
    configPath = join(dir, 'syslog-connector.yaml');
    await writeFile(
      configPath,
      [
        'instance: e2e-sensor',
        'stateDir: ./state',
        'sources:',
        '  workbench:',
        '    type: vision-one-workbench',
        `    baseUrl: ${simulator.baseUrl}`,
        '    token: ${V1_TOKEN}',
        '    companyId: 68960c94-9be6-4343-a4ca-6408de7aa331',
        '    since: 24h',
        '    pollInterval: 1s',
        'destinations:',
        '  siem:',
        '    protocol: tcp',
        '    address: 127.0.0.1',
        `    port: ${receiver.port}`,
        '    format: cef',
        '',
      ].join('\n'),
    );
  });

  afterEach(async () => {
    await Promise.all([simulator.stop(), receiver.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers every alert in the window exactly once, and each decodes back to its source fields', async () => {
    const now = Date.now();
    const alerts = simulator.addWorkbenchAlerts(40, { from: now - 6 * 3_600_000, to: now - 60_000 });
    const connector = startConnector(configPath, [], { V1_TOKEN: token });
    const received = await receiver.waitFor(40, 20_000);
    expect(await connector.stop()).toBe(0);

    expect(receiver.messages.every((m) => m.parseError === null)).toBe(true);
    expect(externalIds(received).sort()).toEqual(alerts.map((a) => a.id).sort());
    for (const alert of alerts) {
      const message = received.find((m) => m.parsed?.cef?.extensions.externalId === alert.id);
      const cef = message?.parsed?.cef;
      expect(message?.parsed?.hostname).toBe('e2e-sensor');
      expect(cef).toMatchObject({ vendor: 'Trend Micro', product: 'Trend Vision One', signatureId: '900001', name: 'Trend Vision One Workbench Alert' });
      expect(cef?.severity).toBe(String({ low: 3, medium: 5, high: 7, critical: 9 }[alert.severity]));
      expect(cef?.extensions.cs1).toBe(asCefWouldCarry(alert.workbenchLink));
      // Trend's published forms with no formatter option (FACTS §A.4): rt `Dec 05 2022 05:26:45`, the company ID.
      const created = new Date(Date.parse(alert.createdDateTime)).toUTCString(); // `Mon, 05 Dec 2022 05:26:45 GMT`
      expect(cef?.extensions.rt).toBe(`${created.slice(8, 11)} ${created.slice(5, 7)} ${created.slice(12, 16)} ${created.slice(17, 25)}`);
      expect(cef?.extensions.TrendMicroV1CompanyID).toBe('68960c94-9be6-4343-a4ca-6408de7aa331');
      // Hostile strings (pipes, =, backslashes, CR/LF, 5 kB) survive escaping; long ones are cut at CEF's limits.
      expect(asCefWouldCarry(alert.model).startsWith(cef?.extensions.cat ?? '\u0000')).toBe(true);
      if ('description' in alert && typeof alert.description === 'string' && cef?.extensions.msg !== undefined) {
        expect(asCefWouldCarry(alert.description).startsWith(cef.extensions.msg)).toBe(true);
      }
    }
    expect(connector.logs()).not.toContain(token);
  }, 40_000);

  it('fits long alerts into UDP datagrams by cutting msg, keeps every key after it, and counts the cuts in status', async () => {
    const datagrams = await SyslogReceiver.start({ protocol: 'udp' });
    try {
      const udpConfig = join(dir, 'udp.yaml');
      await writeFile(
        udpConfig,
        [
          'instance: e2e-sensor',
          'stateDir: ./udp-state',
          'sources:',
          '  workbench:',
          '    type: vision-one-workbench',
          `    baseUrl: ${simulator.baseUrl}`,
          '    token: ${V1_TOKEN}',
          '    companyId: 68960c94-9be6-4343-a4ca-6408de7aa331',
          '    since: 24h',
          '    pollInterval: 1s',
          'destinations:',
          '  datagrams:',
          '    protocol: udp',
          '    address: 127.0.0.1',
          `    port: ${datagrams.port}`,
          '    maxMessageSize: 700',
          '',
        ].join('\n'),
      );
      const now = Date.now();
      // A third of the simulator's alerts carry hostile text, up to 5 kB in the description.
      const alerts = simulator.addWorkbenchAlerts(30, { from: now - 3_600_000, to: now - 60_000 });
      const connector = startConnector(udpConfig, [], { V1_TOKEN: token });
      const received = await datagrams.waitFor(30, 20_000);
      expect(await connector.stop()).toBe(0);

      expect(received.every((m) => m.bytes.length <= 700)).toBe(true);
      expect(externalIds(received).sort()).toEqual(alerts.map((a) => a.id).sort());
      // The company ID is the last pair: it survives every cut, which took the description instead.
      expect(received.every((m) => m.parsed?.cef?.extensions.TrendMicroV1CompanyID === '68960c94-9be6-4343-a4ca-6408de7aa331')).toBe(true);
      const cut = received.filter((m) => m.bytes.length > 650).length;
      expect(cut).toBeGreaterThan(0);

      const status = await runCli(['status', '-c', udpConfig], { env: { V1_TOKEN: token } });
      expect(status.stdout).toMatch(/datagrams: delivered 30, .* truncated [1-9]\d*, /);
    } finally {
      await datagrams.stop();
    }
  }, 40_000);

  it('neither loses nor repeats an alert when the connector is stopped and restarted mid-way', async () => {
    const now = Date.now();
    const first = simulator.addWorkbenchAlerts(30, { from: now - 3 * 3_600_000, to: now - 60_000 });
    let connector = startConnector(configPath, [], { V1_TOKEN: token });
    await receiver.waitFor(1, 20_000);
    expect(await connector.stop()).toBe(0);
    const beforeRestart = receiver.messages.length;

    // Alerts that show up while the connector is down, created inside the next poll's window.
    const later = Date.now();
    const second = simulator.addWorkbenchAlerts(15, { from: later - 50_000, to: later - 15_000 });
    connector = startConnector(configPath, [], { V1_TOKEN: token });
    const all = await receiver.waitFor(45, 20_000);
    // One more poll after everything arrived: still nothing repeated.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await connector.stop()).toBe(0);

    const ids = externalIds(all);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual([...first, ...second].map((a) => a.id).sort());
    expect(beforeRestart).toBeGreaterThan(0);
  }, 60_000);

  it('reports a wrong token once, without the token, and keeps running', async () => {
    const connector = startConnector(configPath, [], { V1_TOKEN: 'wrong-token-value-9x' });
    // The first failure, not a fixed 2.5 s from the start: on a busy machine the child may not have polled by then.
    await waitUntil(() => connector.logs().includes('Source poll failed.'), 20_000, 'the first failed poll');
    // A poll interval later it still runs (an auth failure waits a full minute before the next poll).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(connector.child.exitCode).toBeNull();
    expect(await connector.stop()).toBe(0);
    const failures = connector
      .logs()
      .split('\n')
      .filter((line) => line.includes('Source poll failed.'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain('VISION_ONE_TOKEN');
    expect(connector.logs()).not.toContain('wrong-token-value-9x');
  }, 30_000);
});
