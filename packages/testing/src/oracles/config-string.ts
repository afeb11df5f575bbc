import { OracleError } from './oracle-error.js';

/**
 * A value for a double-quoted string in an rsyslog or syslog-ng config. Both give `\` and (rsyslog) `$` a meaning
 * inside quotes; the oracles only put file paths and fixed words there, so anything odd is refused, not escaped.
 */
export const configString = (value: string, what: string): string => {
  if (/["\\$\n\r\0`]/.test(value)) {
    throw new OracleError('ORACLE_CONFIG', `${what} ${JSON.stringify(value)} contains a character the oracle will not put into a daemon config`, {
      hint: 'use a path without quotes, backslashes, $ or line breaks',
    });
  }
  return `"${value}"`;
};
