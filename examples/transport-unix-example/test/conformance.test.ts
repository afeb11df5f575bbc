import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configPlace } from '@syslog-connector/core';
import { describeTransportConformance, RecordingLogger } from '@syslog-connector/testing';
import { afterAll } from 'vitest';
import { unixSocketTransport } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'unix-transport-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

// The transport suite over a Unix-domain socket sink: the kit's receiver listening on a path, not a port.
describeTransportConformance<{ readonly path: string }>({
  name: 'unix-socket (lf)',
  kind: 'stream',
  receiver: () => ({ protocol: 'tcp', framing: 'lf', path: join(dir, `sink-${(n += 1)}.sock`) }),
  target: (sink) => ({ path: sink.address }),
  create: ({ path }) =>
    unixSocketTransport.create({
      ...configPlace('destinations', 'conformance', dir),
      options: unixSocketTransport.options.parse({ path, connectTimeout: 2_000 }),
      deps: { logger: new RecordingLogger() },
      signal: new AbortController().signal,
    }),
});
