import { cefTimestampFromIso, type CefExtension, type CefRecord } from '@syslog-connector/core';
import { TREND_AUDIT_TIME_FORM, TREND_CEF_HEADER, trendCompanyIdExtension } from '@syslog-connector/vision-one-client';
import type { AuditLogFields } from './audit-log.js';
import type { AuditLogType } from './audit-options.js';

/** FACTS §A.4: `cn1` Result of an account audit log. */
const RESULT_CODES: Readonly<Record<string, number>> = { Successful: 1, Unsuccessful: 0 };

/**
 * FACTS §A.4: `cn2` Source of an account audit log: 0 Console, 1 API, 6 Service Gateway. Trend documents no other
 * code ([UNCONFIRMED] for Mobile App, Service Provider API / Console), so for those `cn2` is left out rather than
 * guessed; the access type stays in `raw`.
 */
export const AUDIT_SOURCE_CODES: Readonly<Record<string, number>> = { Console: 0, API: 1, 'Service Gateway': 6 };

/**
 * FACTS §A.4: `msg` carries the details as JSON, "truncated if exceeding the maximum length of 1000 characters"
 * (trend-vision-one-cef-account-audit-logs / -system-audit-logs, `msg` row). A cut JSON is no longer valid JSON;
 * that is Trend's documented behaviour, kept.
 */
export const AUDIT_MSG_MAX_CHARS = 1000;

const own = <T>(table: Readonly<Record<string, T>>, key: string | undefined): T | undefined =>
  key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;

/**
 * The details as compact JSON, cut at 1000 code points (never inside a surrogate pair). Trend's two examples space
 * their JSON differently from each other (`{"IP address": "10.1.1.1", "Identifier": {"id":…}}`,
 * `{"Report ID": "…","Report final status": "OK",…}`), so no one rule reproduces them; compact is what
 * JSON.stringify writes, and every JSON reader reads both.
 */
export const auditDetailsMessage = (log: AuditLogFields): string | undefined => {
  if (log.details === undefined) return undefined;
  const json = JSON.stringify(log.details);
  const points = Array.from(json);
  return points.length <= AUDIT_MSG_MAX_CHARS ? json : points.slice(0, AUDIT_MSG_MAX_CHARS).join('');
};

/**
 * Trend's CEF mapping of an audit log (FACTS §A.3 header, §A.4 extensions, §B.7 field sources), in the order of
 * Trend's sample line: account audit 900003, system audit 900004, severity 2 for both. A field the log lacks is
 * left out together with its label. `rt` is loggedDateTime as a `CefTimestamp` in Trend's form for these pages,
 * `2024-09-23T17:18:42Z` (ISO 8601, whole seconds; FACTS §A.4, §E.7); `cn1` / `cn2` stay numbers. No `syslog`
 * profile: Trend documents no PRI for its connector (FACTS §A.6).
 */
export const auditCefRecord = (log: AuditLogFields, logType: AuditLogType, options: { readonly companyId?: string | undefined }): CefRecord => {
  const extensions: CefExtension[] = [];
  if (log.category !== undefined) extensions.push(['cat', log.category]);
  if (logType === 'account') {
    if (log.loggedUser !== undefined) extensions.push(['cs1Label', 'Account'], ['cs1', log.loggedUser]);
    if (log.loggedRole !== undefined) extensions.push(['cs2Label', 'Role'], ['cs2', log.loggedRole]);
    if (log.activity !== undefined) extensions.push(['cs3Label', 'Activity'], ['cs3', log.activity]);
    const result = own(RESULT_CODES, log.result);
    if (result !== undefined) extensions.push(['cn1Label', 'Result'], ['cn1', result]);
    const source = own(AUDIT_SOURCE_CODES, log.accessType);
    if (source !== undefined) extensions.push(['cn2Label', 'Source'], ['cn2', source]);
  } else {
    if (log.activity !== undefined) extensions.push(['cs1Label', 'Activity'], ['cs1', log.activity]);
    // FACTS §A.4: cn1 Timestamp is Unix seconds (`1727107450`).
    if (log.loggedMs !== undefined) extensions.push(['cn1Label', 'Timestamp'], ['cn1', Math.floor(log.loggedMs / 1000)]);
  }
  const msg = auditDetailsMessage(log);
  if (msg !== undefined) extensions.push(['msg', msg]);
  const rt = log.loggedDateTime === undefined ? undefined : cefTimestampFromIso(log.loggedDateTime, TREND_AUDIT_TIME_FORM);
  if (rt !== undefined) extensions.push(['rt', rt]);
  extensions.push(...trendCompanyIdExtension(options.companyId));
  return {
    ...TREND_CEF_HEADER,
    signatureId: logType === 'account' ? '900003' : '900004',
    name: logType === 'account' ? 'Trend Vision One Account Audit Log' : 'Trend Vision One System Audit Log',
    severity: 2,
    extensions,
  };
};
