import { Buffer } from 'node:buffer';
import { connect } from 'node:net';

/**
 * Sends `messages` to 127.0.0.1:`port` over one TCP connection with RFC 6587 §3.4.1 octet-counting framing
 * (`MSG-LEN SP SYSLOG-MSG`, the length in UTF-8 octets), then closes it. For interop tests that hand formatter
 * output to a real syslog daemon without going through a transport plugin.
 */
export const sendOctetCounted = (port: number, messages: readonly string[]): Promise<void> =>
  new Promise((resolve, reject) => {
    const frames = Buffer.concat(
      messages.map((message) => {
        const body = Buffer.from(message, 'utf8');
        return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
      }),
    );
    const socket = connect({ port, host: '127.0.0.1' }, () => socket.end(frames));
    socket.once('error', reject);
    socket.once('close', (hadError) => {
      if (!hadError) resolve();
    });
  });
