import { defineTransport, type PluginPlace, services } from '@syslog-connector/core';
import { StreamTransport, type StreamTransportDeps } from '@syslog-connector/stream-transport';
import { tcpOptions, type TcpOptions } from './options.js';

/** The services a `TcpTransport` uses. */
export type TcpTransportDeps = StreamTransportDeps;

export { WRITE_CHUNK_CHARS } from '@syslog-connector/stream-transport';

/**
 * Syslog over one TCP connection (RFC 6587), framed by octet counting (§3.4.1) or LF (§3.4.2). Connecting,
 * reconnecting, backpressure and what "confirmed" means are `StreamTransport`'s (`@syslog-connector/stream-transport`):
 * a message is confirmed once handed to this machine's kernel; every unconfirmed one is sent again after reconnecting.
 */
export class TcpTransport extends StreamTransport {
  constructor(place: PluginPlace, options: TcpOptions, deps: TcpTransportDeps) {
    super(place, options, { protocol: 'tcp', framing: options.framing }, deps);
  }
}

/** The `tcp` transport plugin: `protocol: tcp` on a destination. */
export const tcpTransport = defineTransport({
  type: 'tcp',
  meta: {
    summary: 'Syslog over TCP (RFC 6587): octet-counting or LF framing, reconnection with backoff',
    stability: 'beta',
    delivery: 'at-least-once',
  },
  options: tcpOptions,
  deps: { logger: services.logger, clock: services.clock },
  create: (context) => new TcpTransport(context, context.options, context.deps),
});
