export { CefFormatter, cefFormatter, type CefFormatterDeps } from './cef-formatter.js';
export { CEF_PREFIXES, cefOptions, type CefOptions, type CefPrefix } from './options.js';
export { cefFormatter as default } from './cef-formatter.js';
