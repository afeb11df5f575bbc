import { configPlace, systemClock } from '@syslog-connector/core';
import { requireOracle, RsyslogOracle, type SyslogOracle } from '@syslog-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tcpOptions } from '../src/options.js';
import { TcpTransport } from '../src/tcp-transport.js';
import { RecordingLogger } from '@syslog-connector/testing';

const never = new AbortController().signal;
/** Every field compared: an oracle that merely "received something" proves little (REAL-PEERS). */
const message = (i: number) => `<134>1 2024-01-31T10:00:00.123Z sensor-01 syslog-connector 42 TEST${i} [ex@32473 n="${i}" q="a\\"b"] message ${i} ünïcødé ✓`;

describe.skipIf(requireOracle('rsyslog'))('tcp transport → rsyslog (a server we did not write)', () => {
  let oracle: SyslogOracle;
  beforeAll(async () => {
    oracle = await RsyslogOracle.start({ inputs: [{ protocol: 'tcp', framing: 'octet-counting' }, { protocol: 'tcp', framing: 'lf' }] });
  }, 30_000);
  afterAll(async () => oracle?.stop());

  it.each([
    ['octet-counting', 0],
    ['lf', 1],
  ] as const)('rsyslog parses every field of what we send with %s framing', async (framing, input) => {
    const tcp = new TcpTransport(configPlace('destinations', 'rsyslog', process.cwd()), tcpOptions.parse({ address: '127.0.0.1', port: oracle.ports[input], framing }), {
      logger: new RecordingLogger(),
      clock: systemClock,
    });
    try {
      const messages = Array.from({ length: 200 }, (_, i) => message(i));
      await tcp.send(messages, never);
      // rsyslog answers our end of stream once it has read everything: the confirmation a graceful stop relies on.
      expect(await tcp.finish(AbortSignal.timeout(10_000))).toBe(true);
      const records = await oracle.received(200, 10_000);
      records.forEach((record, i) => {
        expect(record).toMatchObject({
          pri: 134,
          hostname: 'sensor-01',
          appName: 'syslog-connector',
          procId: '42',
          msgId: `TEST${i}`,
          structuredData: { 'ex@32473': { n: String(i), q: 'a"b' } },
          msg: `message ${i} ünïcødé ✓`,
        });
        expect(record.timestamp).toMatch(/^2024-01-31T10:00:00\.123/);
      });
    } finally {
      await tcp.close();
    }
  });
});
