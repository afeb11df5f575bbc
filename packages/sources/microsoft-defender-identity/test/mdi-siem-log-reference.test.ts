import { readFileSync } from 'node:fs';
import type { SecurityEvent } from '@syslog-connector/core';
import { Rfc3164Formatter, rfc3164Options } from '@syslog-connector/format-rfc3164';
import { Rfc5424Formatter, rfc5424Options } from '@syslog-connector/format-rfc5424';
import {
  GraphSimulator,
  ManualClock,
  RecordingLogger,
  RecordingMetrics,
  RsyslogOracle,
  decodeCefWithLiblognorm,
  isCefFields,
  requireOracle,
  sendToOracle,
  useOracle,
  type CefFields,
} from '@syslog-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mdiOptions } from '../src/mdi-options.js';
import { MdiSource } from '../src/mdi-source.js';
import {
  ATA_HEALTH_DIFFERENCES,
  ATA_HEALTH_ISSUE,
  ATA_HEALTH_SAMPLE,
  MDI_PUBLISHED_SAMPLES,
  type MdiPublishedSample,
} from './fixtures/mdi-siem-log-reference.js';
import { configPlace } from '@syslog-connector/core';

/*
 * Golden tests from what Microsoft publishes (issue #13): every sample alert of MDI's SIEM log reference, as Graph
 * would carry the same alert, read by the real source from a Graph simulator over HTTP and written by the real
 * formatters with no option set. Our line must equal the published one byte for byte, except for the differences
 * the README lists with their reasons: the fixture names each place, and this file substitutes exactly those.
 */

const SECRET = 'golden~Q8f.sEcReT-value_42';
const BOM = '\uFEFF';
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** README "How the samples are read": the docs' collector shows `Auth.Warning` / `Auth.Error` where the PRI was. */
const PRI_OF_DISPLAY: Readonly<Record<string, string>> = { 'Auth.Warning': '<36>', 'Auth.Error': '<35>' };
const DISPLAY_PREFIX = /^\S+ \S+ (Auth\.(?:Warning|Error)) \S+ (?=1 )/;
/** `<PRI>1 TIMESTAMP HOSTNAME CEF PROCID MSGID ` of MDI's RFC 5424 form (FACTS §C.5). */
const MDI_5424_HEADER = /^(<\d+>)1 (\S+) (\S+) CEF (\S+) (\S+) /;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Replaces `from` with `to` in `line`, where `from` must occur exactly once: a stale fixture fails loudly. */
const replaceOnce = (line: string, from: string, to: string): string => {
  expect(line.split(from).length - 1, `"${from}" occurs once`).toBe(1);
  return line.replace(from, () => to);
};

/**
 * The published sample as the bytes MDI's sensor sent (README "How the samples are read"): the collector's display
 * prefix is the PRI (`doc-display-prefix`); the one sample shown without it is Auth.Error like every other
 * severity-10 sample (`doc-no-header`); the BOM and the `0` of `0|Microsoft|`, lost in the page's rendering, are
 * put back (`doc-bom`, FACTS §C.5).
 */
const sentBytes = (published: string): string => {
  const display = DISPLAY_PREFIX.exec(published);
  const line = display === null ? `<35>1 ${published}` : `${PRI_OF_DISPLAY[display[1] as string] as string}${published.slice(display[0].length)}`;
  return line.replace(/ 0?\|Microsoft\|/, ` ${BOM}0|Microsoft|`);
};

/**
 * What we must write for the bytes MDI sent (`sentBytes`): the sample's own differences, then the rows every line has —
 * the device version (`device-version`), `https\:` (`cs1-colon`), and the header's TIMESTAMP (`timestamp`: ours is
 * the event's time to the millisecond, so it equals MDI's with the last three digits zero) and PROCID (`procid`),
 * taken from `ours` once checked.
 */
const expected5424 = (sent: string, differences: MdiPublishedSample['differences'], ours: string): string => {
  let line = sent;
  for (const [from, to] of differences) line = replaceOnce(line, from, to);
  line = line.replace(/\|Azure ATP\|[^|]*\|/, '|Azure ATP|graph-v1.0|');
  line = line.replace('cs1=https\\://', 'cs1=https://');
  const theirs = MDI_5424_HEADER.exec(line);
  const mine = MDI_5424_HEADER.exec(ours);
  expect(theirs, 'the published header').not.toBeNull();
  expect(mine, 'our header').not.toBeNull();
  const [, , theirTime = '', , theirProcId = ''] = theirs ?? [];
  const [, , myTime = '', , myProcId = ''] = mine ?? [];
  expect(myTime).toBe(`${theirTime.slice(0, 23)}000${theirTime.slice(26)}`);
  expect(myProcId).toMatch(/^\d{1,10}$/);
  return line.replace(` ${theirTime} `, ` ${myTime} `).replace(` CEF ${theirProcId} `, ` CEF ${myProcId} `);
};

