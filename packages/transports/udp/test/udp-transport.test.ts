import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import type { Metrics } from '@syslog-connector/core';
import { configPlace, TransportError, type CheckStep } from '@syslog-connector/core';
import { SyslogReceiver } from '@syslog-connector/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { udpOptions } from '../src/options.js';
import { truncateUtf8 } from '../src/truncate-utf8.js';
import { UDP_CHECK_LIMITS, UDP_OVERSIZE_METRIC, UdpTransport, udpTransport } from '../src/udp-transport.js';
import { RecordingLogger } from '@syslog-connector/testing';

const never = new AbortController().signal;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

class CountingMetrics implements Metrics {
  readonly counts: Array<{ name: string; labels: Readonly<Record<string, string>>; by: number }> = [];
  increment(name: string, labels: Readonly<Record<string, string>> = {}, by = 1): void {
    this.counts.push({ name, labels, by });
  }
  snapshot() {
    return this.counts.map(({ name, labels, by }) => ({ name, labels, value: by }));
  }
}

const startReceiver = async (host = '127.0.0.1') => {
  const receiver = await SyslogReceiver.start({ protocol: 'udp', host });
  cleanups.push(() => receiver.stop());
  return receiver;
};

const transport = (input: Record<string, unknown>, logger = new RecordingLogger(), metrics = new CountingMetrics()) => {
  const instance = new UdpTransport(configPlace('destinations', 'siem', process.cwd()), udpOptions.parse({ address: '127.0.0.1', ...input }), { logger, metrics });
  cleanups.push(() => instance.close());
  return { instance, logger, metrics };
};

const message = (i: number) => `<14>1 2024-01-31T10:00:00.000Z host app - - - message ${i} ünïcødé ✓ 😀`;
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => message(from + k));

describe('udp transport', () => {
  it('sends one message per datagram, in order', async () => {
    const receiver = await startReceiver();
    const { instance } = transport({ port: receiver.port });
    await expect(instance.send(range(0, 100), never)).resolves.toEqual({ written: 100 });
    const got = await receiver.waitFor(100);
    expect(got.map((m) => m.raw)).toEqual(range(0, 100));
  });

  it('speaks IPv6, and resolves host names', async () => {
    const v6 = await startReceiver('::1');
    await transport({ address: '::1', port: v6.port }).instance.send([message(1)], never);
    expect((await v6.waitFor(1))[0]?.remoteAddress).toBe('::1');
    const v4 = await startReceiver();
    await transport({ address: 'localhost', port: v4.port }).instance.send([message(2)], never).catch(() => undefined);
    // localhost may resolve to ::1 first; either way the lookup went through the resolver.
    const steps: CheckStep[] = [];
    for await (const step of transport({ address: 'localhost', port: v4.port }).instance.check(never)) steps.push(step);
    expect(steps[0]).toMatchObject({ step: 'resolve', ok: true, detail: expect.stringMatching(/^localhost → /) });
  });

  it('truncates a message over maxMessageSize at a character boundary, and counts it', async () => {
    const receiver = await startReceiver();
    const { instance, metrics, logger } = transport({ port: receiver.port, maxMessageSize: 480 });
    const long = `<14>1 - - - - - - ${'é'.repeat(300)}`;
    await instance.send([long, message(1)], never);
    const got = await receiver.waitFor(2);
    expect(got[0]?.bytes.length).toBeLessThanOrEqual(480);
    expect(long.startsWith(got[0]?.raw ?? 'x')).toBe(true);
    expect(got[1]?.raw).toBe(message(1));
    expect(metrics.counts).toEqual([{ name: UDP_OVERSIZE_METRIC, labels: { destination: 'siem', action: 'truncated' }, by: 1 }]);
    expect(logger.records.map((r) => r.message)).toContain('Messages over maxMessageSize were truncated.');
  });

  it('tells the formatter its datagram size with oversize truncate, so the line keeps its keys; none with drop', () => {
    expect(transport({ port: 514, maxMessageSize: 1400 }).instance.maxMessageBytes).toBe(1400);
    expect(transport({ port: 514 }).instance.maxMessageBytes).toBe(2048);
    expect(transport({ port: 514, oversize: 'drop' }).instance.maxMessageBytes).toBeUndefined();
  });

  it('drops a message over maxMessageSize when told to, and counts it', async () => {
    const receiver = await startReceiver();
    const { instance, metrics } = transport({ port: receiver.port, maxMessageSize: 480, oversize: 'drop' });
    await expect(instance.send([message(0), 'x'.repeat(481), message(2)], never)).resolves.toEqual({ written: 3 });
    const got = await receiver.waitFor(2);
    expect(got.map((m) => m.raw)).toEqual([message(0), message(2)]);
    expect(metrics.counts[0]?.labels).toEqual({ destination: 'siem', action: 'dropped' });
  });

  it('notices ICMP port unreachable on its connected socket', async () => {
    const probe = createSocket('udp4');
    probe.bind(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = probe.address().port;
    probe.close();
    const { instance } = transport({ port });
    let error: unknown;
    for (let i = 0; i < 20 && error === undefined; i++) {
      try {
        await instance.send([message(i)], never);
        await new Promise((resolve) => setTimeout(resolve, 20));
      } catch (e) {
        error = e;
      }
    }
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).message).toMatch(
      new RegExp(`^nothing is listening on UDP 127\\.0\\.0\\.1:${port}: its host answered ICMP port unreachable`),
    );
    expect((error as TransportError).written).toBe(0);
  });

  it('says honestly what its check can and cannot prove', async () => {
    const receiver = await startReceiver();
    const steps: CheckStep[] = [];
    for await (const step of transport({ port: receiver.port }).instance.check(never)) steps.push(step);
    expect(steps.map((s) => [s.step, s.ok])).toEqual([['resolve', true], ['connect', true], ['udp-limits', true]]);
    expect(steps[2]?.detail).toBe(UDP_CHECK_LIMITS);
    expect(receiver.messages).toHaveLength(0);
  });

  it('is the `udp` plugin, port 514, 2048 bytes, truncate by default', () => {
    expect(udpTransport.meta.delivery).toBe('best-effort');
    expect(udpOptions.parse({ address: 'siem' })).toEqual({ address: 'siem', port: 514, maxMessageSize: 2048, oversize: 'truncate' });
    expect(udpOptions.safeParse({ address: 'siem', maxMessageSize: 100 }).error?.issues[0]?.message).toMatch(/at least 480 bytes/);
  });

  it('truncateUtf8 never splits a character', () => {
    const bytes = Buffer.from('aé😀', 'utf8'); // 1 + 2 + 4 bytes
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => truncateUtf8(bytes, n).toString('utf8'))).toEqual(['a', 'a', 'aé', 'aé', 'aé', 'aé', 'aé😀']);
  });
});
