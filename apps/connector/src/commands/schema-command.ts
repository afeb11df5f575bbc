import { configJsonSchema } from '@syslog-connector/core/engine';
import { buildRegistry } from '../config/load-connector-config.js';
import { type CommandIo, EXIT, reportError } from './command-context.js';
import { readPluginSpecs } from './plugin-specs.js';

export interface SchemaOptions {
  /** A config whose `plugins:` are described too; default: the built-in plugins only. */
  readonly config?: string;
}

/**
 * `syslog-connector schema`: the JSON Schema of the config file, from the zod schemas of core and every built-in
 * plugin (and, with `-c`, the plugins that config loads), for editors. `apps/connector/syslog-connector.schema.json`
 * is its output with no `-c`, and a test keeps it current.
 */
export const schemaCommand = async (io: CommandIo, options: SchemaOptions = {}): Promise<number> => {
  try {
    const { specs, baseDir } = options.config === undefined ? { specs: [], baseDir: process.cwd() } : await readPluginSpecs(options.config, io.env);
    io.stdout.write(`${JSON.stringify(configJsonSchema(await buildRegistry(specs, baseDir)), null, 2)}\n`);
    return EXIT.ok;
  } catch (error) {
    reportError(error, io);
    return EXIT.failed;
  }
};
