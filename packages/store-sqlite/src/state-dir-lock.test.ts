import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SyslogConnectorError } from '@syslog-connector/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { temporaryFolder } from '../test/fixtures/security-events.js';
import { openStore } from './open-store.js';
import { lockStateDir, STATE_DIR_PID_FILE } from './state-dir-lock.js';

let folder: ReturnType<typeof temporaryFolder>;
const children: ChildProcess[] = [];

beforeEach(() => {
  folder = temporaryFolder();
});

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGKILL');
      await exited;
    }
  }
  folder.remove();
});

/** Another process holding the lock, the way a daemon does: the same module, taken in a plain Node child. */
const holdInChild = async (stateDir: string): Promise<ChildProcess> => {
  const source = `
    import { DatabaseSync } from 'node:sqlite';
    import { writeFileSync } from 'node:fs';
    const db = new DatabaseSync(${JSON.stringify(join(stateDir, 'daemon.lock'))}, { timeout: 0 });
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    writeFileSync(${JSON.stringify(join(stateDir, STATE_DIR_PID_FILE))}, process.pid + '\\n');
    process.stdout.write('locked\\n');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('close', (code) => reject(new Error(`lock holder exited ${String(code)}`)));
  });
  return child;
};

const lockedBy = (fn: () => unknown): SyslogConnectorError => {
  try {
    fn();
  } catch (error) {
    expect(SyslogConnectorError.hasCode(error, 'STORE_LOCKED')).toBe(true);
    return error as SyslogConnectorError;
  }
  throw new Error('expected STORE_LOCKED');
};

describe('lockStateDir (one daemon per stateDir)', () => {
  it('refuses a second holder in the same process, and lets the next one in after release', () => {
    const first = lockStateDir(folder.path);
    const error = lockedBy(() => lockStateDir(folder.path));
    expect(error.message).toContain(`PID ${process.pid}`);
    expect(error.path).toBe('stateDir');
    expect(error.hint).toContain(`kill -TERM ${process.pid}`);
    first.release();
    expect(existsSync(join(folder.path, STATE_DIR_PID_FILE))).toBe(false);
    lockStateDir(folder.path).release();
  });

  it('names the PID of another process that holds it, and is free again once that process is SIGKILLed', async () => {
    const holder = await holdInChild(folder.path);
    const error = lockedBy(() => lockStateDir(folder.path));
    expect(error.message).toContain(`PID ${String(holder.pid)}`);

    const exited = new Promise((resolve) => holder.once('close', resolve));
    holder.kill('SIGKILL');
    await exited;
    // The kernel dropped the dead holder's lock; its PID file is stale and simply overwritten.
    const lock = lockStateDir(folder.path);
    expect(readFileSync(join(folder.path, STATE_DIR_PID_FILE), 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });

  it('openStore as the daemon holds the lock until close; a reader opens the store beside it', async () => {
    const daemon = await openStore(folder.path, { daemon: true });
    const second = await openStore(folder.path, { daemon: true }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(SyslogConnectorError.hasCode(second, 'STORE_LOCKED')).toBe(true);
    const reader = await openStore(folder.path);
    expect(await reader.head()).toBe(0);
    await reader.close();
    await daemon.close();
    const next = await openStore(folder.path, { daemon: true });
    await next.close();
  });
});
