import { TransportError } from '@syslog-connector/core';
import { formatDuration } from './format-duration.js';

/** Where a transport sends to, for messages that name it the way the user wrote it. */
export interface Destination {
  /** `destinations.<id>`, the config path errors point at. */
  readonly path: string;
  readonly host: string;
  readonly port: number;
  readonly connectTimeoutMs: number;
}

export const target = (d: Destination): string => `${d.host.includes(':') ? `[${d.host}]` : d.host}:${d.port}`;
const codeOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
    ? (error as { code: string }).code
    : undefined;

/** Name resolution failed (`dns.lookup`, i.e. getaddrinfo: /etc/hosts, then DNS). */
export const dnsError = (error: unknown, d: Destination): TransportError => {
  const code = codeOf(error);
  const details = { path: `${d.path}.address`, cause: error };
  if (code === 'EAI_AGAIN') {
    return new TransportError('TRANSPORT_DNS', `host name ${d.host} could not be looked up: the DNS server did not answer`, 0, {
      ...details,
      hint: "check this machine's DNS settings (/etc/resolv.conf) and that it can reach its DNS server, or write the server's IP address",
    });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_NONAME' || code === 'EAI_NODATA' || code === 'ENODATA') {
    return new TransportError('TRANSPORT_DNS', `host name ${d.host} does not resolve, so ${target(d)} cannot be reached`, 0, {
      ...details,
      hint: "check the spelling of address, or write the server's IP address",
    });
  }
  return new TransportError('TRANSPORT_DNS', `looking up host name ${d.host} failed: ${messageOf(error)}`, 0, {
    ...details,
    hint: "check this machine's DNS settings, or write the server's IP address",
  });
};

/** Resolution took longer than connectTimeout. */
export const dnsTimeoutError = (d: Destination): TransportError =>
  new TransportError('TRANSPORT_DNS', `looking up host name ${d.host} took longer than ${formatDuration(d.connectTimeoutMs)}`, 0, {
    path: `${d.path}.address`,
    hint: "check that this machine's DNS server answers (dig or nslookup), or write the server's IP address",
  });

/** The TCP handshake to `ip` failed; `ip` is shown when it differs from what the user wrote. */
export const connectError = (error: unknown, d: Destination, ip: string): TransportError => {
  const code = codeOf(error);
  const where = ip === d.host ? target(d) : `${target(d)} (${ip})`;
  const details = { path: d.path, cause: error };
  switch (code) {
    case 'ECONNREFUSED':
      return new TransportError('TRANSPORT_CONNECT', `nothing is listening on ${where}`, 0, {
        ...details,
        hint: `check the port, and that the syslog server is running and accepts TCP on port ${d.port}`,
      });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new TransportError('TRANSPORT_CONNECT', `there is no route to ${where} (${code})`, 0, {
        ...details,
        hint: "check the address and this machine's network settings (routes, VPN)",
      });
    case 'EACCES':
    case 'EPERM':
      return new TransportError('TRANSPORT_CONNECT', `this machine refused to open a connection to ${where} (${code})`, 0, {
        ...details,
        hint: 'a local firewall rule (iptables, nftables, SELinux) may block outgoing TCP to this port',
      });
    default:
      return new TransportError('TRANSPORT_CONNECT', `cannot connect to ${where}: ${messageOf(error)}`, 0, {
        ...details,
        hint: 'check the address and port of the syslog server',
      });
  }
};

/** No SYN-ACK within connectTimeout: typical of a firewall that drops packets silently. */
export const connectTimeoutError = (d: Destination): TransportError =>
  new TransportError(
    'TRANSPORT_TIMEOUT',
    `no answer from ${target(d)} within ${formatDuration(d.connectTimeoutMs)}: a firewall may be dropping packets`,
    0,
    {
      path: d.path,
      hint: `check that firewalls between this machine and the server allow TCP to port ${d.port}, and that the address is right`,
    },
  );

/** The connection broke while messages were being written: `written` of `total` were confirmed. */
export const streamError = (error: unknown, d: Destination, written: number, total: number): TransportError => {
  const code = codeOf(error);
  const progress = `after ${written} of ${total} messages`;
  const hint = 'the server may have restarted or dropped the connection; the unconfirmed messages are sent again after reconnecting';
  if (error === undefined || code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_WRITE_AFTER_END') {
    const how = code === undefined || code === 'ERR_STREAM_WRITE_AFTER_END' ? '' : ` (${code})`;
    return new TransportError('TRANSPORT_CLOSED', `${target(d)} closed the connection${how} ${progress}`, written, {
      path: d.path,
      hint,
      ...(error === undefined ? {} : { cause: error }),
    });
  }
  return new TransportError('TRANSPORT_WRITE', `writing to ${target(d)} failed ${progress}: ${messageOf(error)}`, written, {
    path: d.path,
    hint,
    cause: error,
  });
};

/** The caller's signal aborted (the connector is shutting down). */
export const shutdownError = (d: Destination, written: number, reason: unknown): TransportError =>
  new TransportError('SHUTDOWN', `sending to ${target(d)} stopped after ${written} messages: the connector is shutting down`, written, {
    path: d.path,
    cause: reason,
  });

/** `send` after `close`. */
export const closedTransportError = (d: Destination): TransportError =>
  new TransportError('TRANSPORT_CLOSED', `the transport to ${target(d)} is closed`, 0, {
    path: d.path,
    hint: 'this is a bug in the caller: send() was called after close()',
  });

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
