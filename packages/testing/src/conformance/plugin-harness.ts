import {
  isPluginDefinition,
  services,
  z,
  type AnyPluginDefinition,
  type Clock,
  type DepRefs,
  type HostIdentity,
  type Logger,
  type Metrics,
  type PluginKind,
  type StateStore,
} from '@syslog-connector/core';
import { expect, it } from 'vitest';

/** The services a suite binds for a plugin's `deps`, by name; each suite gives its own doubles. */
export interface SuiteServices {
  readonly logger: Logger;
  readonly clock: Clock;
  readonly host: HostIdentity;
  readonly metrics: Metrics;
  readonly store: StateStore;
}

/** A `StateStore` in memory. */
export const memoryStateStore = (): StateStore => {
  const values = new Map<string, string>();
  return {
    get: async (namespace, key) => values.get(`${namespace}\u0000${key}`),
    set: async (namespace, key, value) => void values.set(`${namespace}\u0000${key}`, value),
  };
};

/** The plugin's declared `deps`, each bound to the suite's service; a dependency the suite cannot bind is an error. */
export const bindSuiteDeps = (deps: DepRefs, bound: SuiteServices): Record<string, unknown> => {
  const byRef = new Map<symbol, unknown>([
    [services.host, bound.host],
    [services.metrics, bound.metrics],
    [services.clock, bound.clock],
    [services.logger, bound.logger],
    [services.store, bound.store],
  ]);
  return Object.fromEntries(
    Object.entries(deps).map(([name, ref]) => {
      if (!byRef.has(ref)) throw new Error(`The conformance suite cannot bind the dependency ${name} (${String(ref)}).`);
      return [name, byRef.get(ref)];
    }),
  );
};

/**
 * The checks every plugin definition gets, whatever its kind: a branded definition of `kind` with a kebab-case type
 * and a summary; a strict options schema whose every key has a default or is optional (unless `required` options
 * are given, which must parse), and is described for `validate` and the JSON Schema.
 */
export const describeDefinitionChecks = (definition: AnyPluginDefinition, kind: PluginKind, required: Readonly<Record<string, unknown>> = {}): void => {
  it(`is a ${kind} plugin definition with a kebab-case type`, () => {
    expect(isPluginDefinition(definition)).toBe(true);
    expect(definition.kind).toBe(kind);
    expect(definition.type).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
    expect(definition.meta.summary).not.toBe('');
  });

  it(Object.keys(required).length === 0 ? 'accepts an empty options object: every key has a default or is optional' : 'accepts its required options alone: every other key has a default or is optional', () => {
    expect(definition.options.safeParse(required).success).toBe(true);
  });

  it('rejects an unknown option key (a strict schema)', () => {
    const result = definition.options.safeParse({ ...required, notAnOption: true });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.code)).toContain('unrecognized_keys');
  });

  it('describes every option in its JSON Schema', () => {
    const schema = z.toJSONSchema(definition.options, { io: 'input' }) as { properties?: Record<string, { description?: string }> };
    const undescribed = Object.entries(schema.properties ?? {})
      .filter(([, property]) => (property.description ?? '') === '')
      .map(([key]) => key);
    expect(undescribed).toEqual([]);
  });
};
