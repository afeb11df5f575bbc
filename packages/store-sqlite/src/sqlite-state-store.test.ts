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
