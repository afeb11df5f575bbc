import type { ConnectorConfig, PluginRegistry } from '@syslog-connector/core/engine';
import { ids } from '../container/create-container.js';
import { createLogger } from '../logger.js';
import { transportTarget } from '../plugins/plugin-target.js';
import type { CommandIo } from './command-context.js';
import { oneShotContainer } from './destination-selection.js';

/** What each source reads and each destination sends to, as the plugins say (`describeTarget()`). */
export interface PluginTargets {
  readonly sources: ReadonlyMap<string, string>;
  readonly destinations: ReadonlyMap<string, string>;
}

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';

/**
 * The targets of these sources and destinations, for `validate` and `status`: each plugin is created as `run` and
 * `test-connection` create it (a one-shot container: same plugins and options, no journal), asked `describeTarget()`
 * and closed again — never checked, opened, polled or sent to, so nothing connects. The built-in sources and
 * transports open no socket when created. A source that does not describe itself shows its type, a transport its
 * protocol; a plugin that cannot be created shows that, with why (`run` would fail the same way).
 */
export const describeTargets = async (
  config: ConnectorConfig,
  registry: PluginRegistry,
  io: CommandIo,
  sourceIds: readonly string[] = Object.keys(config.sources),
  destinationIds: readonly string[] = Object.keys(config.destinations),
): Promise<PluginTargets> => {
  const controller = new AbortController();
  const container = oneShotContainer(config, registry, createLogger('warn', io.stderr), controller.signal);
  const sources = new Map<string, string>();
  const destinations = new Map<string, string>();
  try {
    for (const id of sourceIds) {
      const type = config.sources[id]?.type ?? id;
      try {
        const said = (await container.getAsync(ids.source, { name: id })).describeTarget?.();
        sources.set(id, typeof said === 'string' && said.trim() !== '' ? said : type);
      } catch (error) {
        sources.set(id, `${type} (not described: ${reason(error)})`);
      }
    }
    for (const id of destinationIds) {
      const protocol = config.destinations[id]?.protocol ?? id;
      try {
        destinations.set(id, transportTarget(await container.getAsync(ids.transport, { name: id }), protocol));
      } catch (error) {
        destinations.set(id, `${protocol} (not described: ${reason(error)})`);
      }
    }
  } finally {
    controller.abort();
    await container.unbindAllAsync();
  }
  return { sources, destinations };
};
