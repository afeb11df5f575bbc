import type { SecurityEvent } from '@syslog-connector/core';

/**
 * Golden inputs for formatter tests: the vendors' documented samples as the sources map them. Trend publishes no
 * sample lines, so its two are the illustrative lines of FACTS §A.5 built from Trend's mapping tables (§A.3,
 * §A.4); Microsoft's is the MDI security-alert sample of FACTS §C.2 / §C.5 (`LdapBruteForceSecurityAlert`), with
 * the parts the documentation elides (`…`) filled in.
 */

const TREND_COMPANY_ID = '3f9c2a61-5b7e-4d0a-9c1e-8a2b6d4f0e17';

/** FACTS §A.5, first line: a Workbench alert (CEF 900001). The URL in `cs1` carries `=`, which CEF writes as `\=`. */
export const TREND_WORKBENCH_ALERT_SAMPLE: SecurityEvent = {
  key: 'WB-9002-20210519-00014',
  source: 'workbench',
  type: 'workbench-alert',
  // 2022-12-05T05:26:45.000Z
  time: 1_670_218_005_000,
  raw: {
    id: 'WB-9002-20210519-00014',
    model: 'Possible APT Attack',
    severity: 'high',
    alertProvider: 'SAE',
    createdDateTime: '2022-12-05T05:26:45Z',
    workbenchLink: 'https://portal.xdr.trendmicro.com/index.html#/workbench?workbenchId=WB-9002-20210519-00014&ref=0c4a1d',
    description: 'A possible APT attack was detected on 2 endpoints.',
  },
  record: {
    vendor: 'Trend Micro',
    product: 'Trend Vision One',
    version: '1.0.0',
    signatureId: '900001',
    name: 'Trend Vision One Workbench Alert',
    severity: 7,
    extensions: [
      ['externalId', 'WB-9002-20210519-00014'],
      ['cat', 'Possible APT Attack'],
      ['cn1Label', 'Impact Scope Count'],
      ['cn1', 1],
      ['cs1Label', 'Workbench link'],
      ['cs1', 'https://portal.xdr.trendmicro.com/index.html#/workbench?workbenchId=WB-9002-20210519-00014&ref=0c4a1d'],
      ['msg', 'A possible APT attack was detected on 2 endpoints.'],
      // Trend's table: `rt` = `Dec 05 2022 05:26:45` (FACTS §A.4).
      ['rt', { epochMs: 1_670_218_005_000, ticks: 0, form: 'cef-date-seconds' }],
      ['sourceServiceName', 'SAE'],
      ['TrendMicroV1CompanyID', TREND_COMPANY_ID],
    ],
  },
};

/** FACTS §A.5, second line: an account audit log (CEF 900003), whose `msg` is the details as JSON. */
export const TREND_ACCOUNT_AUDIT_SAMPLE: SecurityEvent = {
  key: 'audit-2024-09-23T17:18:42Z-1',
  source: 'audit',
  type: 'audit-log',
  // 2024-09-23T17:18:42.000Z
  time: 1_727_111_922_000,
  raw: {
    loggedDateTime: '2024-09-23T17:18:42Z',
    loggedUser: 'Root account',
    loggedRole: 'Master Administrator',
    accessType: 'Console',
    category: 'Sign in and sign out',
    activity: 'Sign in',
    result: 'Successful',
    details: { 'IP address': '10.1.1.1' },
  },
  record: {
    vendor: 'Trend Micro',
    product: 'Trend Vision One',
    version: '1.0.0',
    signatureId: '900003',
    name: 'Trend Vision One Account Audit Log',
    severity: 2,
    extensions: [
      ['cat', 'Sign in and sign out'],
      ['cs1Label', 'Account'],
      ['cs1', 'Root account'],
      ['cs2Label', 'Role'],
      ['cs2', 'Master Administrator'],
      ['cs3Label', 'Activity'],
      ['cs3', 'Sign in'],
      ['cn1Label', 'Result'],
      ['cn1', 1],
      ['cn2Label', 'Source'],
      ['cn2', 0],
      ['msg', '{"IP address": "10.1.1.1"}'],
      // Trend's table: `rt` = `2024-09-23T17:18:42Z` (FACTS §A.4).
      ['rt', { epochMs: 1_727_111_922_000, ticks: 0, form: 'iso8601-seconds' }],
      ['TrendMicroV1CompanyID', TREND_COMPANY_ID],
    ],
  },
};

/**
 * FACTS §C.2 / §C.5: Microsoft Defender for Identity's LDAP brute-force alert (externalId 2004, severity 5 =
 * Medium), with MDI's PRI (auth.warning) and RFC 5424 form declared. `start` keeps Microsoft's 7 fraction digits
 * (`2018-02-21T14:19:41.7422810Z`, .NET's round-trip form); `msg` holds a real CRLF, which MDI writes as `\r\n`. The alert URL is plain: MDI's `https\://` is not a
 * CEF escape, and no source should put the backslash into the value.
 */
export const MDI_SECURITY_ALERT_SAMPLE: SecurityEvent = {
  key: 'aa9d3b7e-2c1f-4e5a-a1b2-c3d4e5f60718',
  source: 'mdi',
  type: 'mdi-security-alert',
  // 2018-02-21T14:19:27.540Z
  time: 1_519_222_767_540,
  raw: {
    id: 'aa9d3b7e-2c1f-4e5a-a1b2-c3d4e5f60718',
    alertType: 'LdapBruteForceSecurityAlert',
    externalId: '2004',
    title: 'Brute force attack using LDAP simple bind',
    severity: 'Medium',
    startTime: '2018-02-21T14:19:41.7422810Z',
  },
  record: {
    vendor: 'Microsoft',
    product: 'Azure ATP',
    version: '2.22.4228.22540',
    signatureId: 'LdapBruteForceSecurityAlert',
    name: 'Brute force attack using LDAP simple bind',
    severity: 5,
    extensions: [
      // 2018-02-21T14:19:41.742Z and 2810 ticks of 100 ns.
      ['start', { epochMs: 1_519_222_781_742, ticks: 2810, form: 'iso8601-ticks' }],
      ['app', 'Ldap'],
      ['suser', 'Ben Wallace'],
      ['shost', 'CLIENT1'],
      ['msg', 'Ben Wallace made 100 failed LDAP simple bind attempts from CLIENT1.\r\nThe attempts targeted 100 accounts.'],
      ['cnt', 100],
      ['externalId', '2004'],
      ['cs1Label', 'url'],
      ['cs1', 'https://security.microsoft.com/alerts/aa9d3b7e-2c1f-4e5a-a1b2-c3d4e5f60718'],
      ['cs2Label', 'trigger'],
      ['cs2', 'update'],
      ['cs3Label', 'shostfqdn'],
      ['cs3', 'client1.contoso.com'],
    ],
    // FACTS §C.5: MDI's samples are Auth.Warning for severity 5, in its own RFC 5424 form.
    syslog: { facility: 'auth', severity: 4, rfc5424: 'mdi' },
  },
};

/** The three samples, for suites that run every one. */
export const FORMATTER_SAMPLE_EVENTS: readonly SecurityEvent[] = [
  TREND_WORKBENCH_ALERT_SAMPLE,
  TREND_ACCOUNT_AUDIT_SAMPLE,
  MDI_SECURITY_ALERT_SAMPLE,
];
