import { facility, z } from '@syslog-connector/core';
import { SYSLOG_PREFIXES, appNameOption } from '@syslog-connector/syslog-encoding';

/**
 * Characters that may not delimit LEEF attributes here: letters, digits and space (they fill values), `=` (between
 * key and value), `|` (the header's separator), `:` and `.` (inside devTime and devTimeFormat), `\`, and every
 * control character but tab. IBM's "LEEF event components": a single character or its hex value.
 */
const UNUSABLE_DELIMITER = /^(?:[\p{L}\p{N}\s=|:.\\]|[\p{Cc}])$/u;

/**
 * The `delimiter` option, as IBM's "LEEF event components" writes the LEEF 2.0 DelimiterCharacter field: one
 * character (`^`) or its hex value with `x` or `0x` and 1–4 hex digits (`x09`, `0x5E`). Parsed into the character.
 */
export const delimiterOption = () =>
  z
    .string()
    .default('x09')
    .transform((text, ctx) => {
      const hex = /^(?:0x|x)([0-9A-Fa-f]{1,4})$/.exec(text);
      const char = hex === null ? text : String.fromCharCode(Number.parseInt(hex[1] as string, 16));
      if (char === '\t') return char;
      if ([...char].length !== 1 || char.length !== 1 || UNUSABLE_DELIMITER.test(char)) {
        ctx.addIssue({
          code: 'custom',
          message:
            `${JSON.stringify(text)} cannot delimit LEEF attributes: give one character (e.g. ^) or its hex value ` +
            '(x09 for tab, 0x5E), not a letter, digit, space, =, |, :, ., \\ or a control character other than tab.',
        });
        return z.NEVER;
      }
      return char;
    })
    .describe('LEEF 2.0 attribute delimiter: one character or its hex value (x09 / 0x09 = tab, the default; ^; 0x5E).');

/** The `leef:` options of a destination (`format: leef`). Every key has a default, so `leef:` may be left out. */
export const leefOptions = z.strictObject({
  prefix: z
    .enum(SYSLOG_PREFIXES)
    .default('rfc3164')
    .describe(
      'Syslog header before `LEEF:2.0|`: rfc3164 (`<PRI>Mmm dd hh:mm:ss HOST`, the form in IBM\'s examples), ' +
        'rfc5424 (`<PRI>1 TIMESTAMP HOST APP-NAME - MSGID -`), or none (the bare LEEF line).',
    ),
  facility: facility()
    .optional()
    .describe('Override: the syslog facility of every PRI. Default: the one the event\'s vendor sends (MDI: auth), else user.'),
  appName: appNameOption().describe('RFC 5424 APP-NAME (prefix rfc5424 only): 1–48 printable ASCII characters, no spaces.'),
  delimiter: delimiterOption(),
});

/** The validated options, defaults applied (`delimiter` is the character itself). */
export type LeefOptions = z.output<typeof leefOptions>;
