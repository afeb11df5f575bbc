import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { configPlace, systemClock, type Transport } from '@syslog-connector/core';
import { createCertificateAuthority, issueCertificate } from '@syslog-connector/testing';
// @ts-expect-error -- no type declarations
import syslogClient from 'syslog-client';
// @ts-expect-error -- no type declarations
import syslogPro from 'syslog-pro';
import { expect, test } from 'vitest';
import type * as TcpModule from '@syslog-connector/transport-tcp';
import type * as TlsModule from '../src/index.js';
import { RecordingLogger } from '@syslog-connector/testing';

/*
 * Messages per second and bytes per second from each sender to a loopback sink that only counts bytes, all in one
 * run: our tcp and tls transports (the built bundles, as the host loads them) and the npm packages syslog-client
 * (a persistent TCP connection, LF framing) and syslog-pro (a new TCP or TLS connection per message). Each sender
 * sends the same ~400-byte CEF line; a sender is done when it reports every message sent (ours: confirmed = handed
 * to the kernel; syslog-client: its write callback; syslog-pro: its promise, after the server closed). Then, with
 * the sink no longer reading, our transports are given 48 MiB and the heap is sampled: it must stay flat.
 */
const tlsBundle = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const tcpBundle = fileURLToPath(new URL('../../tcp/dist/index.js', import.meta.url));
for (const bundle of [tlsBundle, tcpBundle]) if (!existsSync(bundle)) throw new Error(`${bundle} is missing: build before \`pnpm bench\`.`);
const { TlsTransport, tlsOptions } = (await import(/* @vite-ignore */ tlsBundle)) as typeof TlsModule;
const { TcpTransport, tcpOptions } = (await import(/* @vite-ignore */ tcpBundle)) as typeof TcpModule;

const line = `<14>Dec  5 05:26:45 sensor-01 CEF:0|Trend Micro|Trend Vision One|1.0.0|900001|Workbench Alert|7|${'k=v '.repeat(70)}`;
const BATCH = 1_000;
const batch = Array.from({ length: BATCH }, () => line);
const never = new AbortController().signal;

interface Sink {
  readonly port: number;
  bytes: number;
  readonly sockets: Set<Socket>;
  close(): Promise<void>;
}

