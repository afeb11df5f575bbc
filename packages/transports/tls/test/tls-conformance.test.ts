import { configPlace, systemClock } from '@syslog-connector/core';
import { createPkiFolder, describeTransportConformance, type PkiFolder } from '@syslog-connector/testing';
import { afterAll, beforeAll } from 'vitest';
import { tlsOptions } from '../src/options.js';
import { TlsTransport } from '../src/tls-transport.js';
import { RecordingLogger } from '@syslog-connector/testing';

let pki: PkiFolder;
beforeAll(async () => {
  pki = await createPkiFolder();
}, 30_000);
afterAll(async () => pki.remove());

describeTransportConformance({
  name: 'tls (client certificate required)',
  kind: 'stream',
  receiver: () => ({ protocol: 'tls', tls: { key: pki.server.key, cert: pki.server.cert, ca: pki.ca.cert, requestCert: true } }),
  create: ({ host, port }) =>
    new TlsTransport(
      configPlace('destinations', 'conformance', process.cwd()),
      tlsOptions.parse({
        address: host,
        port,
        connectTimeout: '3s',
        reconnect: { initialDelay: '10ms', maxDelay: '50ms' },
        tls: { ca: pki.file('ca.pem'), cert: pki.file('client.pem'), key: pki.file('client-key.pem') },
      }),
      { logger: new RecordingLogger(), clock: systemClock },
    ),
});
