import { chmodSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireMachineCondition } from '@syslog-connector/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, STORE_FILE_NAME } from '../src/index.js';
import { securityEvent } from './fixtures/security-events.js';
import { distEntry, fixtureScript, runToEnd, spawnNode } from './fixtures/node-child.js';
import { NOBODY, runsAsRoot, unprivilegedFolderCondition, unprivilegedTemporaryFolder } from './fixtures/unprivileged-user.js';

// These tests must hold wherever the repository is cloned, including a private folder as root (root's 0700 home,
// a `mktemp -d`): the child loads the built store from the checkout as whoever runs the tests, then (as root) drops
// to NOBODY, and meets only a state folder in a place NOBODY can reach. CI also runs them from such a clone
// (.ci/permission-tests-from-private-clone).

let folder: ReturnType<typeof unprivilegedTemporaryFolder>;

/** Opens the store at `stateDir` in a child process, as NOBODY when the tests run as root, and returns its report. */
const openAsUnprivilegedUser = async (stateDir: string): Promise<unknown> => {
  const args = [distEntry(), stateDir, ...(runsAsRoot() ? [String(NOBODY)] : [])];
  const { stdout, stderr, code } = await runToEnd(spawnNode(fixtureScript('open-store-report.mjs'), args), 15_000);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(stdout);
};

const unprivileged = () => (runsAsRoot() ? { uid: NOBODY, gid: NOBODY } : { uid: process.getuid?.(), gid: process.getgid?.() });

const writableHint = (file: string): string =>
  `make the folder of ${file} and the file writable by the connector's user, or point \`stateDir\` to a writable folder`;

describe.skipIf(requireMachineCondition(unprivilegedFolderCondition))('a state folder the connector cannot write', () => {
  beforeEach(() => {
    folder = unprivilegedTemporaryFolder();
  });

  afterEach(() => {
    folder.remove();
  });

  it('fails with STORE_UNAVAILABLE naming the database file, and creates nothing', async () => {
    const stateDir = join(folder.path, 'read-only');
    mkdirSync(stateDir, { mode: 0o555 });
    chmodSync(stateDir, 0o555);

    const report = await openAsUnprivilegedUser(stateDir);

    const file = join(stateDir, STORE_FILE_NAME);
    expect(report).toEqual({
      ...unprivileged(),
      before: [],
      error: {
        name: 'SyslogConnectorError',
        code: 'STORE_UNAVAILABLE',
        path: 'stateDir',
        message: `The store ${file} is not writable (creating the file: EACCES: permission denied, open '${file}').`,
        hint: writableHint(file),
      },
    });
    expect(readdirSync(stateDir)).toEqual([]);
  });

  it('fails with STORE_UNAVAILABLE on a store file it may not write, and leaves the file as it was', async () => {
    const stateDir = join(folder.path, 'data');
    const journal = await openStore(stateDir);
    await journal.append('workbench', [securityEvent('workbench', 'a')], { page: 1 });
    await journal.close();
    // The folder is writable by everyone, the file only by its owner (root, or this user with 0444).
    chmodSync(stateDir, 0o777);
    const file = join(stateDir, STORE_FILE_NAME);
    chmodSync(file, runsAsRoot() ? 0o644 : 0o444);
    const before = readFileSync(file);

    const report = await openAsUnprivilegedUser(stateDir);

    expect(report).toEqual({
      ...unprivileged(),
      before: [STORE_FILE_NAME],
      error: {
        name: 'SyslogConnectorError',
        code: 'STORE_UNAVAILABLE',
        path: 'stateDir',
        message: `The store ${file} is not writable (checking permissions: EACCES: permission denied, access '${file}').`,
        hint: writableHint(file),
      },
    });
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(stateDir)).toEqual([STORE_FILE_NAME]);
  });
});
