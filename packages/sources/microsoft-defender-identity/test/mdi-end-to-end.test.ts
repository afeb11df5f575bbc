import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configPlace, systemClock, type Formatter } from '@syslog-connector/core';
import { DestinationRunner, SourceRunner } from '@syslog-connector/core/engine';
import { rfc3164Options, Rfc3164Formatter } from '@syslog-connector/format-rfc3164';
import { rfc5424Options, Rfc5424Formatter } from '@syslog-connector/format-rfc5424';
import { SqliteJournal } from '@syslog-connector/store-sqlite';
import { ManualClock, parseCef, SyslogReceiver, RecordingLogger, type LogRecord, RecordingMetrics } from '@syslog-connector/testing';
import { tcpOptions, TcpTransport } from '@syslog-connector/transport-tcp';
import { afterEach, describe, expect, it } from 'vitest';
import { mdiOptions } from '../src/mdi-options.js';
import { MdiSource } from '../src/mdi-source.js';
import { GraphSimulator } from '@syslog-connector/testing';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const MINUTE = 60_000;
const ID = 'mdi';
const SECRET = 'e2e~Q8f.sEcReT-value_42';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

/**
 * The whole path, twice over a restart: Graph simulator → MdiSource → SQLite journal → formatter → TCP → receiver.
 * Between the two runs the source and the journal are closed and opened again, as a daemon restart would.
 */
const scenario = async (formatter: Formatter, notifications?: readonly string[]) => {
  const clock = new ManualClock(NOW);
  const graph = await GraphSimulator.start({ clock, clientSecret: SECRET, pageSize: 2, seed: 3, hostileRatio: 0 });
  const receiver = await SyslogReceiver.start({ protocol: 'tcp' });
  const dir = await mkdtemp(join(tmpdir(), 'mdi-e2e-'));
  cleanup.push(() => graph.stop(), () => receiver.stop(), () => rm(dir, { recursive: true, force: true }));
  const logs: LogRecord[] = [];
  const logger = new RecordingLogger(logs);
  const options = mdiOptions.parse({
    tenantId: graph.tenantId,
    clientId: graph.clientId,
    clientSecret: SECRET,
    authorityHost: graph.baseUrl,
    graphHost: graph.baseUrl,
    since: '2h',
    ...(notifications === undefined ? {} : { notifications }),
  });
  const run = async () => {
    const journal = await SqliteJournal.open({ path: join(dir, 'journal.db') });
    const transport = new TcpTransport(configPlace('destinations', 'siem', process.cwd()), tcpOptions.parse({ address: '127.0.0.1', port: receiver.port }), { logger, clock: systemClock });
    const source = new MdiSource(configPlace('sources', ID, process.cwd()), options, { kind: 'secret', secret: SECRET }, { clock, logger });
    await new SourceRunner(ID, source, journal, clock, logger, () => {}).pollOnce(AbortSignal.timeout(10_000));
    const destination = new DestinationRunner('siem', formatter, transport, journal, clock, logger, { batchSize: 100, sources: undefined, maxRetryDelayMs: 1_000 });
    while ((await destination.deliverOnce(AbortSignal.timeout(10_000))) > 0);
    await source.close();
    await transport.close();
    await journal.close();
  };

  // Before the first run: 3 alerts and a health issue in the last hour.
  const alerts = graph.addAlerts(3, { from: NOW - 50 * MINUTE, to: NOW - 10 * MINUTE });
  const [issue] = graph.addHealthIssues(1, { from: NOW - 20 * MINUTE, to: NOW - 20 * MINUTE });
  await run();
  const first = receiver.messages.length;

  // While stopped: one alert is updated, a new one arrives.
  clock.advance(5 * MINUTE);
  graph.updateAlerts([alerts[1]?.id ?? ''], NOW + 2 * MINUTE);
  const [late] = graph.addAlerts(1, { from: NOW + 3 * MINUTE, to: NOW + 3 * MINUTE });
  await run();

  const cefs = receiver.messages.map((m) => {
    const raw = m.raw;
    const body = raw.slice(raw.indexOf('0|Microsoft|') === -1 ? 0 : raw.indexOf('0|Microsoft|'));
    return parseCef(body.startsWith('CEF:') ? body : `CEF:${body}`);
  });
  const summary = cefs.map((c) => `${c.extensions.cs2 ?? 'health'} ${c.extensions.externalId ?? ''} ${c.signatureId}`);
  return { graph, receiver, alerts, issue, late, first, summary, cefs, logs };
};

