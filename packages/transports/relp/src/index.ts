export { RelpTransport, relpTransport, type RelpTransportDeps } from './relp-transport.js';
export { DEFAULT_WINDOW, relpOptions, relpTlsSettings, type RelpOptions, type RelpTlsSettings } from './options.js';
export { relpTransport as default } from './relp-transport.js';
