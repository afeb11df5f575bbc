import { z } from 'zod';
import { composeConfigSchema } from './config-schema.js';
import type { PluginRegistry } from './plugin-registry.js';

/**
 * The JSON Schema (draft 2020-12) of the config file, generated from the same zod schemas `validate` uses: core's
 * keys and every registered plugin's options. For editors (`# yaml-language-server: $schema=…`): it describes what
 * a user writes (zod's input side), so `pollInterval: 60s` and `maxSize: 1GiB` are strings, defaults are shown,
 * and every key carries its description. `validate` stays the authority: a refinement (cert and key go together)
 * or an `${ENV}` reference is beyond what an editor checks.
 */
export const configJsonSchema = (registry: PluginRegistry): Record<string, unknown> => {
  const schema = z.toJSONSchema(composeConfigSchema(registry), {
    target: 'draft-2020-12',
    io: 'input',
    // A duration or a size is parsed by a transform: its input is a string (or a number), which is what is shown.
    unrepresentable: 'any',
    override: ({ jsonSchema, path }) => {
      // `instance` defaults to the machine's host name: not a constant, and no business of a committed file.
      if (path.length === 2 && path[0] === 'properties' && path[1] === 'instance') delete jsonSchema.default;
    },
  }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    title: 'syslog-connector config',
    description: 'The syslog-connector config file (DESIGN §7). Every relative path is relative to this file. ${NAME} reads the environment.',
    ...schema,
  };
};