/** MDI's RFC 3164 form of the same event (FACTS §C.5): `<PRI>Mmm dd HH:MM:SS HOST CEF:0|…`, the day space-padded. */
const expected3164 = (line5424: string, sensor: string): string => {
  const [, pri = '', time = ''] = MDI_5424_HEADER.exec(line5424) ?? [];
  const [, month = '', day = '', hms = ''] = /^\d{4}-(\d\d)-(\d\d)T(\d\d:\d\d:\d\d)/.exec(time) ?? [];
  const bsd = `${MONTHS[Number(month) - 1] ?? ''} ${Number(day) < 10 ? ' ' : ''}${Number(day)} ${hms}`;
  return `${pri}${bsd} ${sensor} CEF:${line5424.slice(line5424.indexOf(BOM) + 1)}`;
};

const graphClock = new ManualClock(Date.parse('2019-08-01T00:00:00Z'));
let graph: GraphSimulator;
const events: SecurityEvent[] = [];

beforeAll(async () => {
  graph = await GraphSimulator.start({ clock: graphClock, clientSecret: SECRET, pageSize: 20 });
  graph.addAlerts(MDI_PUBLISHED_SAMPLES.map((sample) => sample.alert));
  graph.addHealthIssues([ATA_HEALTH_ISSUE]);
  const options = mdiOptions.parse({
    tenantId: graph.tenantId,
    clientId: graph.clientId,
    clientSecret: SECRET,
    authorityHost: graph.baseUrl,
    graphHost: graph.baseUrl,
    since: '2018-01-01T00:00:00Z',
  });
  const source = new MdiSource(configPlace('sources', 'mdi', process.cwd()), options, { kind: 'secret', secret: SECRET }, { clock: graphClock, logger: new RecordingLogger([]) });
  for await (const batch of source.read(undefined, AbortSignal.timeout(10_000))) events.push(...batch.events);
  await source.close();
});
afterAll(() => graph.stop());

/** The event the source made for a sample: its `new` (key = id) or its `update` (key = id@lastUpdateDateTime). */
const eventOf = (sample: MdiPublishedSample): SecurityEvent => {
  const key = sample.trigger === 'new' ? sample.alert.id : `${sample.alert.id}@${sample.alert.lastUpdateDateTime}`;
  const event = events.find((e) => e.key === key);
  if (event === undefined) throw new Error(`the source made no event ${key}`);
  return event;
};
const healthEvent = (): SecurityEvent => {
  const event = events.find((e) => e.key === `health:${ATA_HEALTH_ISSUE.id}`);
  if (event === undefined) throw new Error('the source made no health event');
  return event;
};

// NO options: each event carries MDI's profile, and the formatters honour it unasked (issue #13).
const rfc5424For = (sensor: string) =>
  new Rfc5424Formatter(rfc5424Options.parse({}), { host: { instance: sensor, hostname: 'box' }, metrics: new RecordingMetrics() });
const rfc3164For = (sensor: string) =>
  new Rfc3164Formatter(rfc3164Options.parse({}), { host: { instance: sensor, hostname: 'box' }, metrics: new RecordingMetrics() });

const SAMPLES = MDI_PUBLISHED_SAMPLES.map((sample) => [sample.heading, sample] as const);

describe("MDI's published sample alerts, from Graph's alert, as RFC 5424 with no option", () => {
  it.each(SAMPLES)('%s', (_heading, sample) => {
    const ours = rfc5424For(sample.sensor).format(eventOf(sample));
    expect(ours).toBe(expected5424(sentBytes(sample.published), sample.differences, ours));
  });
});

describe("MDI's published sample alerts, from Graph's alert, as RFC 3164 with no option", () => {
  it.each(SAMPLES)('%s', (_heading, sample) => {
    const event = eventOf(sample);
    const line5424 = rfc5424For(sample.sensor).format(event);
    expect(rfc3164For(sample.sensor).format(event)).toBe(expected3164(expected5424(sentBytes(sample.published), sample.differences, line5424), sample.sensor));
  });
});

describe('a health issue, in the monitoring-alert template MDI inherits from ATA (no MDI sample is published)', () => {
  it('reproduces the ATA sample but for the listed differences, as RFC 5424 and RFC 3164', () => {
    const event = healthEvent();
    const ours = rfc5424For('CENTER').format(event);
    // `health-pri`: ATA's sample shows no PRI; a Medium health issue goes out as Auth.Warning, as a Medium alert.
    const expected = expected5424(`<36>${ATA_HEALTH_SAMPLE}`, ATA_HEALTH_DIFFERENCES, ours);
    expect(ours).toBe(expected);
    expect(rfc3164For('CENTER').format(event)).toBe(expected3164(expected, 'CENTER'));
  });
});

describe('the README lists every difference the golden tests allow, and no other', () => {
  const GLOBAL_IDS = ['timestamp', 'procid', 'device-version', 'cs1-colon', 'doc-display-prefix', 'doc-no-header', 'doc-bom', 'health-pri'];
  const used = new Set([...GLOBAL_IDS, ...MDI_PUBLISHED_SAMPLES.flatMap((s) => s.differences.map(([, , id]) => id)), ...ATA_HEALTH_DIFFERENCES.map(([, , id]) => id)]);
  // Rows of the README's differences table start with the id in backquotes: "| `timestamp` | …".
  const section = README.slice(README.indexOf("## Differences from MDI's published lines"));
  const table = section.slice(0, section.indexOf('\n## ', 1));
  const listed = new Set([...table.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1] as string));
  it('has a row, with its reason, for each', () => {
    expect([...used].filter((id) => !listed.has(id))).toEqual([]);
  });
  it('has no row the tests do not exercise', () => {
    expect([...listed].filter((id) => !used.has(id))).toEqual([]);
  });
});

