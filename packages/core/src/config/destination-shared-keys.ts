import { z } from 'zod';
import { type ConfigIssue, flattenIssues } from './config-issues.js';
import type { PluginRegistry } from './plugin-registry.js';

/**
 * The keys of a destination that are the destination's own, whatever its protocol: `format`, `sources`, and each
 * formatter's options under the formatter's name. `composeConfigSchema` adds them to every transport's options.
 */
export const destinationSharedShape = (registry: PluginRegistry) => {
  const formatterDefs = registry.list('formatter');
  const formatTypes = formatterDefs.map((f) => f.type);
  return {
    format: (formatTypes.length > 0 ? z.enum(formatTypes as [string, ...string[]]) : z.string())
      .default(formatTypes.includes('cef') ? 'cef' : (formatTypes[0] ?? 'cef'))
      .describe('Message format: ' + formatTypes.join(' | ')),
    sources: z.array(z.string()).min(1).optional().describe('Source ids this destination receives; default: all'),
    ...Object.fromEntries(formatterDefs.map((f) => [f.type, f.options.optional()])),
  };
};

const PORT_RANGE = 'must be 1–65535';

/**
 * The keys of a destination whose `protocol` is missing or unknown, checked anyway so that `validate` lists every
 * problem at once (DESIGN §7): a discriminated union stops at its discriminator, and `protocol: sctp, port: 99999,
 * format: leef` would otherwise report the protocol alone. Checked: `port` (every transport has one, 1–65535),
 * `format`, `sources` and the formatter options. Not checked: the other keys, which only the transport knows;
 * they are not reported as unknown either.
 */
export const checkDestinationsWithoutTransport = (document: unknown, registry: PluginRegistry): ConfigIssue[] => {
  if (typeof document !== 'object' || document === null) return [];
  const destinations = (document as { destinations?: unknown }).destinations;
  if (typeof destinations !== 'object' || destinations === null || Array.isArray(destinations)) return [];
  const protocols = new Set(registry.list('transport').map((t) => t.type));
  const shared = z.looseObject({
    port: z.number({ error: PORT_RANGE }).int({ error: PORT_RANGE }).min(1, { error: PORT_RANGE }).max(65535, { error: PORT_RANGE }).optional(),
    ...destinationSharedShape(registry),
  });
  const issues: ConfigIssue[] = [];
  for (const [id, destination] of Object.entries(destinations)) {
    if (typeof destination !== 'object' || destination === null) continue;
    const protocol = (destination as { protocol?: unknown }).protocol;
    if (typeof protocol === 'string' && protocols.has(protocol)) continue;
    const parsed = shared.safeParse(destination, { reportInput: true });
    if (parsed.success) continue;
    const prefix = ['destinations', id];
    issues.push(...flattenIssues(parsed.error.issues.map((issue) => ({ ...issue, path: [...prefix, ...issue.path] }))));
  }
  return issues;
};
