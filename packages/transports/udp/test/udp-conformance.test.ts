import { describeTransportConformance } from '@syslog-connector/testing';
import { udpOptions } from '../src/options.js';
import { UdpTransport } from '../src/udp-transport.js';
import { RecordingLogger } from '@syslog-connector/testing';
import { configPlace } from '@syslog-connector/core';

describeTransportConformance({
  name: 'udp',
  kind: 'datagram',
  receiver: () => ({ protocol: 'udp' }),
  create: ({ host, port }) =>
    new UdpTransport(configPlace('destinations', 'conformance', process.cwd()), udpOptions.parse({ address: host, port }), {
      logger: new RecordingLogger(),
      metrics: { increment: () => undefined, snapshot: () => [] },
    }),
});
