import { z } from '@syslog-connector/core';
import { addressOption, portOption, STREAM_FRAMINGS, streamConnectionShape, type StreamFraming } from '@syslog-connector/stream-transport';

/** RFC 6587 §3.4: how messages are delimited on the stream. */
export const TCP_FRAMINGS = STREAM_FRAMINGS;
export type TcpFraming = StreamFraming;

/**
 * The options of a `protocol: tcp` destination. The keys sit directly in the destination (DESIGN §7), next to
 * `protocol`, `format` and `sources`, which the host owns.
 */
export const tcpOptions = z.strictObject({
  address: addressOption(),
  port: portOption(601, 'TCP port of the syslog server. 601 is the IANA syslog-conn port (RFC 3195); many servers use 514.'),
  framing: z
    .enum(TCP_FRAMINGS)
    .default('octet-counting')
    .describe('RFC 6587 framing: octet-counting (`<length> <message>`, §3.4.1) or lf (message + newline, §3.4.2).'),
  ...streamConnectionShape(),
});

/** The validated options, defaults applied; durations in milliseconds. */
export type TcpOptions = z.output<typeof tcpOptions>;
