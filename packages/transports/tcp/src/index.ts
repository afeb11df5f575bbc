export { TcpTransport, WRITE_CHUNK_CHARS, tcpTransport, type TcpTransportDeps } from './tcp-transport.js';
export { TCP_FRAMINGS, tcpOptions, type TcpFraming, type TcpOptions } from './options.js';
export { frameMessage, ReconnectBackoff } from '@syslog-connector/stream-transport';
export { tcpTransport as default } from './tcp-transport.js';
