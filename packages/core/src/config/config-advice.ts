import type { ConfigAdvice } from '../plugin-definition.js';
import { type ConfigIssue, formatPath } from './config-issues.js';
import type { ConnectorConfig } from './config-schema.js';
import type { PluginRegistry } from './plugin-registry.js';

/**
 * Every plugin's advice on a valid config (`advise` of its definition), with the full path: `sources.<id>.…` for a
 * source, `destinations.<id>.…` for a transport, `destinations.<id>.<format>.…` for a formatter. Warnings, never
 * errors: the config stays valid. A plugin whose `advise` throws gives no advice rather than failing the config.
 */
export const adviseConfig = (config: ConnectorConfig, registry: PluginRegistry): ConfigIssue[] => {
  const advice: ConfigIssue[] = [];
  const collect = (advise: ((options: never) => readonly ConfigAdvice[]) | undefined, options: unknown, prefix: readonly string[]) => {
    if (advise === undefined) return;
    let given: readonly ConfigAdvice[];
    try {
      given = advise(options as never);
    } catch {
      return;
    }
    for (const item of given) advice.push({ path: formatPath([...prefix, ...item.path]), message: item.message });
  };
  for (const [id, source] of Object.entries(config.sources)) {
    collect(registry.get('source', source.type)?.advise, source, ['sources', id]);
  }
  for (const [id, destination] of Object.entries(config.destinations)) {
    collect(registry.get('transport', destination.protocol)?.advise, destination, ['destinations', id]);
    const format = registry.get('formatter', destination.format);
    collect(format?.advise, destination[destination.format] ?? format?.options.parse({}), ['destinations', id, destination.format]);
  }
  return advice;
};
