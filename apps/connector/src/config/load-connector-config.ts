import { dirname, resolve } from 'node:path';
import { collectSecrets, SyslogConnectorError } from '@syslog-connector/core';
import {
  adviseConfig,
  type ConfigIssue,
  type ConnectorConfig,
  checkDestinationsWithoutTransport,
  checkSourceReferences,
  composeConfigSchema,
  type FileReferences,
  flattenIssues,
  PluginRegistry,
  readConfigDocument,
  substituteEnvironment,
} from '@syslog-connector/core/engine';
import { hostSecrets } from '../logger.js';
import { concealer } from './conceal-environment.js';
import { builtinPlugins } from '../plugins/builtin-plugins.js';
import { loadPluginPackages } from '../plugins/load-plugin-packages.js';

export type LoadedConfig =
  | {
      readonly ok: true;
      readonly config: ConnectorConfig;
      readonly registry: PluginRegistry;
      readonly baseDir: string;
      /** Warnings on a valid config: what every event will lack, say (`ConfigAdvice` of the plugins). */
      readonly advice: readonly ConfigIssue[];
    }
  | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

/**
 * A `${NAME}` whose variable is not set (or a `${file:PATH}` whose file cannot be used) stays in the value as
 * written: that text is not a secret (the problem about it must name the variable or file), what is written around
 * it may be.
 */
const withoutUnsetReferences = (secrets: readonly string[]): string[] =>
  secrets.flatMap((s) => s.split(/\$\{(?:[A-Za-z_][A-Za-z0-9_]*|file:[^}]+)\}/)).filter((s) => s !== '');

/** Registers the built-in plugins, then the ones named in `plugins:`, in that order. */
export const buildRegistry = async (pluginSpecs: readonly string[], baseDir: string): Promise<PluginRegistry> => {
  const registry = new PluginRegistry();
  for (const { definition, origin } of builtinPlugins) registry.register(definition, origin);
  for (const { definition, origin } of await loadPluginPackages(pluginSpecs, baseDir)) registry.register(definition, origin);
  return registry;
};

/**
 * Validates a parsed config document: `${ENV}` substitution, plugin loading, then the schema composed from every
 * registered plugin. Returns every issue found, never only the first.
 */
export const validateDocument = async (
  document: unknown,
  baseDir: string,
  environment: Readonly<Record<string, string | undefined>> = process.env,
  readFile?: FileReferences['read'],
): Promise<LoadedConfig> => {
  // `${file:PATH}` is read relative to the config file; `readFile` lets the console validate files it has not written yet.
  const substituted = substituteEnvironment(document, environment, { baseDir, ...(readFile === undefined ? {} : { read: readFile }) });
  const value = substituted.value;
  // Registers every `${NAME}` and `${file:PATH}` value with the host's redactor (and conceals it in a problem as
  // `${NAME}` / `${file:PATH}`).
  const conceal = concealer(JSON.stringify(document) ?? '', environment, substituted.fromFiles);
  const raw = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  if (raw === undefined) {
    return { ok: false, issues: [{ path: '(root)', message: 'the config must be a mapping with `sources:` and `destinations:`' }] };
  }
  const specs = Array.isArray(raw.plugins) ? raw.plugins.filter((p): p is string => typeof p === 'string') : [];
  // The secrets of core's keys (the admin token) and of the built-in plugins' keys, before loading any other
  // plugin: an error about a plugin that fails to load must not quote them either.
  hostSecrets.add(withoutUnsetReferences(collectSecrets(composeConfigSchema(await buildRegistry([], baseDir)), value)));
  let registry: PluginRegistry;
  try {
    registry = await buildRegistry(specs, baseDir);
  } catch (error) {
    if (SyslogConnectorError.is(error)) {
      const issues = [...substituted.issues, { path: error.path ?? 'plugins', message: error.describe().replace(/^plugins(\[\d+\])?: /, '') }];
      return { ok: false, issues: issues.map(({ path, message }) => ({ path: conceal(path), message: conceal(message) })) };
    }
    throw error;
  }
  const schema = composeConfigSchema(registry);
  // Every value of a key a plugin marks secret (`secretOption`), the loaded plugins' too — read from the document
  // as written, so a secret is registered even when the config around it is invalid.
  if (specs.length > 0) hostSecrets.add(withoutUnsetReferences(collectSecrets(schema, value)));
  const parsed = schema.safeParse(value, { reportInput: true });
  const choices = {
    type: registry.list('source').map((d) => d.type),
    protocol: registry.list('transport').map((d) => d.type),
  };
  // An unset `${NOPE_TENANT}` stays in the value as written, so the schema finds it "not a GUID" too: the
  // variable's own issue says what to do, the schema's at that same path would only mislead.
  const unset = new Set(substituted.issues.map((issue) => issue.path));
  const issues = [
    ...substituted.issues,
    ...[
      ...(parsed.success ? [] : flattenIssues(parsed.error.issues, choices)),
      ...checkDestinationsWithoutTransport(value, registry),
      ...checkSourceReferences(value),
    ].filter((issue) => !unset.has(issue.path)),
  ];
  if (issues.length > 0 || !parsed.success) {
    // A message may quote the value it refused (`"…" is not a size`); a value from `${NAME}` is shown as `${NAME}`,
    // and any other secret (or 8+ characters of one) is masked.
    return { ok: false, issues: issues.map(({ path, message }) => ({ path: conceal(path), message: conceal(message) })) };
  }
  const config = parsed.data as unknown as ConnectorConfig;
  // stateDir is relative to the config file, like plugin paths, so a service starts the same from any folder.
  const located: ConnectorConfig = { ...config, configDir: baseDir, stateDir: resolve(baseDir, config.stateDir) };
  const advice = adviseConfig(located, registry).map(({ path, message }) => ({ path: conceal(path), message: conceal(message) }));
  return { ok: true, config: located, registry, baseDir, advice };
};

export const loadConnectorConfig = async (
  path: string,
  environment: Readonly<Record<string, string | undefined>> = process.env,
): Promise<LoadedConfig> => {
  const document = await readConfigDocument(path);
  return validateDocument(document, dirname(resolve(path)), environment);
};
