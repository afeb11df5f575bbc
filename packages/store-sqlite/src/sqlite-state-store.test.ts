import { join } from 'node:path';
import { SyslogConnectorError } from '@syslog-connector/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejectionOf } from '@syslog-connector/testing';
import { temporaryFolder } from '../test/fixtures/security-events.js';
import { SqliteJournal } from './sqlite-journal.js';
import { sqliteStateStore } from './sqlite-state-store.js';

let folder: ReturnType<typeof temporaryFolder>;
let journal: SqliteJournal;

beforeEach(async () => {
  folder = temporaryFolder();
  journal = await SqliteJournal.open({ path: join(folder.path, 'state.db') });
});

afterEach(async () => {
  await journal.close();
  folder.remove();
});

describe('sqliteStateStore', () => {
  it('returns undefined for a key never set, and the last value set otherwise', async () => {
    const state = sqliteStateStore(journal);

    expect(await state.get('source.workbench', 'token')).toBeUndefined();
    await state.set('source.workbench', 'token', 'first');
    await state.set('source.workbench', 'token', 'second\r\n|🔑');
    expect(await state.get('source.workbench', 'token')).toBe('second\r\n|🔑');
  });

  it('keeps namespaces apart', async () => {
    const state = sqliteStateStore(journal);
    await state.set('source.workbench', 'cursor', 'w');
    await state.set('source.oat', 'cursor', 'o');

    expect(await state.get('source.workbench', 'cursor')).toBe('w');
    expect(await state.get('source.oat', 'cursor')).toBe('o');
    expect(await state.get('source.audit', 'cursor')).toBeUndefined();
  });

  it('is the same store as journal.state and closes with the journal', async () => {
    const state = sqliteStateStore(journal);
    expect(state).toBe(journal.state);
    await journal.close();

    const error = await rejectionOf(state.set('source.workbench', 'token', 'secret-value'));

    expect(SyslogConnectorError.hasCode(error, 'STORE_UNAVAILABLE')).toBe(true);
    expect((error as SyslogConnectorError).message).toBe(`The store ${journal.path} is closed.`);
    expect(String((error as SyslogConnectorError).describe())).not.toContain('secret-value');
  });
});