/** Header fields and CEF as a real parser reads them must be what Graph said, the type and trigger MDI writes. */
const expectReadAsGraphSaid = (sample: MdiPublishedSample, cef: CefFields | undefined) => {
  const alert = sample.alert;
  const user = alert.evidence.find((e) => e['@odata.type'].endsWith('userEvidence'));
  const device = alert.evidence.find((e) => e['@odata.type'].endsWith('deviceEvidence')) as { hostName: string | null; deviceDnsName: string } | undefined;
  expect(cef?.name).toBe(alert.title);
  expect(cef?.extensions.start).toBe(alert.firstActivityDateTime);
  expect(cef?.extensions.msg).toBe(alert.description);
  expect(cef?.extensions.cs1).toBe(alert.alertWebUrl);
  expect(cef?.extensions.cs2).toBe(sample.trigger);
  expect(cef?.extensions.cs3).toBe(device?.deviceDnsName);
  expect(cef?.extensions.shost).toBe(device?.hostName ?? undefined);
  expect(cef?.extensions.suser).toBe(user !== undefined && 'userAccount' in user ? user.userAccount.accountName : undefined);
  expect(cef?.extensions.externalId).toMatch(/^20\d\d$/);
};

describe.skipIf(requireOracle('rsyslog'))('as rsyslog and liblognorm read them', () => {
  const oracle = useOracle(() => RsyslogOracle.start({ inputs: [{ protocol: 'tcp' }], parseCef: true }));

  it('reads our RFC 5424 lines: MDI header fields, and CEF fields equal to what Graph said', async () => {
    const samples = MDI_PUBLISHED_SAMPLES;
    const lines = samples.map((sample) => rfc5424For(sample.sensor).format(eventOf(sample)));
    const received = await sendToOracle(oracle(), lines);
    // MDI's form has no `CEF:` (FACTS §C.5), so rsyslog's CEF rule does not fire; an MDI parser reads `0|…`.
    const decoded = await decodeCefWithLiblognorm(received.map((record) => `CEF:${record.msg.slice(record.msg.startsWith(BOM) ? 1 : 0)}`));
    received.forEach((record, i) => {
      const sample = samples[i] as MdiPublishedSample;
      const severity = sample.alert.severity === 'high' ? 3 : 4;
      expect([record.pri, record.hostname, record.appName, record.procId, record.msgId]).toEqual([
        4 * 8 + severity,
        sample.sensor,
        'CEF',
        String(process.pid),
        eventOf(sample).record.signatureId.slice(0, 32),
      ]);
      const cef = decoded[i];
      expect(isCefFields(cef)).toBe(true);
      expectReadAsGraphSaid(sample, isCefFields(cef) ? cef : undefined);
    });
  });

  it('reads our health line as the template says, RFC 5424 and RFC 3164', async () => {
    const event = healthEvent();
    const received = await sendToOracle(oracle(), [rfc5424For('CENTER').format(event), rfc3164For('CENTER').format(event)]);
    const [mdi5424, mdi3164] = received;
    const [decoded] = await decodeCefWithLiblognorm([`CEF:${mdi5424?.msg.slice(1) ?? ''}`]);
    expect([mdi5424?.pri, mdi5424?.appName, mdi5424?.msgId, mdi3164?.pri, mdi3164?.appName]).toEqual([36, 'CEF', 'GatewayDisconnectedMonitoringAle', 36, 'CEF']);
    for (const cef of [decoded, mdi3164?.cef]) {
      expect(isCefFields(cef) ? [cef.signatureId, cef.name, cef.extensions] : cef).toEqual([
        'GatewayDisconnectedMonitoringAlert',
        'GatewayDisconnectedMonitoringAlert',
        { externalId: ATA_HEALTH_ISSUE.issueTypeId, cs1Label: 'url', cs1: 'https://security.microsoft.com/identities/health-issues', msg: ATA_HEALTH_ISSUE.description },
      ]);
    }
  });

  it('reads our RFC 3164 lines: CEF as the tag, and the same CEF fields', async () => {
    const samples = MDI_PUBLISHED_SAMPLES;
    const received = await sendToOracle(oracle(), samples.map((sample) => rfc3164For(sample.sensor).format(eventOf(sample))));
    received.forEach((record, i) => {
      const sample = samples[i] as MdiPublishedSample;
      expect([record.pri, record.hostname, record.appName]).toEqual([sample.alert.severity === 'high' ? 35 : 36, sample.sensor, 'CEF']);
      expectReadAsGraphSaid(sample, isCefFields(record.cef) ? record.cef : undefined);
    });
  });
});