describe('MDI end to end over a restart', () => {
  it('delivers new alerts, the update and the health issue once each, in MDI RFC 5424 form with no option set', async () => {
    const metrics = new RecordingMetrics();
    const formatter = new Rfc5424Formatter(rfc5424Options.parse({}), { host: { instance: 'sensor-01', hostname: 'box' }, metrics });
    const { receiver, alerts, first, summary, cefs, logs } = await scenario(formatter);

    expect(first).toBe(4);
    expect(receiver.messages.length).toBe(6);
    // Each line once: the second run re-read the overlap and the first window's pages, and the journal dropped them.
    expect(new Set(receiver.messages.map((m) => m.raw)).size).toBe(6);
    const kinds = summary.map((s) => s.split(' ')[0]);
    expect(kinds.filter((k) => k === 'new').length).toBe(4);
    expect(kinds.filter((k) => k === 'update').length).toBe(1);
    expect(kinds.filter((k) => k === 'health').length).toBe(1);

    // FACTS §C.5: `<PRI>1 TIMESTAMP SENSOR CEF PROCID MSGID BOM0|Microsoft|Azure ATP|…`, MSGID = type cut to 32; the
    // record declares MDI's form and PRI (Auth.Error for CEF 10, else Auth.Warning), PROCID is our process id.
    const updated = alerts[1];
    const updateLine = receiver.messages.find((m) => m.raw.includes('cs2=update'))?.raw ?? '';
    const cef = cefs.find((c) => c.extensions.cs2 === 'update');
    const prefix = `<${4 * 8 + (cef?.severity === '10' ? 3 : 4)}>1 2026-03-01T12:02:00.000000+00:00 sensor-01 CEF ${process.pid} ${(cef?.signatureId ?? '').slice(0, 32)} \uFEFF0|Microsoft|Azure ATP|graph-v1.0|${cef?.signatureId ?? ''}|${updated?.title ?? ''}|`;
    expect(updateLine.startsWith(prefix)).toBe(true);
    // MDI's `start`: Graph's firstActivityDateTime as written, 7 fraction digits (.NET round-trip form).
    expect(cef?.extensions.start).toBe(updated?.firstActivityDateTime);
    expect(cef?.extensions.start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
    expect(cef?.extensions.cs1).toBe(updated?.alertWebUrl);
    expect(cef?.extensions.cs2Label).toBe('trigger');
    expect(cef?.extensions.msg).toBe(updated?.description);
    expect(cef?.extensions.cs3).toBe(updated?.evidence.find((e) => 'deviceDnsName' in e && true)?.['deviceDnsName' as never]);

    const health = receiver.messages.find((m) => m.raw.includes('MonitoringAlert'))?.raw ?? '';
    // PRI = auth (4) × 8 + Warning (4) for CEF 3 and 5, Error (3) for CEF 10: the alerts' envelope (README).
    expect(health).toMatch(/^<(?:36|35)>1 2026-03-01T11:40:00\.000000\+00:00 sensor-01 CEF \d+ \S{1,32} \uFEFF0\|Microsoft\|Azure ATP\|graph-v1\.0\|(\w+MonitoringAlert)\|\1\|(3|5|10)\|externalId=\d{4} cs1Label=url cs1=https:\/\/security\.microsoft\.com\/identities\/health-issues msg=/);
    // The secret and the access token appear in no log line.
    expect(JSON.stringify(logs)).not.toContain(SECRET);
    expect(JSON.stringify(logs)).not.toContain('eyJ0eXAiOiJKV1QifQ.sim.');
  });

  it('delivers the same notifications as RFC 3164 with the CEF tag and MDI\'s PRI, with no option set, each once', async () => {
    const formatter = new Rfc3164Formatter(rfc3164Options.parse({}), { host: { instance: 'sensor-01', hostname: 'box' }, metrics: new RecordingMetrics() });
    const { receiver, late, summary } = await scenario(formatter);
    expect(receiver.messages.length).toBe(6);
    expect(new Set(receiver.messages.map((m) => m.raw)).size).toBe(6);
    // FACTS §C.5: `<PRI>Mmm dd hh:mm:ss SENSOR CEF:0|Microsoft|Azure ATP|…`.
    const lateLine = receiver.messages.find((m) => m.raw.includes(late?.id ?? '?'))?.raw ?? '';
    expect(lateLine).toMatch(/^<(?:36|35)>Mar {2}1 12:03:00 sensor-01 CEF:0\|Microsoft\|Azure ATP\|graph-v1\.0\|\w+SecurityAlert\|/);
    expect(summary.filter((s) => s.startsWith('update')).length).toBe(1);
  });

  it('honours the selection: updated-alerts only sends the update and nothing else', async () => {
    const formatter = new Rfc3164Formatter(rfc3164Options.parse({}), { host: { instance: 'sensor-01', hostname: 'box' }, metrics: new RecordingMetrics() });
    const { receiver, alerts, first, summary } = await scenario(formatter, ['updated-alerts']);
    expect(first).toBe(0);
    expect(summary.length).toBe(1);
    expect(summary[0]?.startsWith('update')).toBe(true);
    expect(receiver.messages[0]?.raw).toContain(`cs1=${alerts[1]?.alertWebUrl.replaceAll('=', '\\=') ?? ''}`);
  });

  it('honours the selection: health-issues only', async () => {
    const formatter = new Rfc3164Formatter(rfc3164Options.parse({}), { host: { instance: 'sensor-01', hostname: 'box' }, metrics: new RecordingMetrics() });
    const { summary, issue } = await scenario(formatter, ['health-issues']);
    expect(summary).toEqual([`health ${issue?.issueTypeId ?? ''} ${(issue?.displayName ?? '').replace(/[^A-Za-z0-9]+/g, ' ').trim().split(' ').map((w) => w[0]?.toUpperCase() + w.slice(1).toLowerCase()).join('')}MonitoringAlert`]);
  });
});
