import { hostname } from 'node:os';
import { type Logger, systemClock } from '@syslog-connector/core';
import { type ConnectorConfig, type PluginRegistry } from '@syslog-connector/core/engine';
import type { Container } from 'inversify';
import type { LoadedConfig } from '../config/load-connector-config.js';
import { createLogger } from '../logger.js';
import { type CommandIo, EXIT, loadOrReport } from './command-context.js';
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

export interface OneShotContext {
  readonly loaded: Extract<LoadedConfig, { ok: true }>;
  readonly selected: readonly string[];
  readonly container: Container;
  readonly signal: AbortSignal;
}

/**
 * The frame of a one-shot command: load the config, let `select` pick what to work on (a string is a usage error),
 * build the container, run `work`, then close every plugin whatever happened.
 */
export const withOneShotContainer = async <S>(
  configPath: string,
  io: CommandIo,
  select: (config: ConnectorConfig) => S | string,
  work: (context: Omit<OneShotContext, 'selected'> & { readonly selection: S }) => Promise<number>,
): Promise<number> => {
  const loaded = await loadOrReport(configPath, io);
  if (loaded === undefined) return EXIT.failed;
  const selection = select(loaded.config);
  if (typeof selection === 'string') {
    io.stderr.write(`error: ${selection}\n`);
    return EXIT.usage;
  }
  const controller = new AbortController();
  const container = oneShotContainer(loaded.config, loaded.registry, createLogger('warn', io.stderr), controller.signal);
  try {
    return await work({ loaded, selection, container, signal: controller.signal });
  } finally {
    controller.abort();
    await container.unbindAllAsync();
  }
};

/**
 * The frame of a one-shot command on destinations (`send-test`): load the config, pick the destinations (`-d`),
 * build the container, run `work`, then close every plugin whatever happened.
 */
export const withDestinations = async (
  configPath: string,
  io: CommandIo,
  destination: string | undefined,
  work: (context: OneShotContext) => Promise<number>,
): Promise<number> =>
  withOneShotContainer(configPath, io, (config) => selectDestinations(config, destination), ({ selection, ...context }) =>
    work({ ...context, selected: selection }),
  );
