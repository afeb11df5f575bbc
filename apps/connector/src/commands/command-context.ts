import type { Writable } from 'node:stream';
import { describeError, SyslogConnectorError } from '@syslog-connector/core';
import { type LoadedConfig, loadConnectorConfig } from '../config/load-connector-config.js';
import { hostSecrets } from '../logger.js';

/** What every command writes to and reads from, so tests can run commands in-process. */
export interface CommandIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const processIo: CommandIo = { stdout: process.stdout, stderr: process.stderr, env: process.env };

export const DEFAULT_CONFIG_PATH = './syslog-connector.yaml';

/** Exit codes (DESIGN §8): 0 ok, 1 check failed / invalid config, 2 usage error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/**
 * Loads and validates the config; on failure prints every issue and returns undefined. The plugins' advice on a
 * valid config is printed as warnings (`warning: sources.oat.companyId: …`): every command shows it, none fails on it.
 */
export const loadOrReport = async (
  path: string,
  io: CommandIo,
): Promise<Extract<LoadedConfig, { ok: true }> | undefined> => {
  try {
    const loaded = await loadConnectorConfig(path, io.env);
    if (loaded.ok) {
      for (const advice of loaded.advice) io.stderr.write(`warning: ${advice.path}: ${advice.message}\n`);
      return loaded;
    }
    io.stderr.write(`${path} is not valid (${loaded.issues.length} ${loaded.issues.length === 1 ? 'problem' : 'problems'}):\n`);
    for (const issue of loaded.issues) io.stderr.write(`  ${issue.path}: ${issue.message}\n`);
    return undefined;
  } catch (error) {
    reportError(error, io);
    return undefined;
  }
};

/** One readable line for a failure: code, path, message and fix; never a stack trace, nor a secret (issue #16). */
export const reportError = (error: unknown, io: CommandIo): void => {
  if (SyslogConnectorError.is(error)) {
    io.stderr.write(hostSecrets.redact(`error ${error.code}: ${error.describe()}\n`));
  } else {
    io.stderr.write(hostSecrets.redact(`error: ${describeError(error)}\n`));
  }
};
