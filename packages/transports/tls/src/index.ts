export { ACCEPTANCE_WAIT_MS, POST_HANDSHAKE_WAIT_MS, TlsTransport, tlsTransport, type TlsTransportDeps } from './tls-transport.js';
export { TLS_MIN_VERSIONS, tlsOptions, tlsSettings, type TlsMinVersion, type TlsOptions, type TlsSettings } from './options.js';
export { tlsTransport as default } from './tls-transport.js';
