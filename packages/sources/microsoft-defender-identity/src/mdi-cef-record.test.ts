import type { JsonValue } from '@syslog-connector/core';
import { describe, expect, it } from 'vitest';
import { mdiAlertCefRecord, mdiHealthIssueCefRecord, readMdiAlert, readMdiHealthIssue } from './mdi-cef-record.js';

// The SIEM log reference's account-enumeration sample (FACTS §C.2), as Graph would carry it.
const alert: JsonValue = {
  id: 'aaeb6a35da-ff7f-4ab5-a1b5-a07529a89e6d_1',
  title: 'Account enumeration reconnaissance',
  description: 'Suspicious account enumeration activity using the Kerberos protocol, originating from CLIENT1, was observed.',
  severity: 'medium',
  detectorId: '7b53c6fd-0b0c-4b2a-9f3c-0d3e2a1b4c5d',
  alertWebUrl: 'https://security.microsoft.com/alerts/aaeb6a35da-ff7f-4ab5-a1b5-a07529a89e6d_1',
  createdDateTime: '2018-02-21T14:19:27.5407310Z',
  lastUpdateDateTime: '2018-02-21T14:30:00.0000000Z',
  firstActivityDateTime: '2018-02-21T14:19:02.6045416Z',
  evidence: [
    { '@odata.type': '#microsoft.graph.security.userEvidence', roles: ['compromised'], userAccount: { accountName: 'LMaldonado', domainName: 'CONTOSO' } },
    { '@odata.type': '#microsoft.graph.security.deviceEvidence', roles: ['destination'], deviceDnsName: 'dc1.contoso.com', hostName: 'DC1' },
    { '@odata.type': '#microsoft.graph.security.deviceEvidence', roles: ['attacker'], deviceDnsName: 'client1.contoso.com', hostName: 'CLIENT1' },
  ],
};

