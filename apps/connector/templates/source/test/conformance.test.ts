import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeSourceConformance } from '@syslog-connector/testing/plugin-kit';
import { __CAMEL__Source } from '../src/index.js';

const START = Date.parse('2026-03-01T12:00:00Z');

// The suite every source runs, over a file of 23 JSON lines read 5 at a time.
describeSourceConformance(__CAMEL__Source, {
  requiredOptions: { path: 'events.jsonl' },
  setUp: async () => {
    const dir = await mkdtemp(join(tmpdir(), '__NAME__-'));
    const lines = Array.from({ length: 23 }, (_, i) =>
      JSON.stringify({ id: `event-${i}`, time: new Date(START + i * 1_000).toISOString(), name: `Event ${i}`, severity: i % 11, message: `line ${i}` }),
    );
    await writeFile(join(dir, 'events.jsonl'), `${lines.join('\n')}\n`);
    return {
      options: { path: join(dir, 'events.jsonl'), pageSize: 5 },
      failingOptions: { path: join(dir, 'missing.jsonl') },
      secrets: [],
      stop: () => rm(dir, { recursive: true, force: true }),
    };
  },
});
