import { createServer, connect, type Server } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as freePorts from './find-free-ports.js';
import type * as FreePorts from './find-free-ports.js';
import { requireOracle } from './oracle-availability.js';
import { RsyslogOracle } from './rsyslog-oracle.js';
import { SyslogNgOracle } from './syslog-ng-oracle.js';
import { octetCounted, sendTcp } from './test-sender.js';

vi.mock('./find-free-ports.js', async (importActual) => {
  const actual = await importActual<typeof FreePorts>();
  return { findFreePorts: vi.fn(actual.findFreePorts) };
});

const occupy = (): Promise<Server> =>
  new Promise((resolve) => {
    const server = createServer((socket) => socket.destroy());
    server.listen(0, '127.0.0.1', () => resolve(server));
  });

const portOf = (server: Server): number => {
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
};

const refuses = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

describe.each([
  ['rsyslog', RsyslogOracle] as const,
  ['syslog-ng', SyslogNgOracle] as const,
])('%s oracle start and stop', (name, Oracle) => {
  let occupied: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => (occupied === undefined ? resolve(undefined) : occupied.close(resolve)));
    occupied = undefined;
  });

  it.skipIf(requireOracle(name))('retries with new ports when the picked port was taken in the meantime', async () => {
    occupied = await occupy();
    vi.mocked(freePorts.findFreePorts).mockClear().mockResolvedValueOnce([portOf(occupied)]);
    const oracle = await Oracle.start({ inputs: [{ protocol: 'tcp' }] });
    try {
      expect(freePorts.findFreePorts).toHaveBeenCalledTimes(2);
      expect(oracle.ports[0]).not.toBe(portOf(occupied));
      await sendTcp(oracle.ports[0] as number, octetCounted(['<14>1 - h app - - - after retry']));
      expect((await oracle.received(1)).map((r) => r.msg)).toEqual(['after retry']);
    } finally {
      await oracle.stop();
    }
  });

  it.skipIf(requireOracle(name))('stops the daemon, so its port refuses connections, and tolerates a second stop', async () => {
    const oracle = await Oracle.start({ inputs: [{ protocol: 'tcp' }] });
    await oracle.stop();
    await oracle.stop();
    expect(await refuses(oracle.ports[0] as number)).toBe(true);
  });
});
