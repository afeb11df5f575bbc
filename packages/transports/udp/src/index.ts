export { UDP_CHECK_LIMITS, UDP_OVERSIZE_METRIC, UDP_SEND_WINDOW, UdpTransport, udpSendError, udpTransport, type UdpTransportDeps } from './udp-transport.js';
export { UDP_MAX_PAYLOAD, UDP_OVERSIZE_POLICIES, udpOptions, type UdpOptions, type UdpOversizePolicy } from './options.js';
export { truncateUtf8 } from './truncate-utf8.js';
export { udpTransport as default } from './udp-transport.js';
