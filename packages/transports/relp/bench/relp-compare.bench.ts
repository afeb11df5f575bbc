import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { configPlace, systemClock, type Transport } from '@syslog-connector/core';
import { createCertificateAuthority, issueCertificate, oraclesAvailable, RecordingLogger, RsyslogOracle } from '@syslog-connector/testing';
import { expect, test } from 'vitest';
import type * as TcpModule from '@syslog-connector/transport-tcp';
import type * as TlsModule from '@syslog-connector/transport-tls';
import type * as RelpModule from '../src/index.js';

/*
 * Messages per second from our tcp, tls and relp transports (the built bundles, as the host loads them) to loopback
 * sinks in one run, the same ~400-byte CEF line in batches of 1,000. The tcp and tls sinks only count bytes (their
 * "confirmed" is: handed to this machine's kernel). The relp sinks read each frame and answer it at once with
 * `rsp 200 OK`, one write per chunk read (the least a RELP server can do), so relp's figure includes the round
 * trips of its acknowledgements. Like rsyslog 8.2302's imrelp, the sink leaves Nagle on: the last answers of a send
 * wait for our delayed ACK (~40 ms on Linux), once per send — the figure that bounds RELP against imrelp (README).
 * A last row sends to a real rsyslog imrelp when it is installed. Ratios are to tcp in the same run.
 */
const bundles = {
  relp: fileURLToPath(new URL('../dist/index.js', import.meta.url)),
  tcp: fileURLToPath(new URL('../../tcp/dist/index.js', import.meta.url)),
  tls: fileURLToPath(new URL('../../tls/dist/index.js', import.meta.url)),
};
for (const bundle of Object.values(bundles)) if (!existsSync(bundle)) throw new Error(`${bundle} is missing: build before \`pnpm bench\`.`);
const { RelpTransport, relpOptions } = (await import(/* @vite-ignore */ bundles.relp)) as typeof RelpModule;
const { TcpTransport, tcpOptions } = (await import(/* @vite-ignore */ bundles.tcp)) as typeof TcpModule;
const { TlsTransport, tlsOptions } = (await import(/* @vite-ignore */ bundles.tls)) as typeof TlsModule;

const line = `<14>Dec  5 05:26:45 sensor-01 CEF:0|Trend Micro|Trend Vision One|1.0.0|900001|Workbench Alert|7|${'k=v '.repeat(70)}`;
const BATCH = 1_000;
const MESSAGES = 200_000;
const batch = Array.from({ length: BATCH }, () => line);
const never = new AbortController().signal;

interface Sink {
  readonly port: number;
  bytes: number;
  close(): Promise<void>;
}

/** Counts bytes; with `relp`, answers open / syslog / close frames as imrelp would (200 OK), in order. */
const sink = async (server: Server, tls: boolean, relp: boolean): Promise<Sink> => {
  const sockets = new Set<Socket>();
  const state: Sink = { port: 0, bytes: 0, close: async () => undefined };
  server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    sockets.add(socket);
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      state.bytes += chunk.length;
      if (!relp) return;
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let answers = '';
      let at = 0;
      for (;;) {
        const sp1 = pending.indexOf(0x20, at);
        const sp2 = sp1 < 0 ? -1 : pending.indexOf(0x20, sp1 + 1);
        if (sp2 < 0) break;
        let i = sp2 + 1;
        while (i < pending.length && (pending[i] as number) >= 0x30 && (pending[i] as number) <= 0x39) i++;
        if (i >= pending.length) break;
        const length = Number(pending.toString('latin1', sp2 + 1, i));
        const end = (length === 0 ? i : i + 1 + length) + 1;
        if (end > pending.length) break;
        const txnr = pending.toString('latin1', at, sp1);
        const command = pending.toString('latin1', sp1 + 1, sp2);
        answers += command === 'open' ? `${txnr} rsp 37 200 OK\nrelp_version=0\ncommands=syslog\n` : command === 'close' ? `${txnr} rsp 0\n` : `${txnr} rsp 6 200 OK\n`;
        at = end;
      }
      pending = pending.subarray(at);
      if (answers !== '') socket.write(answers);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return Object.assign(state, {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  });
};

