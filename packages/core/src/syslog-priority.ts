import { z } from 'zod';

/** RFC 5424 §6.2.1 table 1: facility names and codes. */
export const FACILITIES = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10,
  ftp: 11, ntp: 12, security: 13, console: 14, solaris_cron: 15,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
} as const;

export type FacilityName = keyof typeof FACILITIES;

/** A config key for the syslog facility, by name. */
export const facility = () =>
  z.enum(Object.keys(FACILITIES) as [FacilityName, ...FacilityName[]]).describe('Syslog facility (RFC 5424 §6.2.1)');

/**
 * The one table from an event's CEF severity (0–10) to a syslog severity (RFC 5424 §6.2.1 table 2), shared by
 * every formatter. It follows CEF's own bands (0–3 Low, 4–6 Medium, 7–8 High, 9–10 Very-High):
 *
 * | CEF severity | syslog severity |
 * |---|---|
 * | 0 | 6 Informational |
 * | 1–3 | 5 Notice |
 * | 4–6 | 4 Warning |
 * | 7–8 | 3 Error |
 * | 9–10 | 2 Critical |
 */
export const syslogSeverityOf = (cefSeverity: number): number => {
  if (cefSeverity >= 9) return 2;
  if (cefSeverity >= 7) return 3;
  if (cefSeverity >= 4) return 4;
  if (cefSeverity >= 1) return 5;
  return 6;
};

/** The PRI value: facility × 8 + severity (RFC 5424 §6.2.1). */
export const priorityOf = (facilityName: FacilityName, cefSeverity: number): number =>
  FACILITIES[facilityName] * 8 + syslogSeverityOf(cefSeverity);
