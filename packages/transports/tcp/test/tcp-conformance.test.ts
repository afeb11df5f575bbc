import { configPlace, systemClock } from '@syslog-connector/core';
import { describeTransportConformance } from '@syslog-connector/testing';
import { tcpOptions } from '../src/options.js';
import { TcpTransport } from '../src/tcp-transport.js';
import { RecordingLogger } from '@syslog-connector/testing';

for (const framing of ['octet-counting', 'lf'] as const) {
  describeTransportConformance({
    name: `tcp (${framing})`,
    kind: 'stream',
    receiver: () => ({ protocol: 'tcp', framing }),
    create: ({ host, port }) =>
      new TcpTransport(
        configPlace('destinations', 'conformance', process.cwd()),
        tcpOptions.parse({ address: host, port, framing, connectTimeout: '3s', reconnect: { initialDelay: '10ms', maxDelay: '50ms' } }),
        { logger: new RecordingLogger(), clock: systemClock },
      ),
  });
}
