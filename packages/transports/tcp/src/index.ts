export { TcpTransport, WRITE_CHUNK_CHARS, tcpTransport, type TcpTransportDeps } from './tcp-transport.js';
export { TCP_FRAMINGS, tcpOptions, type TcpFraming, type TcpOptions } from './options.js';
export { frameMessage } from './frame-message.js';
export { ReconnectBackoff } from './reconnect-backoff.js';
export { tcpTransport as default } from './tcp-transport.js';
