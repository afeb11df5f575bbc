import { TransportError } from '@syslog-connector/core';
import { formatDuration, target, type Destination } from '@syslog-connector/stream-transport';

const RESEND = 'the messages it did not acknowledge are sent again after reconnecting';

/** The server answered `open` with something other than 200, or without the `syslog` command. */
export const openRefusedError = (d: Destination, why: string): TransportError =>
  new TransportError('TRANSPORT_CONNECT', `${target(d)} refused the RELP session: ${why}`, 0, {
    path: d.path,
    hint: "check that the port is a RELP listener (rsyslog: module(load=\"imrelp\") input(type=\"imrelp\" port=…)), not plain syslog over TCP, and see the server's log",
  });

/** No answer to `open` in time: often a plain TCP syslog port, which reads our offer as a message and says nothing. */
export const openTimeoutError = (d: Destination, ms: number): TransportError =>
  new TransportError('TRANSPORT_TIMEOUT', `${target(d)} accepted the TCP connection but did not answer the RELP open within ${formatDuration(ms)}`, 0, {
    path: `${d.path}.port`,
    hint: 'a plain syslog (TCP) listener on this port would behave like this: point port at the RELP listener (rsyslog imrelp), or use protocol: tcp',
  });

/** The server answered a message with an error code (imrelp: it could not take the message in). */
export const messageRefusedError = (d: Destination, code: number, message: string, written: number, total: number): TransportError =>
  new TransportError('TRANSPORT_WRITE', `${target(d)} refused message ${written + 1} of ${total}: RELP ${code}${message === '' ? '' : ` ${message}`}`, written, {
    path: d.path,
    hint: `see the server's log for why; ${RESEND}`,
  });

/** Messages waited longer than ackTimeout for their acknowledgement. */
export const ackTimeoutError = (d: Destination, ms: number, written: number, total: number): TransportError =>
  new TransportError('TRANSPORT_TIMEOUT', `${target(d)} acknowledged nothing for ${formatDuration(ms)}, after ${written} of ${total} messages`, written, {
    path: `${d.path}.ackTimeout`,
    hint: `the server is overloaded or stuck; the connection is opened again and ${RESEND} (raise ackTimeout for a slow server)`,
  });

/** The server ended the session (`serverclose`) or broke the framing. */
export const sessionEndedError = (d: Destination, why: string, written: number, total: number): TransportError =>
  new TransportError('TRANSPORT_CLOSED', `${target(d)} ${why} after ${written} of ${total} messages were acknowledged`, written, {
    path: d.path,
    hint: `the server may be restarting; ${RESEND}`,
  });

/** The server closed the connection before it answered `open`. */
export const openClosedError = (d: Destination, tls: { readonly cert?: string | undefined } | undefined, cause: unknown): TransportError =>
  new TransportError('TRANSPORT_CONNECT', `${target(d)} closed the connection before answering the RELP open`, 0, {
    path: tls === undefined ? d.path : `${d.path}.tls.cert`,
    hint:
      tls === undefined
        ? "check that the port is a RELP listener without TLS (imrelp without tls=\"on\"), and see the server's log"
        : tls.cert === undefined
          ? 'the server likely requires a client certificate (imrelp tls.authMode): set tls.cert and tls.key to one signed by a CA it trusts'
          : "the server likely does not accept this connector's client certificate (imrelp tls.authMode, tls.permittedPeer): see the server's log",
    ...(cause === undefined ? {} : { cause }),
  });
