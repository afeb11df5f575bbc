import { facility, z } from '@syslog-connector/core';
import { SYSLOG_PREFIXES, appNameOption, cefTimeFormatOption, type SyslogPrefix } from '@syslog-connector/syslog-encoding';

/** The syslog headers this formatter can write before `CEF:0|`. */
export const CEF_PREFIXES = SYSLOG_PREFIXES;
export type CefPrefix = SyslogPrefix;

/** The `cef:` options of a destination (`format: cef`). Every key has a default, so `cef:` may be left out. */
export const cefOptions = z.strictObject({
  prefix: z
    .enum(CEF_PREFIXES)
    .default('rfc3164')
    .describe(
      'Syslog header before `CEF:0|`: rfc3164 (`<PRI>Mmm dd hh:mm:ss HOST`, the form Trend\'s connector ' +
        'appears to use), rfc5424 (`<PRI>1 TIMESTAMP HOST APP-NAME - MSGID -`), or none (the bare CEF line).',
    ),
  // No default: an event's vendor may publish its facility (MDI: auth), which the event carries; otherwise `user`
  // (1), the neutral choice: RFC 3164 §4.3.3 gives user.notice to messages that arrive without a PRI, and stock
  // rsyslog/syslog-ng rules send auth/authpriv to restricted files and local0–7 to whatever a site already uses
  // them for, where a SIEM collector might not look.
  facility: facility()
    .optional()
    .describe(
      'Override: the syslog facility of every PRI (RFC 5424 §6.2.1). Default: the one the event\'s vendor sends ' +
        '(MDI: auth), else user. The severity is the vendor\'s, else mapped from the CEF severity.',
    ),
  appName: appNameOption().describe('RFC 5424 APP-NAME (prefix rfc5424 only): 1–48 printable ASCII characters, no spaces.'),
  timeFormat: cefTimeFormatOption(),
});

/** The validated options, defaults applied. */
export type CefOptions = z.output<typeof cefOptions>;
