import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Checkpoint, SecurityEvent } from '@syslog-connector/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JOURNAL_DIR_NAME, openStore, STORE_FILE_NAME } from '../src/index.js';
import { ENGINES } from './fixtures/engines.js';
import { securityEvent, temporaryFolder } from './fixtures/security-events.js';
import { distEntry, exitOf, fixtureScript, spawnNode, waitForOutput } from './fixtures/node-child.js';

let folder: ReturnType<typeof temporaryFolder>;

beforeEach(() => {
  folder = temporaryFolder();
});

afterEach(() => {
  folder.remove();
});

describe.each(ENGINES)('durability across a killed process (%s engine)', (engine) => {
  it('keeps every committed event and checkpoint when the writer is killed with SIGKILL right after append returns', async () => {
    const workbench: SecurityEvent[] = Array.from({ length: 200 }, (_, index) =>
      securityEvent('workbench', `WB-${index}`, { raw: { index, note: `línea ${index}\r\n| 🛡️` } }),
    );
    const oat: SecurityEvent[] = [securityEvent('oat', 'OAT-1'), securityEvent('oat', 'OAT-2')];
    const batches: { source: string; events: SecurityEvent[]; checkpoint: Checkpoint }[] = [
      { source: 'workbench', events: workbench.slice(0, 150), checkpoint: { next: 'page-2' } },
      // Overlaps the first batch by 50 events: duplicates are stored once.
      { source: 'workbench', events: workbench.slice(100), checkpoint: { next: 'page-3', since: '2025-06-01T00:00:00.000Z' } },
      { source: 'oat', events: oat, checkpoint: { until: 1_700_000_000_000 } },
    ];
    const batchesFile = join(folder.path, 'batches.json');
    writeFileSync(batchesFile, JSON.stringify(batches));
    const stateDir = join(folder.path, 'data');

    const child = spawnNode(fixtureScript('append-then-hang.mjs'), [distEntry(), stateDir, batchesFile, engine]);
    let stdout: string;
    try {
      stdout = await waitForOutput(child, 'appended\n', 15_000);
    } finally {
      child.kill('SIGKILL');
    }
    expect(await exitOf(child)).toEqual({ code: null, signal: 'SIGKILL' });
    expect(stdout.trim().split('\n')).toEqual([
      '{"appended":150,"duplicates":0}',
      '{"appended":50,"duplicates":50}',
      '{"appended":2,"duplicates":0}',
      'appended',
    ]);
    // The store was never closed: the commits live in the write-ahead log (sqlite) or in the segment (log).
    const written = engine === 'sqlite' ? join(stateDir, `${STORE_FILE_NAME}-wal`) : join(stateDir, JOURNAL_DIR_NAME, `${'1'.padStart(20, '0')}.log`);
    expect(statSync(written).size).toBeGreaterThan(0);

    const journal = await openStore(stateDir, { engine });
    try {
      expect(await journal.head()).toBe(202);
      expect(await journal.checkpoint('workbench')).toEqual({ next: 'page-3', since: '2025-06-01T00:00:00.000Z' });
      expect(await journal.checkpoint('oat')).toEqual({ until: 1_700_000_000_000 });
      const entries = await journal.read('siem', { limit: 1_000 });
      expect(entries).toStrictEqual([...workbench, ...oat].map((event, index) => ({ seq: index + 1, event })));
    } finally {
      await journal.close();
    }
  });
});
