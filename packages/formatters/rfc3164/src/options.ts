import { facility, z } from '@syslog-connector/core';
import { cefTimeFormatOption, isKnownTimeZone, messageBodyOption } from '@syslog-connector/syslog-encoding';

/** RFC 3164 §4.1.3: the TAG is alphanumeric and at most 32 characters. */
export const RFC3164_TAG_PATTERN = /^[A-Za-z0-9]{1,32}$/;

/** The `rfc3164:` options of a destination (`format: rfc3164`). Every key has a default or is optional. */
export const rfc3164Options = z
  .strictObject({
    // No default, as format-cef: the vendor's facility when it publishes one (MDI: auth), else user.
    facility: facility()
      .optional()
      .describe(
        'Override: the syslog facility of every PRI (RFC 3164 §4.1.1). Default: the one the event\'s vendor sends ' +
          '(MDI: auth), else user. The severity is the vendor\'s, else mapped from the CEF severity.',
      ),
    tag: z
      .string()
      .regex(RFC3164_TAG_PATTERN, 'TAG is 1–32 ASCII letters and digits (RFC 3164 §4.1.3)')
      .optional()
      .describe(
        'RFC 3164 TAG (§4.1.3): 1–32 ASCII letters and digits, written as `TAG: MSG`. Default: CEF with body cef — ' +
          'the CEF line then follows the HOSTNAME directly, its own `CEF:` being TAG and colon, as MDI and ArcSight ' +
          'send it — and syslogconnector with body json.',
      ),
    timeZone: z
      .string()
      .refine(isKnownTimeZone, 'unknown time zone: write an IANA name such as Europe/Berlin, or UTC')
      .default('UTC')
      .describe(
        'Time zone of the TIMESTAMP (`Mmm dd hh:mm:ss`, which carries no zone): UTC, or an IANA name such as ' +
          'Europe/Berlin. RFC 3164 §4.1.2 means the sender\'s local time; UTC keeps the header equal to CEF rt.',
      ),
    maxLength: z
      .number()
      .int()
      .min(480)
      .max(1_048_576)
      .default(1024)
      .describe(
        'Longest message in bytes (UTF-8). RFC 3164 §4.1: 1024. A longer CEF message gives up its free text (msg) ' +
          'first, so externalId, the signature, times and links stay; only if that is not enough is the end cut. ' +
          'Counted in format_truncations{key="syslog-message"} (and {key="msg"}), never marked in the line. ' +
          'TCP/TLS receivers usually take more (rsyslog 8 KiB by default).',
      ),
    body: messageBodyOption(),
    cefTimeFormat: cefTimeFormatOption(),
  })
  // A receiver takes a MSG starting with `CEF:` for a CEF line (parsers look for it there, FACTS §E.7).
  .refine((options) => options.tag !== 'CEF' || options.body === 'cef', {
    path: ['tag'],
    message: 'the tag CEF announces a CEF line: with body json use another tag (default syslogconnector)',
  });

/** The validated options, defaults applied. */
export type Rfc3164Options = z.output<typeof rfc3164Options>;

/** The TAG written for `options`: the configured one, else CEF for a CEF body and syslogconnector for JSON. */
export const rfc3164Tag = (options: Pick<Rfc3164Options, 'tag' | 'body'>): string =>
  options.tag ?? (options.body === 'cef' ? 'CEF' : 'syslogconnector');
