import { z } from '@syslog-connector/core';
import { addressOption, portOption } from '@syslog-connector/stream-transport';

/** What happens to a message longer than `maxMessageSize`: both are counted (`udp_oversize_messages`). */
export const UDP_OVERSIZE_POLICIES = ['truncate', 'drop'] as const;
export type UdpOversizePolicy = (typeof UDP_OVERSIZE_POLICIES)[number];

/** IPv6 UDP payload ceiling without jumbograms: 65535 − 8 (UDP header) − 40 (IPv6 header). */
export const UDP_MAX_PAYLOAD = 65_487;

/** The options of a `protocol: udp` destination (RFC 5426: one message per datagram). */
export const udpOptions = z.strictObject({
  address: addressOption(),
  port: portOption(514, 'UDP port of the syslog server. 514 is the IANA syslog port (RFC 5426).'),
  maxMessageSize: z
    .number({ error: `must be a number of bytes, 480–${UDP_MAX_PAYLOAD}` })
    .int({ error: `must be a whole number of bytes, 480–${UDP_MAX_PAYLOAD}` })
    .min(480, { error: 'must be at least 480 bytes (RFC 5426 §3.2: every receiver accepts that much)' })
    .max(UDP_MAX_PAYLOAD, { error: `must be at most ${UDP_MAX_PAYLOAD} bytes (the largest UDP datagram)` })
    .default(2048)
    .describe(
      'Largest message in bytes (UTF-8), one datagram each. RFC 5426 §3.2: receivers SHOULD accept 2048; over about 1472 (IPv4, MTU 1500) datagrams are fragmented, and one lost fragment loses the message.',
    ),
  oversize: z
    .enum(UDP_OVERSIZE_POLICIES)
    .default('truncate')
    .describe('A longer message is truncated to maxMessageSize (at a character boundary) or dropped; either way counted and logged.'),
});

export type UdpOptions = z.output<typeof udpOptions>;
