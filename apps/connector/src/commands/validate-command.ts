import { hostSecrets } from '../logger.js';
import { type CommandIo, EXIT, loadOrReport } from './command-context.js';
import { describeTargets } from './describe-targets.js';

/**
 * `syslog-connector validate`: exit 0 if the config is valid, 1 with every problem listed. A valid config's
 * sources and destinations are listed, then what each plugin says it reads from or sends to (`describeTarget()`):
 * the plugins are created and closed again, never connected (`describeTargets`).
 */
export const validateCommand = async (configPath: string, io: CommandIo): Promise<number> => {
  const loaded = await loadOrReport(configPath, io);
  if (loaded === undefined) return EXIT.failed;
  const { config } = loaded;
  const sources = Object.entries(config.sources).map(([id, s]) => `${id} (${s.type})`);
  // A network destination shows its address; any other (a socket, a file) its protocol alone, never `undefined:NaN`.
  const where = (d: { readonly protocol: string; readonly address?: unknown; readonly port?: unknown }) =>
    typeof d.address === 'string' && typeof d.port === 'number' ? `${d.protocol} ${d.address.includes(':') ? `[${d.address}]` : d.address}:${d.port}` : d.protocol;
  const destinations = Object.entries(config.destinations).map(([id, d]) => `${id} (${where(d)}, ${d.format})`);
  const targets = await describeTargets(config, loaded.registry, io);
  const lines = [
    `${configPath} is valid.`,
    `  sources: ${sources.join(', ')}`,
    `  destinations: ${destinations.join(', ')}`,
    ...[...targets.sources].map(([id, target]) => `  ${id} reads ${target}`),
    ...[...targets.destinations].map(([id, target]) => `  ${id} sends to ${target}`),
  ];
  io.stdout.write(hostSecrets.redact(`${lines.join('\n')}\n`));
  return EXIT.ok;
};
