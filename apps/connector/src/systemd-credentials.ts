import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A credential whose name could be an environment variable's: `VISION_ONE_TOKEN`, not `client-key.pem`. */
const ENVIRONMENT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * systemd's `LoadCredential=NAME:/path` hands a secret to the service as a file in `$CREDENTIALS_DIRECTORY`,
 * readable by the service's (dynamic) user alone, never as an environment variable. A credential named like an
 * environment variable fills that variable when it is unset or empty, so the config's `${VISION_ONE_TOKEN}` works
 * the same under systemd and in a shell; one trailing newline (`echo secret > file`) is dropped. Credentials with
 * other names (`client-key.pem`) are files the config names: `${CREDENTIALS_DIRECTORY}/client-key.pem`.
 * A container gets the same from its secrets: `CREDENTIALS_DIRECTORY=/run/secrets`. Returns the names it set,
 * never the values.
 */
export const importSystemdCredentials = (environment: NodeJS.ProcessEnv): readonly string[] => {
  const directory = environment.CREDENTIALS_DIRECTORY;
  if (directory === undefined || directory === '') return [];
  const imported: string[] = [];
  let entries: Dirent[];
  try {
    entries = readdirSync(directory, { withFileTypes: true });
  } catch (error) {
    // A container sets CREDENTIALS_DIRECTORY=/run/secrets whether or not any secret is mounted there.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  for (const entry of entries) {
    if (!entry.isFile() || !ENVIRONMENT_NAME.test(entry.name) || entry.name === 'CREDENTIALS_DIRECTORY') continue;
    const current = environment[entry.name];
    if (current !== undefined && current !== '') continue;
    environment[entry.name] = readFileSync(join(directory, entry.name), 'utf8').replace(/\r?\n$/, '');
    imported.push(entry.name);
  }
  return imported;
};
