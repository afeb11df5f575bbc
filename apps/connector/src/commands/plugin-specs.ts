import { dirname, resolve } from 'node:path';
import { readConfigDocument, substituteEnvironment } from '@syslog-connector/core/engine';

/**
 * The `plugins:` list of a config file and the folder its paths are relative to, read without validating the rest:
 * `plugins` and `schema` work on a config that is otherwise invalid. Throws `CONFIG_NOT_FOUND` / `CONFIG_SYNTAX`.
 */
export const readPluginSpecs = async (
  configPath: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ readonly specs: string[]; readonly baseDir: string }> => {
  const document = substituteEnvironment(await readConfigDocument(configPath), env).value;
  const plugins = typeof document === 'object' && document !== null ? (document as { plugins?: unknown }).plugins : undefined;
  return {
    specs: Array.isArray(plugins) ? plugins.filter((p): p is string => typeof p === 'string') : [],
    baseDir: dirname(resolve(configPath)),
  };
};
