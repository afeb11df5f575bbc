import { z } from '@syslog-connector/core';
import { cefDateUtc, hasFourDigitYear, rfc3339Utc } from './utc-calendar.js';

/** How numeric values of CEF timestamp keys (`rt`, `start`, `end`, …) are written. */
export const CEF_TIME_FORMATS = ['cef-date', 'epoch-ms', 'iso8601'] as const;
export type CefTimeFormat = (typeof CEF_TIME_FORMATS)[number];

/**
 * A CEF timestamp value for epoch milliseconds, in the given form; `undefined` when the time has no 4-digit year
 * (or is not a number at all), which no form can carry faithfully. Fractions of a millisecond are dropped toward
 * zero, as `Date` does.
 *
 * - `cef-date`: `Dec 05 2022 05:26:45.000 UTC` (CEF Appendix A, `MMM dd yyyy HH:mm:ss.SSS zzz`).
 * - `epoch-ms`: `1670218005000` (CEF Appendix A: milliseconds since the epoch).
 * - `iso8601`: `2022-12-05T05:26:45.000Z`. Not in the CEF list, but what Trend's audit and Microsoft's MDI
 *   mappings send (FACTS §A.4, §C.2), for receivers that expect the vendors' form.
 */
export const formatCefTimestamp = (epochMs: number, form: CefTimeFormat): string | undefined => {
  if (!hasFourDigitYear(epochMs)) return undefined;
  if (form === 'epoch-ms') return `${Math.trunc(epochMs)}`;
  // `MMM dd yyyy HH:mm:ss.SSS zzz` in UTC: the most precise form of the CEF standard's Appendix A list that also
  // names its zone (FACTS §E.7), so no receiver has to guess the offset.
  return form === 'iso8601' ? rfc3339Utc(epochMs) : cefDateUtc(epochMs);
};

/** The option that picks the `CefTimeFormat`, shared by every formatter that writes a CEF line; `cef-date` by default. */
export const cefTimeFormatOption = () =>
  z
    .enum(CEF_TIME_FORMATS)
    .default('cef-date')
    .describe(
      'How epoch-ms values of CEF timestamp keys (rt, start, end, …) are written: cef-date ' +
        '(`Dec 05 2022 05:26:45.000 UTC`), epoch-ms (`1670218005000`) or iso8601 (`2022-12-05T05:26:45.000Z`).',
    );
