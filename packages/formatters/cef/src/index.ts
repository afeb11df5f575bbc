export { CefFormatter, cefFormatter, type CefFormatterDeps } from './cef-formatter.js';
export { CefRecordEncoder, FORMAT_TRUNCATIONS_METRIC } from './cef-record-encoder.js';
export { CEF_PREFIXES, cefOptions, type CefOptions, type CefPrefix } from './options.js';
export {
  CEF_EXTENSION_KEY_PATTERN,
  escapeCefExtensionValue,
  escapeCefHeaderField,
  isCefExtensionKey,
  toWellFormedText,
} from './cef-escape.js';
export { CEF_EXTENSION_LIMITS, CEF_HEADER_LIMITS } from './cef-field-limits.js';
export { CEF_TIME_FORMATS, formatCefTimestamp, type CefTimeFormat } from './cef-timestamp.js';
export { truncateCodePoints } from './truncate-code-points.js';
export { cefFormatter as default } from './cef-formatter.js';
