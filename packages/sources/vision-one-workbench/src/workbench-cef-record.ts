import { cefTimestampFromIso, type CefExtension, type CefRecord, type Severity } from '@syslog-connector/core';
import { TREND_ALERT_TIME_FORM, TREND_CEF_HEADER, trendCompanyIdExtension } from '@syslog-connector/vision-one-client';
import type { WorkbenchAlertFields } from './workbench-alert.js';

/** FACTS §A.3: workbench severity → CEF severity. Anything else (a new or missing value) is 0 and the alert is reported invalid. */
export const WORKBENCH_SEVERITY: Readonly<Record<string, Severity>> = { low: 3, medium: 5, high: 7, critical: 9 };

/** Which version of an alert an event stands for: its creation, or a later update (`include: [updated]`). */
export type WorkbenchAlertVersion = 'new' | 'updated';

/**
 * Trend's CEF mapping of a workbench alert (FACTS §A.3 header, §A.4 extensions, §B.5 field sources), in Trend's
 * order. A field the alert lacks is left out together with its label. Values are the vendor's text untouched:
 * escaping and length limits are the formatter's job. `rt` is a `CefTimestamp` in Trend's form for this page,
 * `Dec 05 2022 05:26:45` (cef-workbench-logs, `rt` row); `cn1` stays a number. No `syslog` profile: Trend
 * documents no PRI for its connector (FACTS §A.6), so the destination's defaults apply.
 *
 * Where Trend's documentation is silent ([UNCONFIRMED] in FACTS §B.5):
 * - `cn1` (Impact Scope Count) is the sum of the impact-scope counters — desktop, server, account, email address,
 *   container, cloud identity — i.e. the number of impacted entities the console shows, counted once per kind.
 * - `rt` ("workbench complete time") is createdDateTime for a new alert: the moment the detection model completed
 *   the alert, fixed for life, so re-reading an alert always yields the same line. For an update event it is
 *   updatedDateTime, the moment that version was completed.
 * - `msg` is the description, which only SAE alerts carry; TI alerts have no `msg`.
 */
export const workbenchCefRecord = (
  alert: WorkbenchAlertFields,
  options: { readonly version: WorkbenchAlertVersion; readonly companyId?: string | undefined },
): CefRecord => {
  const extensions: CefExtension[] = [];
  if (alert.id !== undefined) extensions.push(['externalId', alert.id]);
  if (alert.model !== undefined) extensions.push(['cat', alert.model]);
  if (alert.impactScopeCount !== undefined) extensions.push(['cn1Label', 'Impact Scope Count'], ['cn1', alert.impactScopeCount]);
  if (alert.workbenchLink !== undefined) extensions.push(['cs1Label', 'Workbench link'], ['cs1', alert.workbenchLink]);
  if (alert.description !== undefined) extensions.push(['msg', alert.description]);
  const rtText = options.version === 'updated' ? alert.updatedDateTime : alert.createdDateTime;
  const rt = rtText === undefined ? undefined : cefTimestampFromIso(rtText, TREND_ALERT_TIME_FORM);
  if (rt !== undefined) extensions.push(['rt', rt]);
  if (alert.alertProvider !== undefined) extensions.push(['sourceServiceName', alert.alertProvider]);
  extensions.push(...trendCompanyIdExtension(options.companyId));
  return {
    ...TREND_CEF_HEADER,
    signatureId: '900001',
    name: 'Trend Vision One Workbench Alert',
    // Object.hasOwn: a vendor value like `constructor` must not reach an inherited property.
    severity: (alert.severity !== undefined && Object.hasOwn(WORKBENCH_SEVERITY, alert.severity) ? WORKBENCH_SEVERITY[alert.severity] : undefined) ?? 0,
    extensions,
  };
};
