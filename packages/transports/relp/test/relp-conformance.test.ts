import { configPlace, systemClock } from '@syslog-connector/core';
import { describeTransportConformance, RecordingLogger, RelpSink } from '@syslog-connector/testing';
import { relpOptions } from '../src/options.js';
import { RelpTransport } from '../src/relp-transport.js';

describeTransportConformance({
  name: 'relp (test-kit RelpSink)',
  kind: 'stream',
  acknowledged: true,
  server: () => RelpSink.start(),
  create: ({ host, port }) =>
    new RelpTransport(
      configPlace('destinations', 'conformance', process.cwd()),
      relpOptions.parse({ address: host, port, connectTimeout: '3s', reconnect: { initialDelay: '10ms', maxDelay: '50ms' } }),
      { logger: new RecordingLogger(), clock: systemClock },
    ),
});
