import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GraphSimulator,
  RsyslogOracle,
  VisionOneSimulator,
  leefLineOf,
  parseLeef,
  requireOracle,
  type ParsedRecord,
  type SyslogOracle,
} from '@syslog-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConnector, type StatusJson } from './connector-process.js';
import { runCli } from './run-cli.js';

/*
 * The demo's sources (Vision One workbench, OAT and audit from the Vision One simulator, MDI from the Graph
 * simulator, seeded as `syslog-connector demo` seeds them) through the real daemon with `format: leef`, over TCP
 * to a real rsyslog: rsyslog parses the syslog envelope, the test kit's LEEF reader (IBM's spec) every LEEF line.
 * Then the host's screens on the same config: `validate`, `test-connection` and `status` print what each plugin
 * says it reads from or sends to (`describeTarget()`), and never a secret.
 */
const COMPANY_ID = '3f9c2a61-5b7e-4d0a-9c1e-8a2b6d4f0e17';

describe.skipIf(requireOracle('rsyslog'))('format: leef from the demo sources to rsyslog, and the plugins on the screens', () => {
  let vision: VisionOneSimulator;
  let graph: GraphSimulator;
  let rsyslog: SyslogOracle;
  let dir: string;
  let config: string;
  let env: Record<string, string>;
  let received: ParsedRecord[];
  let alertIds: string[];

  const readStatus = async (): Promise<StatusJson> => {
    const result = await runCli(['status', '-c', config, '--json'], { env });
    if (result.code !== 0) throw new Error(`status exited ${String(result.code)}: ${result.stderr}`);
    return JSON.parse(result.stdout) as StatusJson;
  };

  beforeAll(async () => {
    vision = await VisionOneSimulator.start({ seed: 7 });
    graph = await GraphSimulator.start({ seed: 7 });
    rsyslog = await RsyslogOracle.start({ inputs: [{ protocol: 'tcp' }] });
    dir = await mkdtemp(join(tmpdir(), 'sc-leef-'));
    env = { V1_TOKEN: vision.token, MDI_CLIENT_SECRET: graph.clientSecret };
    config = join(dir, 'config.yaml');
    const v1 = `baseUrl: ${vision.baseUrl}, token: "\${V1_TOKEN}", companyId: ${COMPANY_ID}, since: 24h, pollInterval: 1s`;
    await writeFile(
      config,
      [
        'instance: qradar-feed.example.com',
        'stateDir: ./state',
        'sources:',
        `  workbench: { type: vision-one-workbench, ${v1} }`,
        `  oat: { type: vision-one-oat, ${v1} }`,
        `  audit: { type: vision-one-audit, ${v1} }`,
        '  mdi:',
        '    type: microsoft-defender-identity',
        `    tenantId: ${graph.tenantId}`,
        `    clientId: ${graph.clientId}`,
        '    clientSecret: ${MDI_CLIENT_SECRET}',
        `    authorityHost: ${graph.baseUrl}`,
        `    graphHost: ${graph.baseUrl}`,
        '    since: 24h',
        '    pollInterval: 1s',
        'destinations:',
        '  qradar:',
        '    protocol: tcp',
        '    address: 127.0.0.1',
        `    port: ${rsyslog.ports[0]}`,
        '    format: leef',
        '    leef: { prefix: rfc3164 }',
        '',
      ].join('\n'),
    );
    const now = Date.now();
    const spread = { from: now - 3_600_000, to: now - 60_000 };
    alertIds = vision.addWorkbenchAlerts(6, spread).map((a) => a.id);
    vision.addOatDetections(6, spread);
    vision.addAuditLogs(4, spread);
    graph.addAlerts(4, spread);
    graph.addHealthIssues(1, spread);

    const daemon = startConnector(config, [], env);
    let stopped: number | null = null;
    try {
      // Every source has polled past its items and the destination has nothing left to send.
      const deadline = Date.now() + 30_000;
      for (;;) {
        const status = await readStatus().catch(() => undefined);
        const stored = status?.sources.reduce((n, s) => n + s.stored, 0) ?? 0;
        const polled = status?.sources.every((s) => s.polls >= 2) ?? false;
        if (polled && stored > 0 && status?.destinations[0]?.lag === 0 && status.destinations[0].delivered === stored) break;
        if (Date.now() > deadline) throw new Error(`the daemon did not deliver everything: ${JSON.stringify(status)}\n${daemon.logs()}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } finally {
      stopped = await daemon.stop();
    }
    expect(stopped, daemon.logs()).toBe(0);
    const delivered = (await readStatus()).destinations[0]?.delivered ?? 0;
    received = await rsyslog.received(delivered, 15_000);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([vision?.stop(), graph?.stop(), rsyslog?.stop()]);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('rsyslog parses every envelope and the kit reads every LEEF line, for each vendor and data type', () => {
    const leef = received.map((record) => {
      // RFC 3164: the domain is dropped from HOSTNAME, and rsyslog reads `LEEF:` as the TAG.
      expect([record.hostname, record.appName, record.procId]).toEqual(['qradar-feed', 'LEEF', null]);
      const fields = parseLeef(leefLineOf(record.msg, 'LEEF:'));
      expect(fields).toMatchObject({ version: '2.0', delimiter: '\t', delimiterField: 'x09' });
      expect(fields.attributes).toMatchObject({ devTimeFormat: 'MMM dd yyyy HH:mm:ss.SSS z' });
      expect(fields.attributes['devTime']).toMatch(/^[A-Z][a-z]{2} \d{2} \d{4} \d{2}:\d{2}:\d{2}\.\d{3} GMT$/);
      expect(Number(fields.attributes['sev'])).toBeGreaterThanOrEqual(1);
      return { pri: record.pri, fields };
    });
    const ids = new Set(leef.map((l) => l.fields.eventId));
    for (const id of ['900001', '900002']) expect(ids).toContain(id);
    expect([...ids].some((id) => id === '900003' || id === '900004')).toBe(true);
    const mdi = leef.filter((l) => l.fields.vendor === 'Microsoft');
    expect(mdi.length).toBeGreaterThanOrEqual(5);
    // MDI's own PRI: facility auth (4), as its syslog sends it (FACTS §C.5).
    for (const l of mdi) expect(l.pri >> 3).toBe(4);
    // Each workbench alert arrived once, with Trend's company ID as a custom key.
    const workbench = leef.filter((l) => l.fields.eventId === '900001');
    expect(workbench.map((l) => l.fields.attributes['externalId']).sort()).toEqual([...alertIds].sort());
    for (const l of workbench) expect(l.fields.attributes).toMatchObject({ TrendMicroV1CompanyID: COMPANY_ID, name: 'Trend Vision One Workbench Alert' });
  });

  const v1Target = (data: string) => `Vision One ${data} at ${vision.baseUrl} (company ${COMPANY_ID})`;
  const mdiTarget = () => `Microsoft Defender for Identity via Microsoft Graph at ${graph.baseUrl} (tenant ${graph.tenantId})`;
  const secrets = () => [vision.token, graph.clientSecret];

  it('validate prints what each plugin reads from and sends to, without connecting', async () => {
    const before = vision.requests.length;
    const result = await runCli(['validate', '-c', config], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`  destinations: qradar (tcp 127.0.0.1:${rsyslog.ports[0]}, leef)\n`);
    expect(result.stdout).toContain(`  workbench reads ${v1Target('workbench alerts')}\n`);
    expect(result.stdout).toContain(`  oat reads ${v1Target('OAT detections')}\n`);
    expect(result.stdout).toContain(`  audit reads ${v1Target('audit logs')}\n`);
    expect(result.stdout).toContain(`  mdi reads ${mdiTarget()}\n`);
    expect(result.stdout).toContain(`  qradar sends to tcp 127.0.0.1:${rsyslog.ports[0]}\n`);
    expect(vision.requests.length).toBe(before);
    for (const secret of secrets()) expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it('test-connection names each target as the plugin describes it', async () => {
    const result = await runCli(['test-connection', '-c', config, '--json'], { env, timeoutMs: 30_000 });
    const report = JSON.parse(result.stdout) as { sources: Array<{ source: string; target: string }>; destinations: Array<{ destination: string; target: string }> };
    expect(Object.fromEntries(report.sources.map((s) => [s.source, s.target]))).toEqual({
      workbench: v1Target('workbench alerts'),
      oat: v1Target('OAT detections'),
      audit: v1Target('audit logs'),
      mdi: mdiTarget(),
    });
    expect(report.destinations).toEqual([expect.objectContaining({ destination: 'qradar', target: `tcp 127.0.0.1:${rsyslog.ports[0]}` })]);
    const text = await runCli(['test-connection', '-c', config, '-s', 'mdi'], { env, timeoutMs: 30_000 });
    expect(text.stdout).toMatch(new RegExp(`^mdi: ${mdiTarget().replace(/[.()]/g, '\\$&')} \\(source\\)$`, 'm'));
    for (const secret of secrets()) expect(result.stdout + text.stdout).not.toContain(secret);
  }, 60_000);

  it('status shows each target, in text and JSON', async () => {
    const json = await runCli(['status', '-c', config, '--json'], { env });
    const status = JSON.parse(json.stdout) as { sources: Array<{ source: string; target?: string }>; destinations: Array<{ destination: string; target?: string; delivered: number }> };
    expect(Object.fromEntries(status.sources.map((s) => [s.source, s.target]))).toEqual({
      workbench: v1Target('workbench alerts'),
      oat: v1Target('OAT detections'),
      audit: v1Target('audit logs'),
      mdi: mdiTarget(),
    });
    expect(status.destinations).toEqual([expect.objectContaining({ destination: 'qradar', target: `tcp 127.0.0.1:${rsyslog.ports[0]}`, delivered: received.length })]);
    const text = await runCli(['status', '-c', config], { env });
    expect(text.stdout).toMatch(new RegExp(`^  qradar: delivered ${received.length}, .*\\n    sends to tcp 127\\.0\\.0\\.1:${rsyslog.ports[0]}$`, 'm'));
    expect(text.stdout).toMatch(/^ {2}mdi: last poll .*\n {4}reads Microsoft Defender for Identity via Microsoft Graph at /m);
    for (const secret of secrets()) expect(json.stdout + text.stdout).not.toContain(secret);
  });
});

describe('syslog-connector demo --format leef', () => {
  it("sends the demo's Trend and MDI events as LEEF, and refuses a format that does not exist", async () => {
    const result = await runCli(['demo', '--duration', '8s', '--format', 'leef'], { timeoutMs: 40_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('format leef; octet-counting');
    const lines = result.stdout.trim().split('\n').map((line) => parseLeef(leefLineOf(line)));
    expect(lines.some((l) => l.vendor === 'Trend Micro' && l.eventId === '900001')).toBe(true);
    expect(lines.some((l) => l.vendor === 'Microsoft')).toBe(true);
    const wrong = await runCli(['demo', '--duration', '1s', '--format', 'gelf'], { timeoutMs: 20_000 });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('demo config: destinations.trend-siem.format: "gelf" is not one of cef, leef, rfc5424, rfc3164');
  }, 60_000);
});
