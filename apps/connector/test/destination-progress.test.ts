import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_MAX_UNCONFIRMED } from '@syslog-connector/core/engine';
import { requireOracle, RsyslogOracle, SyslogReceiver, type SyslogOracle } from '@syslog-connector/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConnectorProcess, missing, peakRssMb, readStatus, sequenceNumbers, sleep, startConnector, waitUntil, writeSequenceConfig } from './connector-process.js';

/**
 * Issue #16, "destinations always progress", with the real CLI as a child process, a real store and real sockets:
 * a receiver that breaks connections more often than the unconfirmed window still gets every event, and a fault
 * (a receiver restart, a SIGKILL of the daemon) re-sends at most the unconfirmed window: `maxUnconfirmed`, 2,000
 * messages by default (DestinationRunner). Each test prints what it measured; the numbers are in the README.
 */
const MAX_UNCONFIRMED = DEFAULT_MAX_UNCONFIRMED;
/** The relp transport's default window: the most it has unacknowledged, and the most one send carries. */
const RELP_WINDOW = 128;

let dir: string;
let configPath: string;
const cleanups: Array<() => Promise<unknown>> = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sc-progress-'));
  configPath = join(dir, 'syslog-connector.yaml');
});
afterEach(async () => {
  await Promise.allSettled(cleanups.splice(0).map((cleanup) => cleanup()));
  await rm(dir, { recursive: true, force: true });
});

const connector = (args: readonly string[] = [], env: Record<string, string> = {}): ConnectorProcess => {
  const started = startConnector(configPath, args, env);
  cleanups.push(() => started.kill());
  return started;
};

describe('a receiver that resets the connection every N frames (TCP, SyslogReceiver)', () => {
  for (const every of [50, 500, 1_500]) {
    it(`every event arrives when the receiver resets every ${every} frames, in bounded sends`, async () => {
      const siem = await SyslogReceiver.start({ protocol: 'tcp', framing: 'octet-counting' });
      cleanups.push(() => siem.stop());
      const onConnection = new Map<number, number>();
      const reset = new Set<number>();
      siem.onMessage((message) => {
        const count = (onConnection.get(message.connection) ?? 0) + 1;
        onConnection.set(message.connection, count);
        if (count !== every) return;
        // The rest of the chunk being decoded is still read: a reset comes after about N frames.
        reset.add(message.connection);
        void siem.dropConnections('reset');
      });
      // 7,500 at 1,500: the measurement (171,000 frames sent, the cursor never moved).
      const total = every === 1_500 ? 7_500 : 4_000;
      // The whole backlog is journaled within a second: the destination sends as fast as it can.
      const admin = ['admin:', '  listen: 127.0.0.1:0', '  token: ${SYSLOG_CONNECTOR_ADMIN_TOKEN}'];
      await writeSequenceConfig(configPath, { total, batchSize: 500, pollIntervalMs: 10, batchesPerPoll: 2 }, [{ id: 'siem', port: siem.port }], admin);
      const token = randomBytes(16).toString('hex');
      const started = Date.now();
      const daemon = connector(['--drain-timeout', '2s'], { SYSLOG_CONNECTOR_ADMIN_TOKEN: token });
      await waitUntil(() => missing(sequenceNumbers(siem.messages), total).length === 0, 60_000, `every event (reset every ${every})`);
      const elapsedMs = Date.now() - started;
      // The running daemon's metric counts every re-send so far: at least the duplicates the receiver has seen.
      const seenNow = sequenceNumbers(siem.messages).length - total;
      const url = /Admin listener on (http:\/\/[^\s)]+)/.exec(daemon.logs())?.[1];
      const metrics = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5_000) })).text();
      const resentMetric = Number(/^syslog_connector_events_resent_total\{destination="siem"\} (\d+)$/m.exec(metrics)?.[1]);
      expect(resentMetric).toBeGreaterThanOrEqual(seenNow);
      const peakMb = await peakRssMb(daemon.child.pid);
      expect(await daemon.stop()).toBe(0);
      // `status` reads the same store; without the admin section it needs no token in its environment.
      await writeSequenceConfig(configPath, { total, batchSize: 500, pollIntervalMs: 10, batchesPerPoll: 2 }, [{ id: 'siem', port: siem.port }]);

      const numbers = sequenceNumbers(siem.messages);
      expect(missing(numbers, total)).toEqual([]);
      const duplicates = numbers.length - total;
      const status = await readStatus(configPath);
      console.info(
        `reset every ${every}: ${numbers.length} frames read for ${total} events (${(numbers.length / total).toFixed(2)}/event), ` +
          `${duplicates} duplicates over ${reset.size} resets, re-sent ${status.destinations[0]?.resent}, ${elapsedMs} ms, peak RSS ${peakMb} MB`,
      );
      // Issue #16: bounded memory however often the receiver resets.
      expect(peakMb).toBeLessThan(256);
      // Before: the first 1,500 were read 64 times and the cursor never moved (171,000 frames for 7,500 events).
      expect(numbers.length / total).toBeLessThanOrEqual(3);
      // A reset costs at most what the receiver read on that connection, and every re-send is counted.
      const readOnResetConnections = [...reset].reduce((sum, id) => sum + (onConnection.get(id) ?? 0), 0);
      expect(duplicates).toBeLessThanOrEqual(readOnResetConnections);
      expect(status.destinations[0]).toMatchObject({ destination: 'siem', delivered: total, lag: 0 });
      expect(status.destinations[0]?.resent).toBeGreaterThanOrEqual(duplicates);
    }, 90_000);
  }
});

