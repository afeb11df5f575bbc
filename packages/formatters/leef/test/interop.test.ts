import type { JsonValue, SecurityEvent } from '@syslog-connector/core';
import { mdiAlertCefRecord, mdiHealthIssueCefRecord, readMdiAlert, readMdiHealthIssue } from '@syslog-connector/source-microsoft-defender-identity';
import {
  FORMATTER_TEST_HOST,
  GraphSimulator,
  RsyslogOracle,
  expectedPri,
  formatterMaker,
  interopEvents,
  leefLineOf,
  oracleRoundTrip,
  parseLeef,
  requireOracle,
  useOracle,
} from '@syslog-connector/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { LeefFormatter, leefOptions } from '../src/index.js';
import { expectedLeefFields } from './expected-leef-fields.js';

/*
 * Interop: LEEF lines for the demo's kinds of events go over TCP to a real rsyslog, which parses the syslog
 * envelope (PRI, TIMESTAMP, HOSTNAME, APP-NAME / TAG, MSGID, MSG); the test kit's LEEF reader, written from IBM's
 * spec, reads every header field and attribute back from the MSG rsyslog stored. Debian's rsyslog has no LEEF
 * parser, so the LEEF part is the kit's. Events: the vendor samples, the hostile corpus and 300 Vision One
 * simulator events mapped as the sources map them, plus the Graph simulator's MDI alerts and health issues mapped
 * by the MDI source's own mapping — one daemon start, each option set sends them all.
 */

const makeFormatter = formatterMaker(leefOptions, LeefFormatter);

/** The Graph simulator's items (as `syslog-connector demo` serves them) mapped as `MdiSource` maps them. */
const mdiEvents = async (): Promise<SecurityEvent[]> => {
  const graph = await GraphSimulator.start({ seed: 7 });
  try {
    const from = Date.parse('2026-01-01T00:00:00Z');
    const alerts = graph.addAlerts(40, { from, to: from + 3_600_000 }).map((alert) => {
      const raw = alert as unknown as JsonValue;
      const fields = readMdiAlert(raw);
      return { key: fields.id ?? 'x', source: 'mdi', type: 'mdi-alert', time: fields.createdMs ?? from, raw, record: mdiAlertCefRecord(fields, 'new') };
    });
    const issues = graph.addHealthIssues(5, { from, to: from + 3_600_000 }).map((issue) => {
      const raw = issue as unknown as JsonValue;
      const fields = readMdiHealthIssue(raw);
      return { key: `health:${fields.id ?? 'x'}`, source: 'mdi', type: 'mdi-health-issue', time: fields.createdMs ?? from, raw, record: mdiHealthIssueCefRecord(fields) };
    });
    return [...alerts, ...issues];
  } finally {
    await graph.stop();
  }
};

const OPTION_SETS: ReadonlyArray<readonly [Record<string, unknown>, string, string]> = [
  [{}, '\t', 'x09'],
  [{ prefix: 'rfc5424', appName: 'xdr-forwarder', facility: 'local4' }, '\t', 'x09'],
  [{ delimiter: '^' }, '^', '^'],
];

describe.skipIf(requireOracle('rsyslog'))('LEEF behind a syslog prefix as rsyslog parses it, read back by the kit', () => {
  const oracle = useOracle(() => RsyslogOracle.start({ inputs: [{ protocol: 'tcp' }] }));
  let events: SecurityEvent[];
  beforeAll(async () => {
    events = [...interopEvents(), ...(await mdiEvents())];
  });

  it.each(OPTION_SETS)('reads every field back as sent with options %j', async (options, delimiter, field) => {
    const { parsed, messages, received } = await oracleRoundTrip(oracle(), makeFormatter, options, events);
    expect(events.some((e) => e.record.vendor === 'Microsoft') && events.some((e) => e.record.signatureId === '900002')).toBe(true);
    received.forEach((record, i) => {
      const event = events[i] as SecurityEvent;
      const rfc5424 = parsed.prefix === 'rfc5424';
      const iso = new Date(event.time).toISOString();
      // The envelope, as rsyslog parsed it: RFC 3164 reads `LEEF:` as the TAG, so MSG starts at `2.0|`.
      expect([record.pri, record.hostname, record.appName, record.procId]).toEqual([
        expectedPri(parsed.facility, event.record),
        rfc5424 ? FORMATTER_TEST_HOST.instance : 'sensor-01',
        rfc5424 ? 'xdr-forwarder' : 'LEEF',
        null,
      ]);
      if (rfc5424) expect(record.timestamp).toBe(iso);
      else expect(record.timestamp.slice(5, 19)).toBe(`${iso.slice(5, 10)}T${iso.slice(11, 19)}`);
      const line = leefLineOf(record.msg, rfc5424 ? '' : 'LEEF:');
      expect(line).toBe(leefLineOf(messages[i] as string));
      expect(parseLeef(line)).toEqual(expectedLeefFields(event, delimiter, field));
    });
  });
});
