import { resolve } from 'node:path';
import type { z } from 'zod';
import type { Formatter } from './formatter.js';
import type { DepRefs, ResolvedDeps } from './service-ref.js';
import type { Source } from './source.js';
import type { Transport } from './transport.js';

export type PluginKind = 'source' | 'formatter' | 'transport';

export interface PluginMeta {
  /** One line, shown by `validate --list`. */
  readonly summary: string;
  readonly stability: 'experimental' | 'beta' | 'stable';
  /** What a transport promises: UDP is best-effort, stream transports at-least-once. */
  readonly delivery?: 'best-effort' | 'at-least-once';
}

/**
 * Where a configured plugin sits in the config file, handed to it by the host: its id, its config path for errors,
 * and how its relative paths resolve. A plugin never rebuilds `destinations.<id>` itself, nor reads a file relative
 * to the working directory (DESIGN §7: every relative path is relative to the config file).
 */
export interface PluginPlace {
  /** The user's key: `siem` of `destinations.siem`, `workbench` of `sources.workbench`. */
  readonly id: string;
  /** The plugin's own path in the config, the prefix of every error it reports: `destinations.siem`, `sources.mdi`. */
  readonly configPath: string;
  /** A path from the plugin's options, made absolute: a relative one is taken from the config file's folder. */
  resolvePath(path: string): string;
}

/**
 * The place of `sources.<id>` or `destinations.<id>` of a config file in `configDir`. The host builds one per
 * configured plugin; tests use it to construct a plugin the way the host would.
 */
export const configPlace = (section: 'sources' | 'destinations', id: string, configDir: string): PluginPlace => ({
  id,
  configPath: `${section}.${id}`,
  resolvePath: (path) => resolve(configDir, path),
});

export interface PluginContext<O extends z.ZodObject, D extends DepRefs> extends PluginPlace {
  /** Validated, with defaults applied. */
  readonly options: z.output<O>;
  readonly deps: ResolvedDeps<D>;
  /** Aborted when the host shuts down. */
  readonly signal: AbortSignal;
}

/**
 * Advice on a valid config: something that works but is likely not what the user wants (a vendor field that
 * will be missing from every event, say). `validate` and `run` print it as a warning; it never fails a config.
 */
export interface ConfigAdvice {
  /** Path inside the plugin's own options (`['companyId']`); the host prefixes `sources.<id>` / `destinations.<id>`. */
  readonly path: readonly (string | number)[];
  /** What is missing or odd, and the fix. */
  readonly message: string;
}

interface KindInstance {
  source: Source;
  formatter: Formatter;
  transport: Transport;
}

const brand = '@syslog-connector/PluginDefinition';

export interface PluginDefinition<K extends PluginKind, O extends z.ZodObject, D extends DepRefs> {
  readonly $$type: typeof brand;
  readonly version: 1;
  readonly kind: K;
  /** kebab-case; equals the config's `type:` (sources), `format:` or `protocol:` (destinations). */
  readonly type: string;
  readonly meta: PluginMeta;
  /** A strict zod object: the plugin's whole config surface, with defaults and descriptions. */
  readonly options: O;
  readonly deps: D;
  /** Advice on valid options (see `ConfigAdvice`); none when absent. */
  readonly advise?: (options: z.output<O>) => readonly ConfigAdvice[];
  create(context: PluginContext<O, D>): KindInstance[K] | Promise<KindInstance[K]>;
}

export type AnyPluginDefinition = PluginDefinition<PluginKind, z.ZodObject, DepRefs>;
export type SourceDefinition = PluginDefinition<'source', z.ZodObject, DepRefs>;
export type FormatterDefinition = PluginDefinition<'formatter', z.ZodObject, DepRefs>;
export type TransportDefinition = PluginDefinition<'transport', z.ZodObject, DepRefs>;

interface DefinitionInput<K extends PluginKind, O extends z.ZodObject, D extends DepRefs> {
  readonly type: string;
  readonly meta: PluginMeta;
  readonly options: O;
  readonly deps: D;
  readonly advise?: (options: z.output<O>) => readonly ConfigAdvice[];
  create(context: PluginContext<O, D>): KindInstance[K] | Promise<KindInstance[K]>;
}

const TYPE_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

const define =
  <K extends PluginKind>(kind: K) =>
  <O extends z.ZodObject, D extends DepRefs>(input: DefinitionInput<K, O, D>): PluginDefinition<K, O, D> => {
    if (!TYPE_PATTERN.test(input.type)) {
      throw new TypeError(`Plugin type "${input.type}" must be kebab-case (e.g. "vision-one-oat").`);
    }
    return Object.freeze({ $$type: brand, version: 1, kind, ...input });
  };

export const defineSource = define('source');
export const defineFormatter = define('formatter');
export const defineTransport = define('transport');

const KINDS: ReadonlySet<string> = new Set<PluginKind>(['source', 'formatter', 'transport']);

/**
 * What the host reads of a plugin's `options` schema: a zod 4 object schema, recognised by its shape rather than by
 * `instanceof z.ZodObject`, so a plugin built against another copy of zod (or of core) is accepted. The host only
 * parses with it and walks its `shape` for `validate --list` and the JSON Schema.
 */
export interface ObjectSchemaLike {
  readonly _zod: { readonly def: { readonly type: 'object' } };
  readonly shape: Readonly<Record<string, unknown>>;
  safeParse(input: unknown): unknown;
}

/** True for a zod 4 object schema of any copy of zod (see `ObjectSchemaLike`). */
export const isObjectSchema = (value: unknown): value is ObjectSchemaLike => {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { readonly _zod?: { readonly def?: { readonly type?: unknown } }; readonly shape?: unknown; readonly safeParse?: unknown };
  return v._zod?.def?.type === 'object' && typeof v.shape === 'object' && v.shape !== null && typeof v.safeParse === 'function';
};

/** True for a value made by `defineSource` / `defineFormatter` / `defineTransport` of any copy of core. */
export const isPluginDefinition = (value: unknown): value is AnyPluginDefinition => {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.$$type === brand &&
    v.version === 1 &&
    typeof v.kind === 'string' &&
    KINDS.has(v.kind) &&
    typeof v.type === 'string' &&
    typeof v.create === 'function' &&
    isObjectSchema(v.options)
  );
};
