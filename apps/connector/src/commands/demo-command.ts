import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphSimulator, SyslogReceiver, VisionOneSimulator } from '@syslog-connector/simulators';
import { validateDocument } from '../config/load-connector-config.js';
import { Connector } from '../connector.js';
import { createLogger } from '../logger.js';
import { type CommandIo, EXIT } from './command-context.js';
import { openJournal } from './open-journal.js';

export interface DemoOptions {
  /** Stop by itself after this many milliseconds; default: until Ctrl-C. */
  readonly durationMs?: number;
  /** Print received lines (default true). */
  readonly quiet?: boolean;
  /** Send every event in this format (`cef`, `leef`, `rfc5424`, `rfc3164`); default: Trend as CEF, MDI as RFC 5424. */
  readonly format?: string;
}

/**
 * `syslog-connector demo`: no credentials, no config. Starts the Vision One API simulator and a local syslog
 * receiver on loopback, runs the real connector between them (same code path as `run`: SQLite journal, CEF
 * formatter, TCP transport), prints each line as the receiver gets it and a one-line status.
 */
export const demoCommand = async (io: CommandIo, options: DemoOptions = {}): Promise<number> => {
  const stateDir = await mkdtemp(join(tmpdir(), 'syslog-connector-demo-'));
  const simulator = await VisionOneSimulator.start({ seed: 7 });
  const graph = await GraphSimulator.start({ seed: 7 });
  const receiver = await SyslogReceiver.start({ protocol: 'tcp', framing: 'octet-counting' });
  // Some history for each data type, then a live feed (new items show once past the sources' 10 s safety lag).
  const now = Date.now();
  simulator.addWorkbenchAlerts(6, { from: now - 3_600_000, to: now - 60_000 });
  simulator.addOatDetections(6, { from: now - 3_600_000, to: now - 60_000 });
  simulator.addAuditLogs(4, { from: now - 3_600_000, to: now - 60_000 });
  simulator.startDemoFeed(1_500);
  graph.addAlerts(4, { from: now - 3_600_000, to: now - 60_000 });
  graph.addHealthIssues(1, { from: now - 3_600_000, to: now - 60_000 });
  graph.startDemoFeed(3_000);
  let received = 0;
  receiver.onMessage((message) => {
    received += 1;
    if (!options.quiet) io.stdout.write(`${message.raw}\n`);
  });
  // A made-up Vision One company ID, sent as TrendMicroV1CompanyID on every Trend event, as Trend's connector does.
  const companyId = '3f9c2a61-5b7e-4d0a-9c1e-8a2b6d4f0e17';
  const document = {
    instance: 'demo-connector',
    stateDir,
    sources: {
      workbench: { type: 'vision-one-workbench', baseUrl: simulator.baseUrl, token: simulator.token, companyId, since: '24h', pollInterval: '2s' },
      oat: { type: 'vision-one-oat', baseUrl: simulator.baseUrl, token: simulator.token, companyId, since: '24h', pollInterval: '2s', riskLevels: ['critical', 'high', 'medium'] },
      mdi: {
        type: 'microsoft-defender-identity',
        tenantId: graph.tenantId,
        clientId: graph.clientId,
        clientSecret: graph.clientSecret,
        authorityHost: graph.baseUrl,
        graphHost: graph.baseUrl,
        since: '24h',
        pollInterval: '2s',
      },
      audit: { type: 'vision-one-audit', baseUrl: simulator.baseUrl, token: simulator.token, companyId, since: '24h', pollInterval: '2s', logTypes: ['account', 'system'] },
    },
    destinations: {
      // Trend's data as CEF with a BSD prefix (the Trend connector's shape), MDI's in RFC 5424: each event in its
      // vendor's own form with no formatter option (MDI's: APP-NAME CEF, auth PRI, BOM, `0|Microsoft|…`).
      // `--format` sends both in one format instead (e.g. `leef` for QRadar).
      'trend-siem': { protocol: 'tcp', address: '127.0.0.1', port: receiver.port, format: options.format ?? 'cef', sources: ['workbench', 'oat', 'audit'] },
      'mdi-siem': { protocol: 'tcp', address: '127.0.0.1', port: receiver.port, format: options.format ?? 'rfc5424', sources: ['mdi'] },
    },
  };
  const loaded = await validateDocument(document, process.cwd(), {});
  if (!loaded.ok) {
    for (const issue of loaded.issues) io.stderr.write(`demo config: ${issue.path}: ${issue.message}\n`);
    await Promise.all([simulator.stop(), graph.stop(), receiver.stop()]);
    return EXIT.failed;
  }
  const store = await openJournal(loaded.config);
  const connector = await Connector.start({
    config: loaded.config,
    registry: loaded.registry,
    logger: createLogger('warn', io.stderr),
    journal: store.journal,
    state: store.state,
  });
  io.stderr.write(
    `Demo: Vision One simulator ${simulator.baseUrl} + Microsoft Graph simulator ${graph.baseUrl} → syslog-connector → syslog receiver tcp://127.0.0.1:${receiver.port} (${options.format === undefined ? 'Trend as CEF, MDI as RFC 5424' : `format ${options.format}`}; octet-counting). Ctrl-C to stop.\n`,
  );
  const printStatus = async () => {
    const status = await connector.status();
    const fetched = status.sources.reduce((n, s) => n + s.stored, 0);
    const delivered = status.destinations.reduce((n, d) => n + d.delivered, 0);
    const lag = status.destinations.reduce((n, d) => n + d.lag, 0);
    io.stderr.write(`status: fetched ${fetched} · delivered ${delivered} · lag ${lag} · received ${received}\n`);
  };
  const statusTimer = setInterval(() => void printStatus(), 2_000);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
    if (options.durationMs !== undefined) setTimeout(resolve, options.durationMs);
  });
  clearInterval(statusTimer);
  simulator.stopDemoFeed();
  graph.stopDemoFeed();
  await connector.stop();
  await printStatus();
  await store.journal.close();
  await Promise.all([simulator.stop(), graph.stop(), receiver.stop()]);
  await rm(stateDir, { recursive: true, force: true });
  io.stderr.write('Demo stopped.\n');
  return EXIT.ok;
};