const openssl = promisify(execFile);

/** A throw-away CA and a server certificate for 127.0.0.1 (openssl CLI), for rsyslog's TLS input. */
const serverPki = async (folder: string) => {
  const file = (name: string) => join(folder, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await openssl('openssl', ['req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2', '-subj', '/CN=progress-test-ca']);
  await openssl('openssl', ['req', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=localhost']);
  await writeFile(file('server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  await openssl('openssl', ['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('server.pem'), '-days', '2', '-extfile', file('server.ext')]);
  return { caFile: file('ca.pem'), certFile: file('server.pem'), keyFile: file('server.key') };
};

describe.skipIf(requireOracle('rsyslog'))('faults during a backlog, delivered to rsyslog (RsyslogOracle)', () => {
  for (const protocol of ['tcp', 'tls', 'relp'] as const) {
    it.skipIf(protocol === 'relp' && requireOracle('rsyslog-relp'))(`${protocol}: two SIGKILLs of the daemon and two rsyslog restarts: nothing lost, duplicates within the window per fault`, async () => {
      const pki = protocol === 'tls' ? await serverPki(dir) : undefined;
      const oracle: SyslogOracle = await RsyslogOracle.start({
        inputs: [pki === undefined ? { protocol: protocol === 'relp' ? 'relp' : 'tcp' } : { protocol: 'tls', tls: pki }],
      });
      cleanups.push(() => oracle.stop());
      const port = oracle.ports[0] as number;
      const total = 8_000;
      // ~2,500 events/s journaled for ~3 s: the faults fall while a backlog flows.
      await writeSequenceConfig(configPath, { total, batchSize: 50, pollIntervalMs: 20 }, [{ id: 'siem', port }]);
      if (pki !== undefined) {
        const text = await readFile(configPath, 'utf8');
        await writeFile(configPath, text.replace('    protocol: tcp', `    protocol: tls\n    tls: { ca: ${JSON.stringify(pki.caFile)} }`));
      }
      if (protocol === 'relp') {
        const text = await readFile(configPath, 'utf8');
        await writeFile(configPath, text.replace('    protocol: tcp', '    protocol: relp'));
      }
      const numbers: number[] = [];
      const collect = async () => {
        for (const record of await oracle.takeReceived()) numbers.push(Number(/externalId=seq-(\d+)/.exec(record.msg)?.[1] ?? Number.NaN));
        return numbers.length;
      };
      const arrived = async (count: number, what: string) => {
        for (const deadline = Date.now() + 30_000; (await collect()) < count; await sleep(20)) {
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${numbers.length} records\n${oracle.diagnostics()}`);
        }
      };

      let daemon = connector();
      await arrived(1_000, '1,000 records before the first SIGKILL');
      await daemon.kill();
      daemon = connector();
      await arrived(2_500, '2,500 records before the first rsyslog restart');
      await oracle.restart();
      await arrived(4_000, '4,000 records before the second SIGKILL');
      await daemon.kill();
      daemon = connector();
      await arrived(5_500, '5,500 records before the second rsyslog restart');
      await oracle.restart();
      for (const deadline = Date.now() + 45_000; missing((await collect(), numbers), total).length > 0; await sleep(50)) {
        if (Date.now() > deadline) throw new Error(`missing ${missing(numbers, total).length} events\n${daemon.logs().slice(-2_000)}`);
      }
      expect(await daemon.stop()).toBe(0);
      await sleep(300);
      await collect();

      expect(missing(numbers, total)).toEqual([]);
      const faults = 4;
      const duplicates = numbers.length - total;
      const status = await readStatus(configPath);
      console.info(
        `${protocol}: ${total} events, ${numbers.length} records at rsyslog, ${duplicates} duplicates over ${faults} faults ` +
          `(${Math.round(duplicates / faults)} per fault), re-sent ${status.destinations[0]?.resent} (SIGKILL re-sends not counted)`,
      );
      if (protocol === 'relp') {
        // RELP: the cursor moves as the server acknowledges (Transport.acknowledged), one window per send
        // (Transport.maxBatch). An rsyslog restart re-sends at most the unacknowledged window; a SIGKILL at most the
        // send in flight, whose acknowledgements were not committed yet: again one window (128).
        expect(duplicates).toBeLessThanOrEqual(faults * RELP_WINDOW);
      } else {
        // Each fault re-sends at most the unconfirmed window (maxUnconfirmed), whatever the send rate.
        expect(duplicates).toBeLessThanOrEqual(faults * MAX_UNCONFIRMED);
      }
      expect(status.destinations[0]).toMatchObject({ destination: 'siem', delivered: total, lag: 0 });
    }, 90_000);
  }
});
