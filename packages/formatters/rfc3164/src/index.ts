export { Rfc3164Formatter, rfc3164Formatter, type Rfc3164FormatterDeps } from './rfc3164-formatter.js';
export { RFC3164_TAG_PATTERN, rfc3164Options, rfc3164Tag, type Rfc3164Options } from './options.js';
export { rfc3164Formatter as default } from './rfc3164-formatter.js';
