import { CEF_TIME_FORMS, z, type CefTimeForm, type CefTimestamp } from '@syslog-connector/core';
import {
  cefDateSecondsUtc,
  cefDateUtc,
  hasFourDigitYear,
  rfc3339SecondsUtc,
  rfc3339TicksUtc,
  rfc3339Utc,
} from './utc-calendar.js';

/**
 * The text of a CEF timestamp value in `form` (see `CefTimeForm` in core for each form and who uses it), always
 * UTC; `undefined` when the time is not integer epoch ms with a 4-digit year and ticks 0–9999, which no form can
 * carry faithfully. Forms coarser than the time drop the rest toward the past (`Dec 05 2022 05:26:45` for
 * 05:26:45.999), as the vendors' own forms do.
 */
export const formatCefTimestamp = (time: CefTimestamp, form: CefTimeForm): string | undefined => {
  const { epochMs, ticks } = time;
  if (!Number.isInteger(epochMs) || !hasFourDigitYear(epochMs)) return undefined;
  if (!Number.isInteger(ticks) || ticks < 0 || ticks > 9999) return undefined;
  switch (form) {
    case 'cef-date-seconds':
      return cefDateSecondsUtc(epochMs);
    case 'cef-date':
      return cefDateUtc(epochMs);
    case 'iso8601-seconds':
      return rfc3339SecondsUtc(epochMs);
    case 'iso8601':
      return rfc3339Utc(epochMs);
    case 'iso8601-ticks':
      return rfc3339TicksUtc(epochMs, ticks);
    case 'epoch-ms':
      return `${epochMs}`;
    default:
      return undefined;
  }
};

/**
 * The `timeFormat` option of every formatter that writes a CEF line: absent by default, so each time is written in
 * the form its vendor publishes (the source's profile); set, it overrides that form for every time of the
 * destination (a SIEM that wants epoch times, say).
 */
export const cefTimeFormatOption = () =>
  z
    .enum(CEF_TIME_FORMS)
    .optional()
    .describe(
      'Override: write every CEF time (rt, start, end, …) in this form instead of the one its vendor publishes: ' +
        'cef-date-seconds (`Dec 05 2022 05:26:45`), cef-date (`Dec 05 2022 05:26:45.000 UTC`), iso8601-seconds ' +
        '(`2024-09-23T17:18:42Z`), iso8601 (`2022-12-05T05:26:45.000Z`), iso8601-ticks ' +
        '(`2018-02-21T14:19:41.7422810Z`) or epoch-ms (`1670218005000`). Default: the vendor\'s form.',
    );
