import { configPlace, systemClock, TransportError, type CheckStep } from '@syslog-connector/core';
import { createPkiFolder, type PkiFolder, requireOracle, RsyslogOracle, type SyslogOracle } from '@syslog-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tlsOptions } from '../src/options.js';
import { TlsTransport } from '../src/tls-transport.js';
import { RecordingLogger } from '@syslog-connector/testing';

const never = new AbortController().signal;
const message = (i: number) => `<134>1 2024-01-31T10:00:00.123Z sensor-01 syslog-connector 42 TLS${i} - over tls ${i} ✓`;

/**
 * rsyslog with both TLS drivers, each requiring a client certificate (x509/certvalid), with certificates this test
 * makes: the real-world "Server requires client authentication" setup, and the ways it goes wrong.
 */
describe.skipIf(requireOracle('rsyslog'))('tls transport → rsyslog (gtls and ossl, client certificate required)', () => {
  let pki: PkiFolder;
  let oracle: SyslogOracle;
  const file = (name: string) => pki.file(name);
  const ports: { gtls: number; ossl: number } = { gtls: 0, ossl: 0 };

  beforeAll(async () => {
    pki = await createPkiFolder();
    const tls = { caFile: file('ca.pem'), certFile: file('server.pem'), keyFile: file('server-key.pem'), clientAuth: 'required' } as const;
    oracle = await RsyslogOracle.start({
      inputs: [
        { protocol: 'tls', tls: { ...tls, driver: 'gtls' } },
        { protocol: 'tls', tls: { ...tls, driver: 'ossl' } },
      ],
    });
    [ports.gtls, ports.ossl] = oracle.ports as [number, number];
  }, 30_000);
  afterAll(async () => {
    await oracle?.stop();
    await pki?.remove();
  });

  const transport = (driver: 'gtls' | 'ossl', tls: Record<string, unknown>) =>
    new TlsTransport(
      configPlace('destinations', 'siem', process.cwd()),
      tlsOptions.parse({ address: '127.0.0.1', port: ports[driver], connectTimeout: '3s', reconnect: { initialDelay: '10ms', maxDelay: '10ms' }, tls: { ca: file('ca.pem'), ...tls } }),
      { logger: new RecordingLogger(), clock: systemClock },
    );
  const steps = async (t: TlsTransport): Promise<CheckStep[]> => {
    const all: CheckStep[] = [];
    for await (const step of t.check(never)) all.push(step);
    await t.close();
    return all;
  };

  for (const driver of ['gtls', 'ossl'] as const) {
    describe(driver, () => {
      it('delivers with a client certificate, every field intact', async () => {
        const t = transport(driver, { cert: file('client.pem'), key: file('client-key.pem') });
        try {
          await t.send(Array.from({ length: 50 }, (_, i) => message(i)), never);
          // rsyslog answers our end of the TLS stream once it has read everything (what a graceful stop relies on).
          expect(await t.finish(AbortSignal.timeout(10_000))).toBe(true);
          const records = await oracle.received(50, 10_000);
          records.forEach((record, i) => expect(record).toMatchObject({ hostname: 'sensor-01', appName: 'syslog-connector', msgId: `TLS${i}`, msg: `over tls ${i} ✓` }));
        } finally {
          await t.close();
        }
        const all = await steps(transport(driver, { cert: file('client.pem'), key: file('client-key.pem') }));
        expect(all.map((s) => [s.step, s.ok])).toEqual([['resolve', true], ['connect', true], ['tls-handshake', true], ['tls-session', true]]);
      });

      it('unknown CA: the server certificate is not signed by tls.ca', async () => {
        const failed = (await steps(transport(driver, { ca: file('other-ca.pem'), cert: file('client.pem'), key: file('client-key.pem') }))).find((s) => !s.ok);
        expect(failed).toMatchObject({ step: 'tls-handshake', detail: expect.stringContaining('is not signed by the CA in tls.ca') });
      });

      it('wrong name: the server certificate is not for the name asked for', async () => {
        const failed = (await steps(transport(driver, { serverName: 'siem.example.com', cert: file('client.pem'), key: file('client-key.pem') }))).find((s) => !s.ok);
        expect(failed).toMatchObject({ step: 'tls-handshake', detail: expect.stringContaining('not for siem.example.com (name mismatch)') });
      });

      it('missing client certificate: named, though the two drivers refuse differently', async () => {
        const all = await steps(transport(driver, {}));
        const failed = all.find((s) => !s.ok);
        // ossl sends a certificate_required alert; gtls lets the TLS 1.3 handshake finish, then closes (REAL-PEERS).
        expect(failed?.step).toBe('tls-session');
        expect(failed?.detail).toMatch(
          driver === 'ossl'
            ? /requires a client certificate and none was given \(certificate_required\)$/
            : /closed the connection right after the TLS handshake.*it likely requires a client certificate — rsyslog's default GnuTLS driver/,
        );
        expect(failed?.hint).toMatch(/set tls.cert and tls.key/);
        // And sending fails (nothing is counted as confirmed) instead of writing into the closing connection.
        const t = transport(driver, {});
        try {
          const error = await t.send([message(0)], never).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(TransportError);
          expect((error as TransportError).written).toBe(0);
          expect((error as TransportError).hint).toMatch(/set tls.cert and tls.key/);
        } finally {
          await t.close();
        }
      });
    });
  }
});