const ours = (transport: Transport, messages: number) => async () => {
  for (let sent = 0; sent < messages; sent += BATCH) await transport.send(batch, never);
};

test('relp beside tcp and tls: messages per second, same run', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'relp-bench-'));
  const ca = await createCertificateAuthority();
  const server = await issueCertificate(ca, { commonName: 'localhost', altNames: ['127.0.0.1'] });
  await writeFile(join(dir, 'ca.pem'), ca.cert);
  const place = configPlace('destinations', 'bench', dir);
  const deps = { logger: new RecordingLogger(), clock: systemClock };
  const tlsServer = () => createTlsServer({ key: server.key, cert: server.cert });
  const sinks = {
    tcp: await sink(createTcpServer(), false, false),
    tls: await sink(tlsServer(), true, false),
    relp: await sink(createTcpServer(), false, true),
    relpTls: await sink(tlsServer(), true, true),
  };
  const senders: Array<readonly [string, Transport]> = [
    ['tcp (octet-counting)', new TcpTransport(place, tcpOptions.parse({ address: '127.0.0.1', port: sinks.tcp.port }), deps)],
    ['tls (TLS 1.3, verified)', new TlsTransport(place, tlsOptions.parse({ address: '127.0.0.1', port: sinks.tls.port, tls: { ca: './ca.pem' } }), deps)],
    ['relp (window 128, the default)', new RelpTransport(place, relpOptions.parse({ address: '127.0.0.1', port: sinks.relp.port }), deps)],
    ['relp (window 1024)', new RelpTransport(place, relpOptions.parse({ address: '127.0.0.1', port: sinks.relp.port, window: 1024 }), deps)],
    ['relp over TLS (window 128)', new RelpTransport(place, relpOptions.parse({ address: '127.0.0.1', port: sinks.relpTls.port, tls: { ca: './ca.pem' } }), deps)],
  ];
  for (const [, transport] of senders) await ours(transport, BATCH)(); // connect and warm up

  const rows: Array<{ name: string; rate: number }> = [];
  for (const [name, transport] of senders) {
    const started = performance.now();
    await ours(transport, MESSAGES)();
    rows.push({ name, rate: MESSAGES / ((performance.now() - started) / 1000) });
  }
  // The real server, when installed: rsyslog's imrelp through the test kit's oracle (it also parses each message
  // and writes it as JSON, so this is rsyslog at work, not an idle sink). Fewer messages: it is slower.
  const imrelp = oraclesAvailable()['rsyslog-relp'];
  if (imrelp.available) {
    const oracle = await RsyslogOracle.start({ inputs: [{ protocol: 'relp' }] });
    const toRsyslog = new RelpTransport(place, relpOptions.parse({ address: '127.0.0.1', port: oracle.ports[0] }), deps);
    await ours(toRsyslog, BATCH)();
    const count = 50_000;
    const started = performance.now();
    await ours(toRsyslog, count)();
    rows.push({ name: 'relp → rsyslog 8.2302 imrelp (window 128)', rate: count / ((performance.now() - started) / 1000) });
    await toRsyslog.close();
    await oracle.stop();
  } else {
    console.log(`(no rsyslog imrelp row: ${imrelp.reason})`);
  }
  const tcp = rows[0]?.rate ?? 1;
  console.log('\n| transport | messages/s | vs. tcp |\n|---|---|---|');
  for (const row of rows) console.log(`| ${row.name} | ${Math.round(row.rate).toLocaleString('en')} | ${(row.rate / tcp).toFixed(2)}× |`);

  for (const [, transport] of senders) await transport.close();
  for (const s of Object.values(sinks)) await s.close();
  await rm(dir, { recursive: true, force: true });
  expect(rows.every((row) => row.rate > 0)).toBe(true);
}, 300_000);
