import { chmodSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, STORE_FILE_NAME } from '../src/index.js';
import { securityEvent } from './fixtures/security-events.js';
import { temporaryFolder } from './fixtures/security-events.js';
import { distEntry, fixtureScript, runToEnd, spawnNode } from './fixtures/node-child.js';

/** Unprivileged uid/gid for the child when the tests run as root (root ignores permission bits). */
const NOBODY = 65_534;

let folder: ReturnType<typeof temporaryFolder>;

beforeEach(() => {
  folder = temporaryFolder();
});

afterEach(() => {
  folder.remove();
});

describe('a state folder the connector cannot write', () => {
  it('fails with STORE_UNAVAILABLE naming the database file, and creates nothing', async () => {
    chmodSync(folder.path, 0o755);
    const stateDir = join(folder.path, 'read-only');
    mkdirSync(stateDir, { mode: 0o555 });
    chmodSync(stateDir, 0o555);
    const asUnprivileged = process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};

    const child = spawnNode(fixtureScript('open-store-report.mjs'), [distEntry(), stateDir], asUnprivileged);
    const { stdout, stderr, code } = await runToEnd(child, 15_000);

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const file = join(stateDir, STORE_FILE_NAME);
    expect(JSON.parse(stdout)).toEqual({
      name: 'SyslogConnectorError',
      code: 'STORE_UNAVAILABLE',
      path: 'stateDir',
      message: `The store ${file} is not writable (creating the file: EACCES: permission denied, open '${file}').`,
      hint: `make the folder of ${file} and the file writable by the connector's user, or point \`stateDir\` to a writable folder`,
    });
    expect(readdirSync(stateDir)).toEqual([]);
  });

  it('fails with STORE_UNAVAILABLE on a store file it may not write, and leaves the file as it was', async () => {
    chmodSync(folder.path, 0o755);
    const stateDir = join(folder.path, 'data');
    const journal = await openStore(stateDir);
    await journal.append('workbench', [securityEvent('workbench', 'a')], { page: 1 });
    await journal.close();
    // The folder is writable by everyone, the file only by its owner (root, or this user with 0444).
    chmodSync(stateDir, 0o777);
    const file = join(stateDir, STORE_FILE_NAME);
    chmodSync(file, process.getuid?.() === 0 ? 0o644 : 0o444);
    const before = readFileSync(file);
    const asUnprivileged = process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};

    const child = spawnNode(fixtureScript('open-store-report.mjs'), [distEntry(), stateDir], asUnprivileged);
    const { stdout, stderr, code } = await runToEnd(child, 15_000);

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(stdout)).toEqual({
      name: 'SyslogConnectorError',
      code: 'STORE_UNAVAILABLE',
      path: 'stateDir',
      message: `The store ${file} is not writable (checking permissions: EACCES: permission denied, access '${file}').`,
      hint: `make the folder of ${file} and the file writable by the connector's user, or point \`stateDir\` to a writable folder`,
    });
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(stateDir)).toEqual([STORE_FILE_NAME]);
  });
});
