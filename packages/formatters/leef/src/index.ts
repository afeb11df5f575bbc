export { LeefFormatter, leefFormatter, type LeefFormatterDeps } from './leef-formatter.js';
export { CEF_TO_LEEF_KEYS, DEV_TIME_FORMAT, DEV_TIME_SOURCE_KEYS, NAME_KEY } from './leef-mapping.js';
export { delimiterOption, leefOptions, type LeefOptions } from './options.js';
export { leefFormatter as default } from './leef-formatter.js';
