import { configPlace, systemClock } from '@syslog-connector/core';
import { createPkiFolder, type PkiFolder, RecordingLogger, requireOracle, RsyslogOracle, type SyslogOracle } from '@syslog-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relpOptions } from '../src/options.js';
import { RelpTransport } from '../src/relp-transport.js';

const never = new AbortController().signal;
const message = (i: number) => `<134>1 2024-01-31T10:00:00.123Z sensor-01 syslog-connector 42 RELPTLS${i} - over relp+tls ${i} ✓`;

/** imrelp with tls="on" (librelp built with GnuTLS, Debian's default), a client certificate required (certvalid). */
describe.skipIf(requireOracle('rsyslog-relp'))('relp transport over TLS → rsyslog imrelp tls="on"', () => {
  let pki: PkiFolder;
  let oracle: SyslogOracle;
  const file = (name: string) => pki.file(name);

  beforeAll(async () => {
    pki = await createPkiFolder();
    oracle = await RsyslogOracle.start({
      inputs: [{ protocol: 'relp', tls: { caFile: file('ca.pem'), certFile: file('server.pem'), keyFile: file('server-key.pem'), clientAuth: 'required' } }],
    });
  }, 30_000);
  afterAll(async () => {
    await oracle?.stop();
    await pki?.remove();
  });

  const transport = (tls: Record<string, unknown>) =>
    new RelpTransport(
      // Relative tls paths are taken from the config file's folder: the PKI's folder here.
      configPlace('destinations', 'siem', pki.dir),
      relpOptions.parse({ address: '127.0.0.1', port: oracle.ports[0], connectTimeout: '3s', reconnect: { initialDelay: '10ms', maxDelay: '10ms' }, tls }),
      { logger: new RecordingLogger(), clock: systemClock },
    );

  it('delivers over TLS with a verified server and a client certificate, every message acknowledged', async () => {
    const relp = transport({ ca: './ca.pem', cert: './client.pem', key: './client-key.pem' });
    try {
      await expect(relp.send(Array.from({ length: 50 }, (_, i) => message(i)), never)).resolves.toEqual({ written: 50 });
      expect(await relp.finish(AbortSignal.timeout(5_000))).toBe(true);
      const records = await oracle.received(50, 10_000);
      expect(records.map((r) => [r.msgId, r.msg])).toEqual(Array.from({ length: 50 }, (_, i) => [`RELPTLS${i}`, `over relp+tls ${i} ✓`]));
      const certificates = await relp.certificates();
      expect(certificates.map((c) => [c.path, c.role])).toEqual([
        ['destinations.siem.tls.cert', 'client'],
        ['destinations.siem.tls.ca', 'ca'],
      ]);
    } finally {
      await relp.close();
    }
  });

  it('refuses a server certificate from another CA, naming tls.ca', async () => {
    const relp = transport({ ca: './other-ca.pem', cert: './client.pem', key: './client-key.pem' });
    try {
      await expect(relp.send([message(0)], never)).rejects.toMatchObject({ code: 'TRANSPORT_TLS', path: 'destinations.siem.tls', written: 0 });
    } finally {
      await relp.close();
    }
  });

  it('fails without a client certificate, and counts nothing as delivered (the server refuses before any rsp)', async () => {
    const relp = transport({ ca: './ca.pem' });
    try {
      const error = await relp.send([message(0)], never).then(
        () => undefined,
        (e: unknown) => e as { code: string; written: number; message: string; path: string },
      );
      expect(error).toMatchObject({ code: 'TRANSPORT_CONNECT', written: 0, path: 'destinations.siem.tls.cert' });
      expect(error?.message).toMatch(/closed the connection before answering the RELP open/);
    } finally {
      await relp.close();
    }
  });

  it('test-connection: resolve, connect, tls-handshake and relp-open, each reported', async () => {
    const relp = transport({ ca: './ca.pem', cert: './client.pem', key: './client-key.pem' });
    try {
      const steps = [];
      for await (const step of relp.check(AbortSignal.timeout(10_000))) steps.push(step);
      expect(steps.map((s) => [s.step, s.ok])).toEqual([
        ['resolve', true],
        ['connect', true],
        ['tls-handshake', true],
        ['relp-open', true],
      ]);
      expect(steps[2]?.detail).toMatch(/TLSv1\.[23]; server certificate "CN=localhost" verified/);
      expect(steps[3]?.detail).toMatch(/the server is librelp/);
    } finally {
      await relp.close();
    }
  });
});
