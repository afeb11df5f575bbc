export { Rfc5424Formatter, rfc5424Formatter, type Rfc5424FormatterDeps } from './rfc5424-formatter.js';
export { RFC5424_PROFILES, rfc5424Options, type Rfc5424Options, type Rfc5424Profile } from './options.js';
export { rfc5424Formatter as default } from './rfc5424-formatter.js';
