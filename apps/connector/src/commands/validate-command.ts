import { type CommandIo, EXIT, loadOrReport } from './command-context.js';

/** `syslog-connector validate`: exit 0 if the config is valid, 1 with every problem listed. */
export const validateCommand = async (configPath: string, io: CommandIo): Promise<number> => {
  const loaded = await loadOrReport(configPath, io);
  if (loaded === undefined) return EXIT.failed;
  const { config } = loaded;
  const sources = Object.entries(config.sources).map(([id, s]) => `${id} (${s.type})`);
  // A network destination shows its address; any other (a socket, a file) its protocol alone, never `undefined:NaN`.
  const where = (d: { readonly protocol: string; readonly address?: unknown; readonly port?: unknown }) =>
    typeof d.address === 'string' && typeof d.port === 'number' ? `${d.protocol} ${d.address.includes(':') ? `[${d.address}]` : d.address}:${d.port}` : d.protocol;
  const destinations = Object.entries(config.destinations).map(([id, d]) => `${id} (${where(d)}, ${d.format})`);
  io.stdout.write(`${configPath} is valid.\n  sources: ${sources.join(', ')}\n  destinations: ${destinations.join(', ')}\n`);
  return EXIT.ok;
};
