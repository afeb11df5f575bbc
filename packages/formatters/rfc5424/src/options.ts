import { facility, z } from '@syslog-connector/core';
import {
  PRIVATE_SD_ID_PATTERN,
  PROCID_PATTERN,
  appNameOption,
  cefTimeFormatOption,
  messageBodyOption,
} from '@syslog-connector/syslog-encoding';

/** `standard`: RFC 5424 to the letter. `mdi`: the shape Microsoft Defender for Identity sends (FACTS §C.5). */
export const RFC5424_PROFILES = ['standard', 'mdi'] as const;
export type Rfc5424Profile = (typeof RFC5424_PROFILES)[number];

const DEFAULT_APP_NAME = 'syslog-connector';

/** The `rfc5424:` options of a destination (`format: rfc5424`). Every key has a default or is optional. */
export const rfc5424Options = z
  .strictObject({
    profile: z
      .enum(RFC5424_PROFILES)
      .optional()
      .describe(
        'Override: the form of every message. Default: each event in the form its vendor publishes — mdi for ' +
          'Microsoft Defender for Identity\'s events, standard for the rest. standard: `<PRI>1 TIMESTAMP HOST ' +
          'APP-NAME PROCID MSGID [SD] MSG`, RFC 5424 to the letter. mdi: what MDI sends — APP-NAME CEF, PROCID the ' +
          'process id, MSGID the alert type cut to 32, no STRUCTURED-DATA field, a BOM, then the CEF line without ' +
          'its `CEF:` (`0|Microsoft|…`), and a timestamp with 6 fraction digits and +00:00 (not valid RFC 5424).',
      ),
    // No default, as format-cef: the vendor's facility when it publishes one (MDI: auth), else user.
    facility: facility()
      .optional()
      .describe(
        'Override: the syslog facility of every PRI (RFC 5424 §6.2.1). Default: the one the event\'s vendor sends ' +
          '(MDI: auth), else user. The severity is the vendor\'s, else mapped from the CEF severity.',
      ),
    appName: appNameOption().describe(
      'RFC 5424 APP-NAME (§6.2.5) of standard-form messages: 1–48 printable ASCII characters, no spaces. The mdi ' +
        'form always writes CEF.',
    ),
    procId: z
      .string()
      .regex(PROCID_PATTERN, 'PROCID is 1–128 printable ASCII characters without spaces (RFC 5424 §6.2.6)')
      .optional()
      .describe(
        'RFC 5424 PROCID (§6.2.6): 1–128 printable ASCII characters. Default: - (NILVALUE) with profile standard, ' +
          "the connector's process id in the mdi form.",
      ),
    structuredData: z
      .boolean()
      .default(true)
      .describe(
        'Write the event key, source id and data type as the SD-ELEMENT `[sdId key="…" source="…" type="…"]` ' +
          '(RFC 5424 §6.3); false writes - (no structured data). The mdi form never writes structured data.',
      ),
    sdId: z
      .string()
      .regex(
        PRIVATE_SD_ID_PATTERN,
        'sdId is name@<private enterprise number>, at most 32 printable ASCII characters, no @ = ] " or space in the name (RFC 5424 §6.3.2)',
      )
      .default('sc@32473')
      .describe(
        'SD-ID of the element (RFC 5424 §6.3.2): name@<private enterprise number>. 32473 is the number RFC 5612 ' +
          'reserves for documentation; a site with its own PEN writes e.g. sc@12345.',
      ),
    bom: z
      .boolean()
      .default(false)
      .describe(
        'Start MSG with the UTF-8 BOM that RFC 5424 §6.4 asks of UTF-8 text. Off by default: CEF receivers look for ' +
          '`CEF:` at the start of MSG. The mdi form always writes it.',
      ),
    body: messageBodyOption(),
    cefTimeFormat: cefTimeFormatOption(),
  })
  .refine((options) => options.profile !== 'mdi' || options.body === 'cef', {
    path: ['body'],
    message: 'profile mdi writes MDI\'s CEF body: remove body: json, or remove profile',
  })
  .refine((options) => options.profile !== 'mdi' || options.appName === DEFAULT_APP_NAME, {
    path: ['appName'],
    message: 'profile mdi always writes the APP-NAME CEF: remove appName, or use profile: standard',
  });

/** The validated options, defaults applied. */
export type Rfc5424Options = z.output<typeof rfc5424Options>;
