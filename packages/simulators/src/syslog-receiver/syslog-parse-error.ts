/**
 * A message that breaks a rule of RFC 5424, RFC 3164 or CEF. The receiver is a test oracle, so it is strict: a
 * formatter that writes something a lenient SIEM would still accept is caught here, with the rule it broke.
 */
export class SyslogParseError extends Error {
  /** Index into the parsed text (UTF-16 code units) where the problem was found. */
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(message);
    this.name = 'SyslogParseError';
    this.offset = offset;
  }
}
