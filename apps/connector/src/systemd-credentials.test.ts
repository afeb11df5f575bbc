import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importSystemdCredentials } from './systemd-credentials.js';

describe('importSystemdCredentials', () => {
  let directory = '';
  afterEach(async () => {
    if (directory !== '') await rm(directory, { recursive: true, force: true });
  });
  const credentials = async (files: Record<string, string>): Promise<string> => {
    directory = await mkdtemp(join(tmpdir(), 'credentials-'));
    for (const [name, content] of Object.entries(files)) await writeFile(join(directory, name), content, { mode: 0o400 });
    return directory;
  };

  it('sets an unset variable from the credential of that name, without the trailing newline', async () => {
    const environment: NodeJS.ProcessEnv = { CREDENTIALS_DIRECTORY: await credentials({ VISION_ONE_TOKEN: 'tok-en\n' }) };
    expect(importSystemdCredentials(environment)).toEqual(['VISION_ONE_TOKEN']);
    expect(environment.VISION_ONE_TOKEN).toBe('tok-en');
  });

  it('keeps a variable that is already set, and leaves file-like credentials to the config', async () => {
    const environment: NodeJS.ProcessEnv = {
      CREDENTIALS_DIRECTORY: await credentials({ MDI_CLIENT_SECRET: 'from-file', 'client-key.pem': 'KEY', EMPTY_ONE: 'filled\r\n' }),
      MDI_CLIENT_SECRET: 'from-environment',
      EMPTY_ONE: '',
    };
    await mkdir(join(directory, 'NOT_A_FILE'));
    expect(importSystemdCredentials(environment)).toEqual(['EMPTY_ONE']);
    expect(environment).toEqual({ CREDENTIALS_DIRECTORY: directory, MDI_CLIENT_SECRET: 'from-environment', EMPTY_ONE: 'filled' });
  });

  it('does nothing when the credentials directory does not exist (a container with no secret mounted)', () => {
    const environment: NodeJS.ProcessEnv = { CREDENTIALS_DIRECTORY: join(tmpdir(), 'no-such-credentials-directory') };
    expect(importSystemdCredentials(environment)).toEqual([]);
  });

  it('does nothing outside systemd', () => {
    const environment: NodeJS.ProcessEnv = { PATH: '/usr/bin' };
    expect(importSystemdCredentials(environment)).toEqual([]);
    expect(environment).toEqual({ PATH: '/usr/bin' });
  });
});
