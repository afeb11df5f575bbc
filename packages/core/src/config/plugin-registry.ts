import { SyslogConnectorError } from '../errors.js';
import type {
  AnyPluginDefinition,
  FormatterDefinition,
  PluginKind,
  SourceDefinition,
  TransportDefinition,
} from '../plugin-definition.js';

/** Every known plugin, keyed by kind and type. Built-in and external plugins are registered the same way. */
export class PluginRegistry {
  readonly #byKey = new Map<string, { readonly definition: AnyPluginDefinition; readonly origin: string }>();

  /** Adds a definition; `origin` (a package name or path) is named if two plugins claim the same type. */
  register(definition: AnyPluginDefinition, origin: string): void {
    const key = `${definition.kind}:${definition.type}`;
    const existing = this.#byKey.get(key);
    if (existing !== undefined) {
      throw new SyslogConnectorError(
        'PLUGIN_DUPLICATE',
        `Two plugins define the ${definition.kind} type "${definition.type}": ${existing.origin} and ${origin}`,
        { path: 'plugins', hint: 'remove one of them from `plugins:`, or rename the type in your own plugin' },
      );
    }
    this.#byKey.set(key, { definition, origin });
  }

  get(kind: 'source', type: string): SourceDefinition | undefined;
  get(kind: 'formatter', type: string): FormatterDefinition | undefined;
  get(kind: 'transport', type: string): TransportDefinition | undefined;
  get(kind: PluginKind, type: string): AnyPluginDefinition | undefined {
    return this.#byKey.get(`${kind}:${type}`)?.definition;
  }

  list(kind: 'source'): readonly SourceDefinition[];
  list(kind: 'formatter'): readonly FormatterDefinition[];
  list(kind: 'transport'): readonly TransportDefinition[];
  list(kind: PluginKind): readonly AnyPluginDefinition[] {
    return [...this.#byKey.values()].map((entry) => entry.definition).filter((d) => d.kind === kind);
  }
}
