import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SyslogConnectorError } from '@syslog-connector/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejectionOf } from '@syslog-connector/testing';
import { securityEvent, temporaryFolder } from '../test/fixtures/security-events.js';
import { openStore, STORE_FILE_NAME } from './open-store.js';
import { sqliteStateStore } from './sqlite-state-store.js';

let folder: ReturnType<typeof temporaryFolder>;

beforeEach(() => {
  folder = temporaryFolder();
});

afterEach(() => {
  folder.remove();
});

/** Asserts a store error: its code, the config key, the file named in the message, and a hint. */
const expectStoreError = (error: unknown, code: 'STORE_UNAVAILABLE' | 'STORE_CORRUPT', file: string): SyslogConnectorError => {
  expect(SyslogConnectorError.hasCode(error, code)).toBe(true);
  const storeError = error as SyslogConnectorError;
  expect(storeError.path).toBe('stateDir');
  expect(storeError.message).toContain(file);
  expect(storeError.hint).toMatch(/\S/);
  return storeError;
};

describe('openStore', () => {
  it('creates the state folder (0700) and a private database file (0600) inside it', async () => {
    const stateDir = join(folder.path, 'nested', 'data');

    const journal = await openStore(stateDir);
    try {
      expect(journal.path).toBe(join(stateDir, STORE_FILE_NAME));
      expect(statSync(stateDir).mode & 0o777).toBe(0o700);
      expect(statSync(journal.path).mode & 0o777).toBe(0o600);
      await journal.append('workbench', [securityEvent('workbench', 'a')], { page: 1 });
      expect(await journal.head()).toBe(1);
    } finally {
      await journal.close();
    }
  });

  it('opens an existing store again with its plugin state', async () => {
    const first = await openStore(folder.path);
    await sqliteStateStore(first).set('source.workbench', 'etag', 'W/"42"');
    await first.close();

    const second = await openStore(folder.path);
    try {
      const state = sqliteStateStore(second);
      expect(await state.get('source.workbench', 'etag')).toBe('W/"42"');
      expect(await state.get('source.workbench', 'missing')).toBeUndefined();
      expect(await state.get('source.oat', 'etag')).toBeUndefined();
      await state.set('source.workbench', 'etag', 'W/"43"');
      expect(await state.get('source.workbench', 'etag')).toBe('W/"43"');
    } finally {
      await second.close();
    }
  });

  it('fails with STORE_UNAVAILABLE naming the path when the state folder cannot be created', async () => {
    // A regular file where a folder is expected: not creatable even for root.
    const blocker = join(folder.path, 'not-a-folder');
    writeFileSync(blocker, 'keep me');
    const stateDir = join(blocker, 'data');

    const error = expectStoreError(await rejectionOf(openStore(stateDir)), 'STORE_UNAVAILABLE', join(stateDir, STORE_FILE_NAME));

    expect(error.message).toContain(`creating the folder ${stateDir}`);
    expect(readFileSync(blocker, 'utf8')).toBe('keep me');
  });

  it('fails with STORE_UNAVAILABLE when the database path is a folder', async () => {
    mkdirSync(join(folder.path, STORE_FILE_NAME));

    const error = expectStoreError(await rejectionOf(openStore(folder.path)), 'STORE_UNAVAILABLE', join(folder.path, STORE_FILE_NAME));

    expect(error.message).toBe(`The store ${join(folder.path, STORE_FILE_NAME)} is not a file.`);
  });

  // A read-only state folder or file is covered by test/unwritable-folder.test.ts, as an unprivileged user.

  it('fails with STORE_CORRUPT on a file of random bytes, and leaves it untouched', async () => {
    const file = join(folder.path, STORE_FILE_NAME);
    const garbage = randomBytes(64 * 1024);
    writeFileSync(file, garbage);

    const error = expectStoreError(await rejectionOf(openStore(folder.path)), 'STORE_CORRUPT', file);

    expect(error.message).toBe(`The store ${file} is not a SQLite database (its header is wrong).`);
    expect(error.hint).toContain('move');
    expect(readFileSync(file).equals(garbage)).toBe(true);
    expect(readdirSync(folder.path)).toEqual([STORE_FILE_NAME]);
  });

  it('fails with STORE_CORRUPT on a file shorter than a SQLite header', async () => {
    const file = join(folder.path, STORE_FILE_NAME);
    writeFileSync(file, 'SQLite format 3\0');

    expectStoreError(await rejectionOf(openStore(folder.path)), 'STORE_CORRUPT', file);
    expect(readFileSync(file, 'latin1')).toBe('SQLite format 3\0');
  });

  it('fails with STORE_CORRUPT on a store whose pages were overwritten, and leaves it untouched', async () => {
    const journal = await openStore(folder.path);
    await journal.append('workbench', [securityEvent('workbench', 'a')], { page: 1 });
    await journal.close();
    const file = join(folder.path, STORE_FILE_NAME);
    // Keep the 100-byte header, destroy the rest of page 1 (the schema) and every other page.
    const damaged = readFileSync(file);
    randomBytes(damaged.length - 100).copy(damaged, 100);
    writeFileSync(file, damaged);

    const error = expectStoreError(await rejectionOf(openStore(folder.path)), 'STORE_CORRUPT', file);

    expect(error.message).toContain('is damaged');
    expect(readFileSync(file).equals(damaged)).toBe(true);
  });

  it('fails with STORE_CORRUPT on the SQLite database of another application, and leaves it untouched', async () => {
    const file = join(folder.path, STORE_FILE_NAME);
    const other = new DatabaseSync(file);
    other.exec("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO photos (name) VALUES ('cat.jpg')");
    other.close();
    const before = readFileSync(file);

    const error = expectStoreError(await rejectionOf(openStore(folder.path)), 'STORE_CORRUPT', file);

    expect(error.message).toBe(`The file ${file} is a SQLite database of another application, not a syslog-connector store.`);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });
});
