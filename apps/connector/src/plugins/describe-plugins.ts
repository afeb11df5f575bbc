import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type AnyPluginDefinition, type PluginKind } from '@syslog-connector/core';
import { PluginRegistry } from '@syslog-connector/core/engine';
import { builtinPlugins } from './builtin-plugins.js';
import { loadPluginPackages } from './load-plugin-packages.js';

/** One loaded plugin as `syslog-connector plugins` shows it. */
export interface PluginDescription {
  readonly kind: PluginKind;
  readonly type: string;
  /** The npm package the definition comes from; `(file)` for a module with no package.json above it. */
  readonly package: string;
  /** That package's version; `unknown` when its package.json cannot be read. */
  readonly version: string;
  /** `built-in`, or the `plugins:` entry that loaded it: `plugins[0]: ./my-plugin.js`. */
  readonly origin: string;
  readonly stability: AnyPluginDefinition['meta']['stability'];
  readonly summary: string;
}

interface PackageJson {
  readonly name?: string;
  readonly version?: string;
}

const readPackageJson = (file: string): PackageJson | undefined => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
};

/** The package.json nearest above a module file: the package a plugin loaded by path belongs to. */
const owningPackage = (file: string): PackageJson | undefined => {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const found = readPackageJson(join(dir, 'package.json'));
    if (found !== undefined) return found;
    if (dirname(dir) === dir) return undefined;
  }
};

const hostRequire = createRequire(import.meta.url);

/** A built-in plugin's version, from its package.json next to the host app (every plugin exports it). */
const builtinVersion = (name: string): string => {
  try {
    return readPackageJson(hostRequire.resolve(`${name}/package.json`))?.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
};

const describe = (definition: AnyPluginDefinition, pkg: PackageJson | undefined, fallbackName: string, origin: string): PluginDescription => ({
  kind: definition.kind,
  type: definition.type,
  package: pkg?.name ?? fallbackName,
  version: pkg?.version ?? 'unknown',
  origin,
  stability: definition.meta.stability,
  summary: definition.meta.summary,
});

/**
 * Every plugin the host would load for this `plugins:` list, in registration order: the built-ins, then each
 * entry's definitions. Throws the same errors as loading the config does (a plugin that cannot be loaded, two
 * plugins with one type), so `plugins` fails where `run` would.
 */
export const describePlugins = async (specs: readonly string[], baseDir: string): Promise<PluginDescription[]> => {
  const registry = new PluginRegistry();
  const described: PluginDescription[] = [];
  for (const { definition, origin } of builtinPlugins) {
    registry.register(definition, origin);
    described.push(describe(definition, { name: origin, version: builtinVersion(origin) }, origin, 'built-in'));
  }
  for (const { definition, origin, index, file } of await loadPluginPackages(specs, baseDir)) {
    registry.register(definition, origin);
    described.push(describe(definition, owningPackage(file), '(file)', `plugins[${index}]: ${origin}`));
  }
  return described;
};
