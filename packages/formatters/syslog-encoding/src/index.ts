// CEF: the record encoder and its parts ("Implementing ArcSight CEF", FACTS §E.7).
export { CefRecordEncoder, FORMAT_TRUNCATIONS_METRIC, checkedCefSeverity } from './cef-record-encoder.js';
export {
  CEF_EXTENSION_KEY_PATTERN,
  escapeCefExtensionValue,
  escapeCefHeaderField,
  isCefExtensionKey,
  toWellFormedText,
} from './cef-escape.js';
export { CEF_EXTENSION_LIMITS, CEF_HEADER_LIMITS } from './cef-field-limits.js';
export { cefTimeFormatOption, formatCefTimestamp } from './cef-timestamp.js';
export { truncateCefLine } from './truncate-cef-line.js';
export { FREE_TEXT_KEYS, encodeCefWithin, type FittedCefLine } from './encode-cef-within.js';

// Syslog headers (RFC 5424 §6.2, RFC 3164 §4.1.2) and structured data (RFC 5424 §6.3).
export {
  APP_NAME_PATTERN,
  NILVALUE,
  PROCID_PATTERN,
  appNameOption,
  rfc3164Hostname,
  rfc3164Timestamp,
  rfc5424Hostname,
  rfc5424MessageId,
  rfc5424MicrosecondTimestamp,
  rfc5424Timestamp,
  syslogPriority,
  toPrintUsAscii,
} from './syslog-header-fields.js';
export { SYSLOG_PREFIXES, SyslogEnvelope, type SyslogEnvelopeOptions, type SyslogPrefix } from './syslog-envelope.js';
export { Rfc3164TimestampWriter, isKnownTimeZone } from './rfc3164-timestamp-writer.js';
export { PRIVATE_SD_ID_PATTERN, escapeSdParamValue, isPrivateSdId } from './structured-data.js';

// MSG bodies, lengths, rejections.
export { MESSAGE_BODIES, encodeJsonBody, messageBodyOption, type MessageBody } from './message-body.js';
export { truncateCodePoints } from './truncate-code-points.js';
export { truncateUtf8 } from './truncate-utf8.js';
export { formatRejected, quoteForError } from './format-rejected.js';

// Shared pieces for other line formats (LEEF): the escaping loop and UTC calendar forms.
export { controlsToSpaceAnd, replaceCharacters, type CharacterReplacements } from './character-replacements.js';
export { cefDateUtc, hasFourDigitYear } from './utc-calendar.js';
