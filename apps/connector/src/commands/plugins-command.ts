import { existsSync } from 'node:fs';
import { describePlugins, type PluginDescription } from '../plugins/describe-plugins.js';
import { type CommandIo, DEFAULT_CONFIG_PATH, EXIT, reportError } from './command-context.js';
import { readPluginSpecs } from './plugin-specs.js';

export interface PluginsOptions {
  readonly json?: boolean;
}

const table = (rows: readonly PluginDescription[]): string => {
  const header = { kind: 'KIND', type: 'TYPE', package: 'PACKAGE', version: 'VERSION', origin: 'ORIGIN' };
  const columns = ['kind', 'type', 'package', 'version'] as const;
  const widths = columns.map((c) => Math.max(header[c].length, ...rows.map((r) => r[c].length)));
  const line = (r: Readonly<Record<(typeof columns)[number] | 'origin', string>>) =>
    `${columns.map((c, i) => r[c].padEnd(widths[i] ?? 0)).join('  ')}  ${r.origin}`;
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
};

/**
 * `syslog-connector plugins`: every plugin the config would load — kind, type, package and version, and where it
 * comes from (built-in, or the `plugins:` entry). Only `plugins:` of the config is read, so it works on a config
 * that is otherwise invalid; with no config at the default path, it lists the built-ins.
 */
export const pluginsCommand = async (configPath: string, io: CommandIo, options: PluginsOptions = {}): Promise<number> => {
  try {
    const { specs, baseDir } =
      configPath !== DEFAULT_CONFIG_PATH || existsSync(configPath) ? await readPluginSpecs(configPath, io.env) : { specs: [], baseDir: process.cwd() };
    const plugins = await describePlugins(specs, baseDir);
    io.stdout.write(options.json === true ? `${JSON.stringify(plugins, null, 2)}\n` : table(plugins));
    return EXIT.ok;
  } catch (error) {
    reportError(error, io);
    return EXIT.failed;
  }
};
