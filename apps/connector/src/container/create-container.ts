import {
  type AnyPluginDefinition,
  type Clock,
  configPlace,
  type Formatter,
  type HostIdentity,
  type Logger,
  type Metrics,
  type PluginPlace,
  type ServiceRef,
  type Source,
  type StateStore,
  services,
  SyslogConnectorError,
  type Transport,
} from '@syslog-connector/core';
import { type ConnectorConfig, placeError, type PluginRegistry } from '@syslog-connector/core/engine';
import { Container, type ServiceIdentifier } from 'inversify';

/** The one place a core service ref becomes an inversify identifier (inversify cannot infer through the brand). */
export const toId = <T>(ref: ServiceRef<T>): ServiceIdentifier<T> => ref as ServiceIdentifier<T>;

/** Kind tokens owned by the host; each configured instance is bound under its config id as the name. */
export const ids = {
  source: Symbol.for('syslog-connector:host.source') as ServiceIdentifier<Source>,
  formatter: Symbol.for('syslog-connector:host.formatter') as ServiceIdentifier<Formatter>,
  transport: Symbol.for('syslog-connector:host.transport') as ServiceIdentifier<Transport>,
} as const;

export interface PlatformServices {
  readonly logger: Logger;
  readonly clock: Clock;
  readonly host: HostIdentity;
  readonly metrics: Metrics;
  readonly store: StateStore;
}

/**
 * The metrics a plugin gets: the platform's, with the plugin's config id as a label (`source: <id>` for a source,
 * `destination: <id>` for a formatter or transport), so `status` can tell whose counter it is. A label the plugin
 * sets itself wins.
 */
const labelledMetrics = (metrics: Metrics, labels: Readonly<Record<string, string>>): Metrics => ({
  increment: (name, own, by) => metrics.increment(name, own === undefined ? labels : { ...labels, ...own }, by),
  snapshot: () => metrics.snapshot(),
});

/** Keys of a destination that belong to the destination itself, not to its transport. */
const DESTINATION_OWN_KEYS = new Set(['protocol', 'format', 'sources']);

const bindPlugin = (
  container: Container,
  kindId: ServiceIdentifier<unknown>,
  definition: AnyPluginDefinition,
  place: PluginPlace,
  options: unknown,
  signal: AbortSignal,
  close: (instance: { close?: () => Promise<void> }) => Promise<void>,
): void => {
  const depNames = Object.keys(definition.deps);
  const depIds = depNames.map((name) => toId(definition.deps[name] as ServiceRef<unknown>));
  const metricsId = toId(services.metrics) as ServiceIdentifier<unknown>;
  const id = place.id;
  const ownLabel = definition.kind === 'source' ? { source: id } : { destination: id };
  container
    .bind(kindId)
    .toResolvedValue(
      // The host places the plugin's errors at its config path (`placeError`): a plugin may report `tls.ca`.
      async (...resolved: unknown[]) => {
        try {
          return await definition.create({
            ...place,
            options: options as never,
            deps: Object.fromEntries(
              depNames.map((name, i) => [name, depIds[i] === metricsId ? labelledMetrics(resolved[i] as Metrics, ownLabel) : resolved[i]]),
            ) as never,
            signal,
          });
        } catch (error) {
          throw placeError(error, place.configPath);
        }
      },
      depIds as never,
    )
    .inSingletonScope()
    .whenNamed(id)
    .onDeactivation((instance) => close(instance as { close?: () => Promise<void> }));
};

/**
 * Builds the container from a validated config: platform services as constants, then one named binding per
 * configured source, formatter and transport. Plugins only ever see their declared deps.
 */
export const createContainer = (
  config: ConnectorConfig,
  registry: PluginRegistry,
  platform: PlatformServices,
  signal: AbortSignal,
): Container => {
  const container = new Container({ defaultScope: 'Singleton' });
  container.bind(toId(services.logger)).toConstantValue(platform.logger);
  container.bind(toId(services.clock)).toConstantValue(platform.clock);
  container.bind(toId(services.host)).toConstantValue(platform.host);
  container.bind(toId(services.metrics)).toConstantValue(platform.metrics);
  container.bind(toId(services.store)).toConstantValue(platform.store);

  const closeQuietly = async (instance: { close?: () => Promise<void> }) => {
    try {
      await instance.close?.();
    } catch (error) {
      platform.logger.warn({ error: (error as Error).message }, 'Plugin did not close cleanly.');
    }
  };
  const unknown = (kind: string, type: string, path: string) =>
    new SyslogConnectorError('PLUGIN_UNKNOWN', `No ${kind} plugin of type "${type}" is registered`, {
      path,
      hint: 'add the plugin package to `plugins:`',
    });

  for (const [id, source] of Object.entries(config.sources)) {
    const definition = registry.get('source', source.type);
    if (definition === undefined) throw unknown('source', source.type, `sources.${id}.type`);
    const { type: _type, ...options } = source;
    bindPlugin(container, ids.source, definition, configPlace('sources', id, config.configDir), options, signal, closeQuietly);
  }
  for (const [id, destination] of Object.entries(config.destinations)) {
    const transport = registry.get('transport', destination.protocol);
    if (transport === undefined) throw unknown('transport', destination.protocol, `destinations.${id}.protocol`);
    const formatter = registry.get('formatter', destination.format);
    if (formatter === undefined) throw unknown('formatter', destination.format, `destinations.${id}.format`);
    const formatterKeys = new Set(registry.list('formatter').map((f) => f.type));
    const transportOptions = Object.fromEntries(
      Object.entries(destination).filter(([key]) => !DESTINATION_OWN_KEYS.has(key) && !formatterKeys.has(key)),
    );
    const formatterOptions = destination[destination.format] ?? formatter.options.parse({});
    const place = configPlace('destinations', id, config.configDir);
    bindPlugin(container, ids.transport, transport, place, transportOptions, signal, closeQuietly);
    bindPlugin(container, ids.formatter, formatter, { ...place, configPath: `${place.configPath}.${destination.format}` }, formatterOptions, signal, async () => undefined);
  }
  return container;
};