const sink = async (server: Server, tls: boolean): Promise<Sink> => {
  const state: Sink = { port: 0, bytes: 0, sockets: new Set(), close: async () => undefined };
  server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    state.sockets.add(socket);
    socket.on('data', (chunk: Buffer) => (state.bytes += chunk.length));
    socket.on('error', () => undefined);
    socket.on('close', () => state.sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return Object.assign(state, {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const socket of state.sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  });
};

interface Row {
  readonly name: string;
  readonly messages: number;
  readonly seconds: number;
  readonly bytes: number;
}

const timed = async (name: string, messages: number, target: Sink, run: () => Promise<void>): Promise<Row> => {
  const before = target.bytes;
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  return { name, messages, seconds, bytes: target.bytes - before };
};

const ours = (transport: Transport, messages: number) => async () => {
  for (let sent = 0; sent < messages; sent += BATCH) await transport.send(batch, never);
};

test('transport throughput: ours vs syslog-client and syslog-pro, and memory with a stalled sink', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'transport-bench-'));
  const ca = await createCertificateAuthority();
  const server = await issueCertificate(ca, { commonName: 'localhost', altNames: ['127.0.0.1'] });
  await writeFile(join(dir, 'ca.pem'), ca.cert);
  const tcpSink = await sink(createTcpServer(), false);
  const tlsSink = await sink(createTlsServer({ key: server.key, cert: server.cert }), true);
  const deps = { logger: new RecordingLogger(), clock: systemClock };
  const tcp = new TcpTransport(configPlace('destinations', 'bench', process.cwd()), tcpOptions.parse({ address: '127.0.0.1', port: tcpSink.port }), deps);
  const tls = new TlsTransport(configPlace('destinations', 'bench', process.cwd()), tlsOptions.parse({ address: '127.0.0.1', port: tlsSink.port, tls: { ca: join(dir, 'ca.pem') } }), deps);
  await ours(tcp, BATCH)(); // connect and warm up
  await ours(tls, BATCH)();

  const rows: Row[] = [];
  rows.push(await timed('syslog-connector tcp (octet-counting)', 300_000, tcpSink, ours(tcp, 300_000)));
  rows.push(await timed('syslog-connector tls (TLS 1.3, verified)', 300_000, tlsSink, ours(tls, 300_000)));

  const client = syslogClient.createClient('127.0.0.1', { port: tcpSink.port, transport: syslogClient.Transport.Tcp, rfc3164: true });
  const viaClient = (count: number) => () =>
    new Promise<void>((resolve, reject) => {
      let left = count;
      for (let i = 0; i < count; i++) {
        client.log(line, {}, (error: Error | undefined) => {
          if (error) reject(error);
          else if (--left === 0) resolve();
        });
      }
    });
  await viaClient(100)();
  rows.push(await timed('syslog-client 1.1.1 tcp', 100_000, tcpSink, viaClient(100_000)));
  client.close();

  const pro = (protocol: 'tcp' | 'tls', port: number, count: number) => async () => {
    const sender = new syslogPro.Syslog({ target: '127.0.0.1', port, protocol, tlsServerCerts: [join(dir, 'ca.pem')] });
    // One message per connection, as syslog-pro does it; a few in parallel to be fair to it.
    const PARALLEL = 8;
    for (let i = 0; i < count; i += PARALLEL) await Promise.all(Array.from({ length: PARALLEL }, () => sender.send(line)));
  };
  rows.push(await timed('syslog-pro 1.0.0 tcp', 2_000, tcpSink, pro('tcp', tcpSink.port, 2_000)));
  rows.push(await timed('syslog-pro 1.0.0 tls', 1_000, tlsSink, pro('tls', tlsSink.port, 1_000)));

  const rate = (row: Row) => row.messages / row.seconds;
  const fasterNpm = Math.max(...rows.filter((r) => !r.name.startsWith('syslog-connector')).map(rate));
  console.log('\n| sender | messages/s | MB/s | vs. faster npm package |\n|---|---|---|---|');
  for (const row of rows) {
    console.log(
      `| ${row.name} | ${Math.round(rate(row)).toLocaleString('en')} | ${(row.bytes / row.seconds / 1e6).toFixed(1)} | ${(rate(row) / fasterNpm).toFixed(1)}× |`,
    );
  }
  const [ourTcp, ourTls] = rows as [Row, Row];
  console.log(`\nTLS / TCP: ${((rate(ourTls) / rate(ourTcp)) * 100).toFixed(0)}%`);

  // Memory with a sink that stops reading: 48 MiB offered, heap sampled while the sends wait.
  const stalled: string[] = [];
  for (const [name, transport, target] of [
    ['tcp', tcp, tcpSink],
    ['tls', tls, tlsSink],
  ] as const) {
    for (const socket of target.sockets) socket.pause();
    const heapBefore = process.memoryUsage().heapUsed;
    let done = false;
    const sending = ours(transport, 120_000)().finally(() => (done = true));
    let peak = 0;
    for (let i = 0; i < 20; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      peak = Math.max(peak, process.memoryUsage().heapUsed - heapBefore);
    }
    stalled.push(`${name}: send still waiting: ${String(!done)}, heap growth while stalled ≤ ${(peak / 1e6).toFixed(1)} MB`);
    expect(done).toBe(false);
    for (const socket of target.sockets) socket.resume();
    await sending;
  }
  console.log(`\nSink stopped reading, 48 MiB offered:\n${stalled.join('\n')}`);

  expect(rate(ourTcp)).toBeGreaterThan(2 * fasterNpm);
  await Promise.all([tcp.close(), tls.close()]);
  await Promise.all([tcpSink.close(), tlsSink.close()]);
  await rm(dir, { recursive: true, force: true });
}, 300_000);
