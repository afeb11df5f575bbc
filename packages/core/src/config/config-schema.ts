import { hostname } from 'node:os';
import { z } from 'zod';
import { byteSize } from '../byte-size.js';
import { JOURNAL_FULL_POLICIES, type JournalFullPolicy } from '../journal.js';
import { type ConfigIssue, formatPath } from './config-issues.js';
import { destinationSharedShape } from './destination-shared-keys.js';
import { type AdminConfig, adminConfigSchema } from './admin-config.js';
import type { PluginRegistry } from './plugin-registry.js';
import { type ReloadConfig, reloadConfigSchema } from './reload-config.js';
import { type StoreConfig, storeConfigSchema } from './store-config.js';

/**
 * Where the durable journal keeps events (`journal.engine`, issue #18): `log`, append-only segment files with a
 * checksum per stored batch (default), or `sqlite`, a row per event in the store's database.
 */
export const JOURNAL_ENGINES = ['log', 'sqlite'] as const;
export type JournalEngine = (typeof JOURNAL_ENGINES)[number];

const ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** Keys a destination owns itself; everything else is the transport's (flat) or a formatter's (nested). */
export const DESTINATION_KEYS = ['protocol', 'format', 'sources'] as const;

/**
 * The root config schema (DESIGN §7), composed from the registered plugins:
 * - `sources.<id>`: a union on `type` of every source's own options;
 * - `destinations.<id>`: a union on `protocol` of every transport's options (flat keys: address, port, framing,
 *   tls…), plus `format` (one of the formatters) and that formatter's options nested under its name
 *   (`cef: { prefix: rfc5424 }`).
 */
export const composeConfigSchema = (registry: PluginRegistry) => {
  const sourceDefs = registry.list('source');
  const transportDefs = registry.list('transport');

  const sourceSchemas = sourceDefs.map((def) => def.options.extend({ type: z.literal(def.type) }));
  const shared = destinationSharedShape(registry);
  const destinationSchemas = transportDefs.map((def) => def.options.extend({ protocol: z.literal(def.type), ...shared }));

  const oneOf = <T extends z.ZodObject>(schemas: T[], key: string, what: string) => {
    if (schemas.length === 0) return z.never({ error: `no ${what} plugins are registered` });
    if (schemas.length === 1) return schemas[0] as T;
    return z.discriminatedUnion(key, schemas as unknown as [T, T, ...T[]]);
  };

  return z
    .strictObject({
      instance: z
        .string()
        .min(1)
        .max(255)
        .default(() => hostname())
        .describe('Shown as the syslog HOSTNAME / sensor name; default: the machine host name'),
      stateDir: z.string().min(1).default('./data').describe('Folder of the journal, cursors and checkpoints'),
      journal: z
        .strictObject({
          maxSize: byteSize(JOURNAL_MIN_BYTES)
            .prefault(DEFAULT_JOURNAL_MAX_SIZE)
            .describe('Disk budget of the store in stateDir (e.g. 500MB, 2GiB); default 1GiB'),
          whenFull: z
            .enum(JOURNAL_FULL_POLICIES)
            .default('block')
            .describe('At the budget: block (sources pause, nothing is lost; default) or drop-oldest (counted per destination)'),
          engine: z
            .enum(JOURNAL_ENGINES)
            .default('sqlite')
            .describe('Where events are kept: sqlite (a row per event; default, what every existing store holds) or log (segment files with a checksum per batch; stores a backlog about 6x faster, opt-in)'),
          fsync: z
            .boolean()
            .default(false)
            .describe('Flush every stored batch to disk before the source goes on: survives power loss too, at a cost in throughput; default false (survives a crash of the process)'),
        })
        .prefault({})
        .describe('The durable journal (DESIGN §2): its disk budget and what happens when it is reached'),
      store: storeConfigSchema,
      plugins: z.array(z.string().min(1)).default([]).describe('Extra plugin packages or paths to load'),
      logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
      admin: adminConfigSchema,
      reload: reloadConfigSchema,
      sources: z
        .record(z.string().regex(ID, 'ids are letters, digits, - and _'), oneOf(sourceSchemas, 'type', 'source'))
        .refine((s) => Object.keys(s).length > 0, { message: 'at least one source is required; add one under `sources:`' }),
      destinations: z
        .record(z.string().regex(ID, 'ids are letters, digits, - and _'), oneOf(destinationSchemas, 'protocol', 'transport'))
        .refine((d) => Object.keys(d).length > 0, {
          message: 'at least one destination is required; add one under `destinations:`',
        }),
    });
};

export type ConfigSchema = ReturnType<typeof composeConfigSchema>;

/**
 * The default disk budget: about 1.5 million events of a typical 700-byte size, a weekend of a busy tenant with the
 * SIEM down. Bounded by default so an outage cannot fill the disk the connector shares with its host.
 */
export const DEFAULT_JOURNAL_MAX_SIZE = '1GiB';
/** SQLite needs room for its schema and a few batches; below this every append would find the journal full. */
export const JOURNAL_MIN_BYTES = 1_048_576;

/** A validated config, with every default applied. Plugin options stay loosely typed here: each plugin owns its own. */
export interface ConnectorConfig {
  readonly instance: string;
  /**
   * The config file's folder (absolute), set by the loader, not a key of the file: every relative path in the
   * config — stateDir, plugins, a plugin's files — is relative to it (DESIGN §7), never to the working directory.
   */
  readonly configDir: string;
  /** Absolute: resolved from `configDir` by the loader. */
  readonly stateDir: string;
  readonly journal: { readonly maxSize: number; readonly whenFull: JournalFullPolicy; readonly engine: JournalEngine; readonly fsync: boolean };
  /** Where the journal lives (`store-config.ts`); absent in configs built before issue #19: sqlite. */
  readonly store?: StoreConfig;
  readonly plugins: readonly string[];
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** The admin listener (`admin-config.ts`); undefined: off. */
  readonly admin?: AdminConfig;
  /** SIGHUP always reloads; `watch` also on a file change (`reload-config.ts`). */
  readonly reload: ReloadConfig;
  readonly sources: Readonly<Record<string, { readonly type: string } & Readonly<Record<string, unknown>>>>;
  readonly destinations: Readonly<
    Record<
      string,
      { readonly protocol: string; readonly format: string; readonly sources?: readonly string[] } & Readonly<
        Record<string, unknown>
      >
    >
  >;
}

/**
 * Checks that each destination's `sources:` names configured sources. It runs on the raw document, apart from
 * the schema, so the problem is reported even when other keys are wrong too (zod skips refinements then).
 */
export const checkSourceReferences = (document: unknown): ConfigIssue[] => {
  if (typeof document !== 'object' || document === null) return [];
  const { sources, destinations } = document as { sources?: unknown; destinations?: unknown };
  if (typeof destinations !== 'object' || destinations === null) return [];
  const known = typeof sources === 'object' && sources !== null ? Object.keys(sources) : [];
  const issues: ConfigIssue[] = [];
  for (const [id, destination] of Object.entries(destinations)) {
    const wanted = (destination as { sources?: unknown } | null)?.sources;
    if (!Array.isArray(wanted)) continue;
    wanted.forEach((source: unknown, index) => {
      if (typeof source === 'string' && !known.includes(source)) {
        issues.push({
          path: formatPath(['destinations', id, 'sources', index]),
          message: `"${source}" is not a configured source; use one of ${known.join(', ') || '(none)'}`,
        });
      }
    });
  }
  return issues;
};
