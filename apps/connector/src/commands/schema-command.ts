import { configJsonSchema } from '@syslog-connector/core';
import { buildRegistry } from '../config/load-connector-config.js';
import { type CommandIo, EXIT, reportError } from './command-context.js';

/**
 * `syslog-connector schema`: the JSON Schema of the config file, from the zod schemas of core and every built-in
 * plugin, for editors. `apps/connector/syslog-connector.schema.json` is its output, and a test keeps it current.
 */
export const schemaCommand = async (io: CommandIo): Promise<number> => {
  try {
    io.stdout.write(`${JSON.stringify(configJsonSchema(await buildRegistry([], process.cwd())), null, 2)}\n`);
    return EXIT.ok;
  } catch (error) {
    reportError(error, io);
    return EXIT.failed;
  }
};
