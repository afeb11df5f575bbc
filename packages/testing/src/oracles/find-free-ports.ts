import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import type { OracleProtocol } from './oracle-input.js';

const LOOPBACK = '127.0.0.1';

const holdTcp = (): Promise<{ port: number; close: () => Promise<void> }> =>
  new Promise((resolve, reject) => {
    const server: Server = createServer();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve({ port, close: () => new Promise((done) => server.close(() => done())) });
    });
  });

const holdUdp = (): Promise<{ port: number; close: () => Promise<void> }> =>
  new Promise((resolve, reject) => {
    const socket: UdpSocket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, LOOPBACK, () => {
      resolve({ port: socket.address().port, close: () => new Promise((done) => socket.close(() => done())) });
    });
  });

/**
 * Distinct loopback ports that were free a moment ago, one per protocol. A daemon cannot report back the port the
 * kernel gave it for port 0, so the oracle binds and closes, hands the numbers to the daemon, and retries on the
 * rare collision. All sockets are held until every port is picked, so the ports are distinct.
 */
export const findFreePorts = async (protocols: readonly OracleProtocol[]): Promise<number[]> => {
  const held: { port: number; close: () => Promise<void> }[] = [];
  try {
    for (const protocol of protocols) held.push(await (protocol === 'udp' ? holdUdp() : holdTcp()));
    return held.map((h) => h.port);
  } finally {
    await Promise.all(held.map((h) => h.close()));
  }
};