describe('mdiAlertCefRecord', () => {
  it('maps an alert field by field, in the order of the SIEM log reference samples (FACTS §C.2, §C.3)', () => {
    expect(mdiAlertCefRecord(readMdiAlert(alert), 'new')).toEqual({
      vendor: 'Microsoft',
      product: 'Azure ATP',
      version: 'graph-v1.0',
      signatureId: 'AccountEnumerationSecurityAlert',
      name: 'Account enumeration reconnaissance',
      severity: 5,
      extensions: [
        // Graph's 7 digits, all kept: .6045416 = 604 ms + 5416 ticks of 100 ns.
        ['start', { epochMs: Date.parse('2018-02-21T14:19:02.604Z'), ticks: 5416, form: 'iso8601-ticks' }],
        ['shost', 'CLIENT1'],
        ['suser', 'LMaldonado'],
        ['msg', 'Suspicious account enumeration activity using the Kerberos protocol, originating from CLIENT1, was observed.'],
        ['externalId', '2003'],
        ['cs1Label', 'url'],
        ['cs1', 'https://security.microsoft.com/alerts/aaeb6a35da-ff7f-4ab5-a1b5-a07529a89e6d_1'],
        ['cs2Label', 'trigger'],
        ['cs2', 'new'],
        ['cs3Label', 'shostfqdn'],
        ['cs3', 'client1.contoso.com'],
      ],
      // SIEM log reference: a severity-5 sample arrives as Auth.Warning (PRI 36).
      syslog: { facility: 'auth', severity: 4, rfc5424: 'mdi' },
    });
  });

  it("pads Graph's shorter fractions as .NET's round-trip form does, and converts an offset to UTC", () => {
    const start = (firstActivityDateTime: string) => mdiAlertCefRecord(readMdiAlert({ ...(alert as object), firstActivityDateTime }), 'new').extensions[0];
    expect([start('2024-01-02T03:04:05.24Z'), start('2024-01-02T03:04:05Z'), start('2024-01-02T04:04:05.1404016+01:00')]).toEqual([
      ['start', { epochMs: Date.parse('2024-01-02T03:04:05.240Z'), ticks: 0, form: 'iso8601-ticks' }],
      ['start', { epochMs: Date.parse('2024-01-02T03:04:05.000Z'), ticks: 0, form: 'iso8601-ticks' }],
      ['start', { epochMs: Date.parse('2024-01-02T03:04:05.140Z'), ticks: 4016, form: 'iso8601-ticks' }],
    ]);
  });

  it('takes start from createdDateTime when Graph gives no firstActivityDateTime', () => {
    const { firstActivityDateTime: _, ...rest } = alert as { firstActivityDateTime: string };
    expect(mdiAlertCefRecord(readMdiAlert(rest), 'new').extensions[0]).toEqual([
      'start',
      { epochMs: Date.parse('2018-02-21T14:19:27.540Z'), ticks: 7310, form: 'iso8601-ticks' },
    ]);
  });

  it("writes MDI's app for a type bound to one protocol, and none where the protocol varies per alert", () => {
    const app = (title: string) => mdiAlertCefRecord(readMdiAlert({ ...(alert as object), title }), 'new').extensions.find(([k]) => k === 'app');
    expect([app('Suspected Brute Force attack (LDAP)'), app('Data exfiltration over SMB'), app('Account enumeration reconnaissance')]).toEqual([
      ['app', 'Ldap'],
      ['app', 'Smb'],
      undefined,
    ]);
  });

  it('gives High alerts Auth.Error and Low ones Auth.Warning (no Low sample is published: Medium\'s template)', () => {
    const profile = (severity: string) => mdiAlertCefRecord(readMdiAlert({ ...(alert as object), severity }), 'new').syslog;
    expect([profile('high'), profile('low'), profile('informational')]).toEqual([
      { facility: 'auth', severity: 3, rfc5424: 'mdi' },
      { facility: 'auth', severity: 4, rfc5424: 'mdi' },
      { facility: 'auth', severity: 4, rfc5424: 'mdi' },
    ]);
  });

  it("uses the sample's type names for 2030, 2036, 2038 and 2039", () => {
    const type = (title: string) => mdiAlertCefRecord(readMdiAlert({ ...(alert as object), title }), 'new').signatureId;
    expect(['Data exfiltration over SMB', 'Remote code execution over DNS', 'Security principal reconnaissance (LDAP)', 'Suspected NTLM authentication tampering'].map(type)).toEqual([
      'SmbDataExfiltrationSecurityAlert',
      'DnsRemoteCodeExecutionSecurityAlert',
      'LdapSearchReconnaissanceSecurityAlert',
      'AbnormalNtlmSigningSecurityAlert',
    ]);
  });

  it('maps shost and cs3 each from its own deviceEvidence field, never one from the other', () => {
    const devices = [{ '@odata.type': '#microsoft.graph.security.deviceEvidence', roles: ['attacker'], deviceDnsName: 'client1.contoso.com' }];
    const keys = mdiAlertCefRecord(readMdiAlert({ ...(alert as object), evidence: devices }), 'new').extensions.map(([k]) => k);
    expect(keys).toEqual(['start', 'msg', 'externalId', 'cs1Label', 'cs1', 'cs2Label', 'cs2', 'cs3Label', 'cs3']);
  });

  it('finds a legacy name too, and writes cs2=update for an update', () => {
    const record = mdiAlertCefRecord(readMdiAlert({ ...(alert as object), title: 'Brute force attack using LDAP simple bind', severity: 'high' }), 'update');
    expect([record.signatureId, record.severity, record.extensions.find(([k]) => k === 'externalId'), record.extensions.find(([k]) => k === 'cs2')]).toEqual([
      'LdapBruteForceSecurityAlert',
      10,
      ['externalId', '2004'],
      ['cs2', 'update'],
    ]);
  });

  it('sends a type the table lacks with a derived signature id and detectorId as externalId', () => {
    const record = mdiAlertCefRecord(readMdiAlert({ ...(alert as object), title: 'Suspicious Okta account enumeration', severity: 'low' }), 'new');
    expect([record.signatureId, record.severity, record.extensions.find(([k]) => k === 'externalId')]).toEqual([
      'SuspiciousOktaAccountEnumerationSecurityAlert',
      3,
      ['externalId', '7b53c6fd-0b0c-4b2a-9f3c-0d3e2a1b4c5d'],
    ]);
  });

  it('leaves out what an invalid item lacks, labels included', () => {
    expect(mdiAlertCefRecord(readMdiAlert('not an object'), 'new')).toEqual({
      vendor: 'Microsoft',
      product: 'Azure ATP',
      version: 'graph-v1.0',
      signatureId: 'UnknownSecurityAlert',
      name: 'UnknownSecurityAlert',
      severity: 5,
      extensions: [['cs2Label', 'trigger'], ['cs2', 'new']],
      syslog: { facility: 'auth', severity: 4, rfc5424: 'mdi' },
    });
  });
});

describe('mdiHealthIssueCefRecord', () => {
  it('uses the monitoring-alert template (FACTS §C.4)', () => {
    const issue = { id: 'h1', displayName: 'Sensor stopped communicating', description: 'Sensor DC1 stopped communicating.', issueTypeId: '1031', severity: 'medium', createdDateTime: '2026-03-01T11:00:00Z' };
    expect(mdiHealthIssueCefRecord(readMdiHealthIssue(issue))).toEqual({
      vendor: 'Microsoft',
      product: 'Azure ATP',
      version: 'graph-v1.0',
      signatureId: 'SensorStoppedCommunicatingMonitoringAlert',
      name: 'SensorStoppedCommunicatingMonitoringAlert',
      severity: 5,
      extensions: [
        ['externalId', '1031'],
        ['cs1Label', 'url'],
        ['cs1', 'https://security.microsoft.com/identities/health-issues'],
        ['msg', 'Sensor DC1 stopped communicating.'],
      ],
      syslog: { facility: 'auth', severity: 4, rfc5424: 'mdi' },
    });
  });
});
