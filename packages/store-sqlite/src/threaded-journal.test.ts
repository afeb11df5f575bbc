import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SyslogConnectorError } from '@syslog-connector/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordingLogger, rejectionOf, securityEvent, temporaryFolder } from '../test/fixtures/security-events.js';
import { SqliteJournal } from './sqlite-journal.js';
import { ThreadedJournal } from './threaded-journal.js';

let folder: ReturnType<typeof temporaryFolder>;
let file: string;

beforeEach(() => {
  folder = temporaryFolder();
  file = join(folder.path, 'journal.db');
});
afterEach(() => folder.remove());

describe('ThreadedJournal', () => {
  it('stores what the in-process journal reads back: events, checkpoint, cursor, plugin state', async () => {
    const logger = recordingLogger();
    const journal = await ThreadedJournal.open({ path: file, logger });
    const events = [securityEvent('wb', 'WB-1'), securityEvent('wb', 'WB-2'), securityEvent('wb', 'WB-1')];
    expect(await journal.append('wb', events, { page: 2 })).toEqual({ appended: 2, duplicates: 1 });
    await journal.ack('siem', 1, 1);
    await journal.state.set('wb', 'token', 'opaque');
    expect(await journal.state.get('wb', 'token')).toBe('opaque');
    await journal.close();
    // The worker's log lines reach the host's logger.
    expect(logger.lines.map((line) => line.message)).toContain('Store opened.');

    const direct = await SqliteJournal.open({ path: file });
    try {
      expect(await direct.checkpoint('wb')).toEqual({ page: 2 });
      expect(await direct.progress('siem')).toMatchObject({ cursor: 1, delivered: 1 });
      expect((await direct.read('siem', { limit: 10 })).map((entry) => entry.event)).toEqual([events[1]]);
      expect(await direct.state.get('wb', 'token')).toBe('opaque');
    } finally {
      await direct.close();
    }
  });

  it('reads a backlog written before it started from the file, parsed on this thread', async () => {
    const before = await SqliteJournal.open({ path: file });
    const events = [1, 2, 3].map((n) => securityEvent('wb', `WB-${n}`));
    await before.append('wb', events, { page: 1 });
    await before.close();
    const journal = await ThreadedJournal.open({ path: file });
    try {
      expect(await journal.read('siem', { limit: 2 })).toEqual([
        { seq: 1, event: events[0] },
        { seq: 2, event: events[1] },
      ]);
      expect(await journal.read('siem', { limit: 5, after: 2 })).toEqual([{ seq: 3, event: events[2] }]);
    } finally {
      await journal.close();
    }
  });

  it('passes the store errors over with their code, path and hint', async () => {
    writeFileSync(file, Buffer.alloc(4_096, 7));
    const corrupt = await rejectionOf(ThreadedJournal.open({ path: file }));
    expect(SyslogConnectorError.hasCode(corrupt, 'STORE_CORRUPT')).toBe(true);
    expect(corrupt).toMatchObject({ path: 'stateDir', message: `The store ${file} is not a SQLite database (its header is wrong).` });
    expect((corrupt as SyslogConnectorError).hint).toMatch(/\S/);
  });

  it('refuses a bad event (PLUGIN_INVALID) and a cursor past the head (RangeError), storing nothing', async () => {
    const journal = await ThreadedJournal.open({ path: file });
    try {
      const invalid = await rejectionOf(journal.append('wb', [securityEvent('wb', 'ok'), { ...securityEvent('wb', 'bad'), time: Number.NaN }], { page: 1 }));
      expect(invalid).toMatchObject({ code: 'PLUGIN_INVALID', path: 'sources.wb' });
      expect(await journal.head()).toBe(0);
      expect(await rejectionOf(journal.ack('siem', 5, 1))).toBeInstanceOf(RangeError);
    } finally {
      await journal.close();
    }
  });

  it('reports a full journal under block with the config path of the budget', async () => {
    const journal = await ThreadedJournal.open({ path: file, maxBytes: 65_536, whenFull: 'block' });
    try {
      let error: unknown;
      for (let page = 0; page < 200 && error === undefined; page += 1) {
        const events = Array.from({ length: 10 }, (_, n) => securityEvent('wb', `${page}-${n}`, { raw: { padding: 'x'.repeat(2_000) } }));
        error = await journal.append('wb', events, { page }).then(() => undefined, (caught: unknown) => caught);
      }
      expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', path: 'journal.maxSize' });
      expect(await journal.usage()).toMatchObject({ maxBytes: 65_536, policy: 'block', full: true });
    } finally {
      await journal.close();
    }
  });

  it('fails every call after close with STORE_UNAVAILABLE, and closing twice is harmless', async () => {
    const journal = await ThreadedJournal.open({ path: file });
    await journal.close();
    await journal.close();
    expect(await rejectionOf(journal.head())).toMatchObject({ code: 'STORE_UNAVAILABLE', message: `The store ${file} is closed.` });
  });
});
