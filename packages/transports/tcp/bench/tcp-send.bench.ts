import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { configPlace, systemClock } from '@syslog-connector/core';
import { expect, test } from 'vitest';
import { RecordingLogger } from '@syslog-connector/testing';
import type * as TcpTransportModule from '../src/index.js';

/*
 * One iteration sends a batch of 1,000 messages of ~400 bytes (the size FACTS' REAL-PEERS throughput figures use)
 * to a loopback sink that only counts bytes, and waits until the transport confirms them. The baseline in the same
 * run is the obvious implementation: one socket.write per frame, each with its own callback. It measures the built
 * bundle (`dist/`), as the host loads it.
 */
const bundle = fileURLToPath(new URL('../dist/index.js', import.meta.url));
if (!existsSync(bundle)) throw new Error('dist/index.js is missing: run `pnpm run build` before `vitest bench`.');
const { TcpTransport, tcpOptions, frameMessage } = (await import(/* @vite-ignore */ bundle)) as typeof TcpTransportModule;

const BATCH = 1_000;
const line = `<14>Dec  5 05:26:45 sensor-01 CEF:0|Trend Micro|Trend Vision One|1.0.0|900001|Workbench Alert|7|${'k=v '.repeat(70)}`;
const batch = Array.from({ length: BATCH }, () => line);
const never = new AbortController().signal;

test('sends 1,000 messages of ~400 bytes per iteration', async ({ bench }) => {
  let received = 0;
  const sink = createServer((socket) => socket.on('data', (chunk: Buffer) => (received += chunk.length)));
  sink.listen(0, '127.0.0.1');
  await once(sink, 'listening');
  const port = (sink.address() as AddressInfo).port;
  const make = (framing: 'octet-counting' | 'lf') =>
    new TcpTransport(configPlace('destinations', 'bench', process.cwd()), tcpOptions.parse({ address: '127.0.0.1', port, framing }), { logger: new RecordingLogger(), clock: systemClock });
  const octet = make('octet-counting');
  const lf = make('lf');
  const naive: Socket = connect({ host: '127.0.0.1', port });
  await once(naive, 'connect');
  const naiveSend = () =>
    new Promise<void>((resolve, reject) => {
      let left = BATCH;
      for (const message of batch) {
        naive.write(frameMessage(message, 'octet-counting'), (error) => {
          if (error) reject(error);
          else if (--left === 0) resolve();
        });
      }
    });
  const results = await bench.compare(
    bench('baseline: one write per frame', naiveSend),
    bench('tcp: octet-counting', async () => void (await octet.send(batch, never))),
    bench('tcp: lf', async () => void (await lf.send(batch, never))),
    { time: 2_000 },
  );
  const rate = (name: Parameters<typeof results.get>[0]) => Math.round(results.get(name).throughput.mean * BATCH);
  const baseline = rate('baseline: one write per frame');
  for (const name of ['tcp: octet-counting', 'tcp: lf'] as const) {
    console.log(`${name}: ${rate(name).toLocaleString('en')} messages/s, ${(rate(name) / baseline).toFixed(2)}× baseline`);
  }
  console.log(`baseline: ${baseline.toLocaleString('en')} messages/s`);
  await Promise.all([octet.close(), lf.close()]);
  naive.destroy();
  await new Promise((resolve) => sink.close(resolve));
  expect(received).toBeGreaterThan(0);
});
