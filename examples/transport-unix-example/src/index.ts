export { unixSocketOptions, unixSocketTransport, UnixSocketTransport } from './unix-socket-transport.js';
export { unixSocketTransport as default } from './unix-socket-transport.js';
