import { createRequire, registerHooks } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type AnyPluginDefinition, isPluginDefinition, SyslogConnectorError } from '@syslog-connector/core';

const isPath = (spec: string) => spec.startsWith('.') || isAbsolute(spec);

const CORE = '@syslog-connector/core';
let coreShared = false;

/**
 * Makes every `import '@syslog-connector/core'` (and its subpaths) resolve to the host's own copy, whoever imports
 * it: a plugin loaded by path from a folder without `node_modules`, or installed by name with a core of its own,
 * gets the host's core — one copy, one set of brands, one zod. Registered once, before the first plugin loads
 * (Node's synchronous module hooks, `module.registerHooks`).
 */
export const shareCoreWithPlugins = (): void => {
  if (coreShared) return;
  coreShared = true;
  const hostCore = new Map<string, string>();
  const resolveHost = (specifier: string): string => {
    let url = hostCore.get(specifier);
    if (url === undefined) {
      url = import.meta.resolve(specifier);
      hostCore.set(specifier, url);
    }
    return url;
  };
  registerHooks({
    resolve: (specifier, context, nextResolve) => {
      if (specifier === CORE || specifier.startsWith(`${CORE}/`)) {
        try {
          return { url: resolveHost(specifier), shortCircuit: true };
        } catch {
          // A subpath the host's core does not export: let Node say so for the importer.
        }
      }
      return nextResolve(specifier, context);
    },
  });
};

/** A plugin definition from the `plugins:` list: the entry that named it (`origin`, at `index`) and its module file. */
export interface LoadedPlugin {
  readonly definition: AnyPluginDefinition;
  readonly origin: string;
  readonly index: number;
  readonly file: string;
}

/**
 * Loads the plugin packages named in the config's `plugins:` list. A name is resolved like an import from the
 * config file's folder; a path (./x, /x) is taken relative to it. Either way the plugin's `@syslog-connector/core`
 * is the host's (`shareCoreWithPlugins`). The module's default export must be a
 * plugin definition (or a list of them); anything else is a clear error naming the entry.
 */
export const loadPluginPackages = async (
  specs: readonly string[],
  baseDir: string,
): Promise<LoadedPlugin[]> => {
  // A package name is looked up from the config file's folder first, then next to the host app itself.
  const lookups = [createRequire(resolve(baseDir, 'syslog-connector.config')), createRequire(import.meta.url)];
  const resolvePackage = (spec: string): string => {
    for (const lookup of lookups) {
      try {
        return lookup.resolve(spec);
      } catch {
        // try the next place
      }
    }
    throw new Error(`Cannot find package '${spec}' next to the config file or the connector`);
  };
  if (specs.length > 0) shareCoreWithPlugins();
  const loaded: LoadedPlugin[] = [];
  for (const [index, spec] of specs.entries()) {
    const path = `plugins[${index}]`;
    let module: { default?: unknown };
    let file: string;
    try {
      file = isPath(spec) ? resolve(baseDir, spec) : resolvePackage(spec);
      module = (await import(pathToFileURL(file).href)) as { default?: unknown };
    } catch (cause) {
      throw new SyslogConnectorError('PLUGIN_LOAD_FAILED', `Plugin "${spec}" cannot be loaded: ${(cause as Error).message.split('\n')[0]}`, {
        path,
        hint: isPath(spec)
          ? 'check the path (relative to the config file) and that the plugin is built'
          : `install it next to the connector (pnpm add ${spec}) or give a path`,
        cause,
      });
    }
    const exported = module.default;
    const definitions = Array.isArray(exported) ? (exported as unknown[]) : [exported];
    for (const definition of definitions) {
      if (!isPluginDefinition(definition)) {
        throw new SyslogConnectorError('PLUGIN_INVALID', `Plugin "${spec}" does not export a plugin definition as its default export`, {
          path,
          hint: 'export the value returned by defineSource / defineFormatter / defineTransport as default',
        });
      }
      loaded.push({ definition, origin: spec, file, index });
    }
  }
  return loaded;
};
