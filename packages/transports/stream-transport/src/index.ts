export {
  elapsed,
  failedStep,
  resolveStep,
  StreamTransport,
  WRITE_CHUNK_CHARS,
  type StreamProfile,
  type StreamTransportDeps,
  type UpgradeContext,
} from './stream-transport.js';
export { addressOption, portOption, positiveDuration, streamConnectionShape, type StreamConnectionOptions } from './stream-options.js';
export { frameMessage, STREAM_FRAMINGS, type StreamFraming } from './frame-message.js';
export { ReconnectBackoff } from './reconnect-backoff.js';
export { resolveHost, type ResolvedAddress } from './resolve-host.js';
export { connectSocket } from './connect-socket.js';
export { connectWithBackoff, type ConnectWithBackoffOptions } from './connect-with-backoff.js';
export { formatDuration } from './format-duration.js';
export {
  closedTransportError,
  connectError,
  connectTimeoutError,
  dnsError,
  dnsTimeoutError,
  shutdownError,
  streamError,
  target,
  type Destination,
} from './transport-errors.js';
export { tlsCertificateValidity } from './tls-certificate-validity.js';
