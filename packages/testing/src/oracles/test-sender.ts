// Test-only helper (not exported): sends hand-written syslog messages over plain node:net / node:dgram / node:tls,
// so the oracle tests depend on no transport of ours.
import { readFile } from 'node:fs/promises';
import { createSocket } from 'node:dgram';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls, type TLSSocket } from 'node:tls';

const LOOPBACK = '127.0.0.1';

export const octetCounted = (messages: readonly string[]): Buffer =>
  Buffer.concat(messages.flatMap((m) => [Buffer.from(`${Buffer.byteLength(m)} `), Buffer.from(m)]));

export const lfFramed = (messages: readonly string[]): Buffer => Buffer.from(messages.map((m) => `${m}\n`).join(''));

const finish = (socket: Socket | TLSSocket, data: Buffer, readyEvent: 'connect' | 'secureConnect'): Promise<void> =>
  new Promise((resolve, reject) => {
    socket.once(readyEvent, () => socket.end(data));
    socket.once('error', reject);
    socket.once('close', (hadError) => {
      if (!hadError) resolve();
    });
  });

export const sendTcp = (port: number, data: Buffer): Promise<void> => finish(connectTcp(port, LOOPBACK), data, 'connect');

export interface TlsClientFiles {
  readonly caFile: string;
  readonly clientCertFile?: string;
  readonly clientKeyFile?: string;
}

export const sendTls = async (port: number, data: Buffer, files: TlsClientFiles): Promise<void> => {
  const ca = await readFile(files.caFile);
  const client = files.clientCertFile !== undefined && files.clientKeyFile !== undefined
    ? { cert: await readFile(files.clientCertFile), key: await readFile(files.clientKeyFile) }
    : {};
  return finish(connectTls({ host: LOOPBACK, port, servername: 'localhost', ca, ...client }), data, 'secureConnect');
};

export const sendUdp = (port: number, messages: readonly string[]): Promise<void> =>
  new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    let left = messages.length;
    socket.once('error', reject);
    for (const m of messages) {
      socket.send(m, port, LOOPBACK, (error) => {
        if (error) reject(error);
        else if (--left === 0) {
          socket.close();
          resolve();
        }
      });
    }
  });
