import { createSocket } from 'node:dgram';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { sendOverRelp } from '../relp-sink/relp-sink.js';
import type { OracleInput } from './oracle-input.js';

/** APP-NAME of the oracles' own readiness probes; the daemons' configs divert these to a separate file. */
export const READINESS_PROBE_APP_NAME = 'x-oracle-readiness-probe';

/** `sent`: a probe message went out; `accepted`: only a TCP connection could be proven; `refused`: nothing yet. */
export type ProbeOutcome = 'sent' | 'accepted' | 'refused';

const LOOPBACK = '127.0.0.1';

const frame = (input: OracleInput, message: string): string | Buffer => {
  if (input.protocol === 'udp') return message;
  if (input.framing === 'lf') return `${message}\n`;
  return `${Buffer.byteLength(message)} ${message}`;
};

const over = (socket: Socket, timeoutMs: number, onReady: (socket: Socket) => ProbeOutcome | undefined, readyEvent: string) =>
  new Promise<ProbeOutcome>((resolve) => {
    let outcome: ProbeOutcome = 'refused';
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.once(readyEvent, () => {
      const result = onReady(socket);
      if (result !== undefined) outcome = result;
    });
    socket.on('error', () => undefined); // outcome stays 'refused' unless the probe already went out
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(outcome);
    });
  });

/**
 * Sends one readiness probe (RFC 5424, APP-NAME `x-oracle-readiness-probe`, MSG `text`) to an oracle input on
 * 127.0.0.1. A TLS input that demands a client certificate only gets a TCP connection (the probe has no client
 * certificate to offer); there `accepted` is the best proof available.
 */
export const sendReadinessProbe = (input: OracleInput, port: number, text: string, timeoutMs = 1_000): Promise<ProbeOutcome> => {
  const data = frame(input, `<14>1 - - ${READINESS_PROBE_APP_NAME} - - - ${text}`);
  switch (input.protocol) {
    case 'relp':
      // A RELP session of its own (open, one syslog transaction, close); over TLS only the TCP connection is proven.
      if (input.tls !== undefined) {
        return over(
          connectTcp(port, LOOPBACK),
          timeoutMs,
          (socket) => {
            socket.destroy();
            return 'accepted';
          },
          'connect',
        );
      }
      return sendOverRelp(LOOPBACK, port, [`<14>1 - - ${READINESS_PROBE_APP_NAME} - - - ${text}`], timeoutMs).then(
        (codes) => (codes.every((code) => code === 200) ? 'sent' : 'refused'),
        () => 'refused',
      );
    case 'udp':
      return new Promise((resolve) => {
        const socket = createSocket('udp4');
        socket.on('error', () => undefined);
        socket.send(data, port, LOOPBACK, (error) => {
          socket.close();
          resolve(error ? 'refused' : 'sent');
        });
      });
    case 'tcp':
      return over(
        connectTcp(port, LOOPBACK),
        timeoutMs,
        (socket) => {
          socket.end(data);
          return 'sent';
        },
        'connect',
      );
    case 'tls':
      if (input.tls?.clientAuth === 'required') {
        return over(
          connectTcp(port, LOOPBACK),
          timeoutMs,
          (socket) => {
            socket.destroy();
            return 'accepted';
          },
          'connect',
        );
      }
      return over(
        // The probe checks that the daemon's TLS listener works, not who it is: the tests verify the server.
        connectTls({ host: LOOPBACK, port, rejectUnauthorized: false }),
        timeoutMs,
        (socket) => {
          socket.end(data);
          return 'sent';
        },
        'secureConnect',
      );
  }
};
