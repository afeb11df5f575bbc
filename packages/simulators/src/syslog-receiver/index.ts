export {
  SyslogReceiver,
  type MessageListener,
  type ReceivedMessage,
  type ReceivedTlsPeer,
  type ReceiverFraming,
  type ReceiverProtocol,
  type ReceiverTlsOptions,
  type SyslogReceiverOptions,
} from './syslog-receiver.js';
export {
  parseSyslogMessage,
  type Rfc3164Message,
  type Rfc5424Message,
  type StructuredDataElement,
  type SyslogMessage,
} from './parse-syslog-message.js';
export { parseCef, type CefMessage } from './parse-cef.js';
export { SyslogParseError } from './syslog-parse-error.js';
export { FramingError, OctetCountingDecoder } from './octet-counting-decoder.js';
export { LineFeedDecoder } from './line-feed-decoder.js';
