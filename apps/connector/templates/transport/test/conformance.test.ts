import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configPlace } from '@syslog-connector/core';
import { describeTransportConformance, FileSink } from '@syslog-connector/testing/plugin-kit';
import { afterAll } from 'vitest';
import { __CAMEL__Transport } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), '__NAME__-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The transport suite over a file sink: the kit reads the file's lines back.
describeTransportConformance<{ readonly path: string }>({
  name: '__NAME__',
  kind: 'stream',
  server: () => FileSink.start(dir),
  target: (sink) => ({ path: sink.address }),
  skip: {
    reconnect: 'a file has no connection to lose',
    backpressure: 'a file takes every write; no reader holds it back',
    finish: 'nothing to confirm beyond the write itself',
  },
  create: ({ path }) =>
    __CAMEL__Transport.create({
      ...configPlace('destinations', 'conformance', dir),
      options: __CAMEL__Transport.options.parse({ path }),
      deps: {},
      signal: new AbortController().signal,
    }),
});
