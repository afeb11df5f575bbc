import { z, type CefExtension, type CefTimeForm, type ConfigAdvice } from '@syslog-connector/core';

/**
 * What every Vision One source writes the same way, because Trend's four "Syslog content mapping - CEF" pages
 * (cef-workbench-logs, cef-observed-attack-techniques-logs, trend-vision-one-cef-account-audit-logs,
 * trend-vision-one-cef-system-audit-logs; FACTS §A.3, §A.4) write it the same way: the header's vendor, product
 * and version, and the tenant's `TrendMicroV1CompanyID`. One copy, so the three sources cannot drift apart.
 *
 * Trend documents no syslog PRI (facility or severity) and no envelope for these events (FACTS §A.6), so the
 * sources leave `CefRecord.syslog` unset: the destination's options, else the formatter's defaults, decide.
 */
export const TREND_CEF_HEADER = { vendor: 'Trend Micro', product: 'Trend Vision One', version: '1.0.0' } as const;

/**
 * How Trend writes `rt`, per page (FACTS §A.4):
 * - workbench 900001 and OAT 900002: `Dec 05 2022 05:26:45` (CEF's `MMM dd yyyy HH:mm:ss`, no zone, UTC);
 * - account / system audit 900003 / 900004: `2024-09-23T17:18:42Z` (ISO 8601, whole seconds).
 */
export const TREND_ALERT_TIME_FORM: CefTimeForm = 'cef-date-seconds';
export const TREND_AUDIT_TIME_FORM: CefTimeForm = 'iso8601-seconds';

/** The vendor-custom extension key for the tenant, last on every Trend line (FACTS §A.4). */
export const TREND_COMPANY_ID_KEY = 'TrendMicroV1CompanyID';

/** `TrendMicroV1CompanyID=<companyId>`, or nothing when the option is not set. */
export const trendCompanyIdExtension = (companyId: string | undefined): CefExtension[] =>
  companyId === undefined ? [] : [[TREND_COMPANY_ID_KEY, companyId]];

// 8-4-4-4-12 hex digits. Not zod's z.uuid(): that one also demands an RFC 9562 version and variant digit, and
// Trend documents only the shape (its example `68960c94-9be6-4343-a4ca-6408de7aa331`), not how it mints IDs.
const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The `companyId` option of every Vision One source. Written lower-case, as Trend's pages show it, whatever case
 * it was pasted in.
 */
export const companyIdOption = () =>
  z
    .string()
    .trim()
    .regex(UUID_SHAPE, 'must be the Vision One company ID, a UUID like 68960c94-9be6-4343-a4ca-6408de7aa331')
    .transform((text) => text.toLowerCase())
    .optional()
    .describe(
      'Vision One company (tenant) ID, a UUID; sent as TrendMicroV1CompanyID on every event, as Trend\'s own ' +
        'connector does. The API offers no way to read it: copy it from the Vision One console.',
    );

/**
 * The advice every Vision One source gives on a valid config (`advise` of its definition): a missing `companyId`
 * works, but every line then lacks the `TrendMicroV1CompanyID` that Trend's pages list for all four log types and
 * that SIEM content keyed on the tenant expects.
 *
 * Why ask the user rather than look it up: no public Vision One API v3.0 call returns the company ID — Trend's
 * SDK (trendmicro/tm-v1-pytv1, `model/enum.py` `Api`) has none, its health check (`/healthcheck/connectivity`)
 * answers only `{status}`, and no list envelope or item (alerts, OAT, audit logs) carries it. The console shows
 * it; the on-premises connector has a switch to add it (FACTS §A.2), the SaaS one always sends it (FACTS §A.4).
 */
export const visionOneAdvice = (options: { readonly companyId?: string | undefined }): readonly ConfigAdvice[] =>
  options.companyId === undefined
    ? [
        {
          path: ['companyId'],
          message:
            'is not set, so no event will carry TrendMicroV1CompanyID, which Trend\'s own connector sends on every ' +
            'line. The Vision One API cannot tell us the company ID: copy it (a UUID) from the Vision One console and ' +
            'set `companyId: <uuid>`.',
        },
      ]
    : [];
