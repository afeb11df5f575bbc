import { hostname } from 'node:os';
import { type ConnectorConfig, type Logger, type PluginRegistry, systemClock } from '@syslog-connector/core';
import type { Container } from 'inversify';
import { createContainer } from '../container/create-container.js';
import { InMemoryMetrics } from '../in-memory-metrics.js';
import { InMemoryStateStore } from '../in-memory-state-store.js';

/** The destinations a one-shot command works on: all, or the one named with `-d`. */
export const selectDestinations = (config: ConnectorConfig, name: string | undefined): string[] | string => {
  const all = Object.keys(config.destinations);
  if (name === undefined) return all;
  if (!all.includes(name)) return `destination "${name}" is not in the config; use one of ${all.join(', ')}`;
  return [name];
};

/** A container for a one-shot command: same plugins and options as `run`, but no journal. */
export const oneShotContainer = (config: ConnectorConfig, registry: PluginRegistry, logger: Logger, signal: AbortSignal): Container =>
  createContainer(
    config,
    registry,
    {
      logger,
      clock: systemClock,
      host: { instance: config.instance, hostname: hostname() },
      metrics: new InMemoryMetrics(),
      store: new InMemoryStateStore(),
    },
    signal,
  );
