import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { parseDuration } from '@syslog-connector/core';
import { DEFAULT_CONFIG_PATH, EXIT, processIo } from './commands/command-context.js';
import { newCommand } from './commands/new-command.js';
import { pluginsCommand } from './commands/plugins-command.js';
import { runCommand } from './commands/run-command.js';
import { schemaCommand } from './commands/schema-command.js';
import { statusCommand } from './commands/status-command.js';
import { sendTestCommand } from './commands/send-test-command.js';
import { testConnectionCommand } from './commands/test-connection-command.js';
import { validateCommand } from './commands/validate-command.js';
import { importSystemdCredentials } from './systemd-credentials.js';

const durationArgument = (value: string): number => {
  const ms = parseDuration(value);
  if (ms === undefined) throw new InvalidArgumentError('write a number and a unit, e.g. 30s or 5m');
  return ms;
};

/** The command line of DESIGN §8. Each action sets the exit code; usage errors exit 2. */
export const createProgram = (setExit: (code: number) => void): Command => {
  const program = new Command('syslog-connector')
    .description('Pulls security events from XDR APIs and delivers them to syslog servers (CEF, RFC 5424, RFC 3164).')
    .exitOverride()
    .showHelpAfterError();
  const config = () => new Option('-c, --config <file>', 'config file (YAML or JSON)').default(DEFAULT_CONFIG_PATH);
  program
    .command('run')
    .description('run until SIGINT/SIGTERM, then drain and exit 0')
    .addOption(config())
    .addOption(new Option('--duration <time>', 'stop by itself after this long').argParser(durationArgument).hideHelp())
    .addOption(new Option('--status-interval <time>', 'how often the status line is logged').argParser(durationArgument).default(60_000, '60s'))
    .addOption(new Option('--drain-timeout <time>', 'how long a graceful stop keeps delivering').argParser(durationArgument).default(10_000, '10s'))
    .action(async (opts: { config: string; duration?: number; statusInterval: number; drainTimeout: number }) =>
      setExit(
        await runCommand(opts.config, processIo, {
          ...(opts.duration === undefined ? {} : { durationMs: opts.duration }),
          statusIntervalMs: opts.statusInterval,
          drainTimeoutMs: opts.drainTimeout,
        }),
      ),
    );
  program
    .command('status')
    .description('per source and destination: last poll, delivered, lag, reconnects, dropped, last error')
    .addOption(config())
    .option('--json', 'machine-readable report')
    .option('--source <glob>', 'only the sources whose id matches (* and ?; repeat for more)', (glob: string, globs: string[] = []) => [...globs, glob])
    .option('--problems', 'only the sources that fail, are paused or have dead letters')
    .option('--all', 'every source, however many (past 10 the report shows totals and the worst 5)')
    .action(async (opts: { config: string; json?: boolean; source?: string[]; problems?: boolean; all?: boolean }) =>
      setExit(
        await statusCommand(opts.config, processIo, {
          json: opts.json === true,
          ...(opts.source === undefined ? {} : { sources: opts.source }),
          problems: opts.problems === true,
          all: opts.all === true,
        }),
      ),
    );
  program
    .command('new')
    .description('write a new plugin package (source, formatter or transport) that builds, lints and runs its conformance suite with npm alone')
    .argument('<kind>', 'source, formatter or transport')
    .argument('<name>', 'kebab-case; the plugin\'s type')
    .option('--dir <folder>', 'where to write it (default ./syslog-connector-<kind>-<name>)')
    .action(async (kind: string, name: string, opts: { dir?: string }) => setExit(await newCommand(kind, name, opts, processIo)));
  program
    .command('validate')
    .description('exit 0 if the config is valid, 1 with every error listed')
    .addOption(config())
    .action(async (opts: { config: string }) => setExit(await validateCommand(opts.config, processIo)));
  program
    .command('test-connection')
    .description('check each source (sign-in, one page of its API) and destination (resolve, connect, handshake), each step reported')
    .addOption(config())
    .option('-s, --source <name>', 'only this source (with -d: and that destination)')
    .option('-d, --destination <name>', 'only this destination (with -s: and that source)')
    .option('--json', 'machine-readable report')
    .action(async (opts: { config: string; source?: string; destination?: string; json?: boolean }) =>
      setExit(
        await testConnectionCommand(opts.config, processIo, {
          ...(opts.source === undefined ? {} : { source: opts.source }),
          ...(opts.destination === undefined ? {} : { destination: opts.destination }),
          json: opts.json === true,
        }),
      ),
    );
  program
    .command('send-test')
    .description('send one recognisable test event through the real formatter and transport')
    .addOption(config())
    .option('-d, --destination <name>', 'only this destination')
    .action(async (opts: { config: string; destination?: string }) =>
      setExit(await sendTestCommand(opts.config, processIo, opts.destination === undefined ? {} : { destination: opts.destination })),
    );
  program
    .command('plugins')
    .description('list the plugins the config loads: kind, type, package, version, built-in or from `plugins:`')
    .addOption(config())
    .option('--json', 'machine-readable list')
    .action(async (opts: { config: string; json?: boolean }) => setExit(await pluginsCommand(opts.config, processIo, { json: opts.json === true })));
  program
    .command('schema')
    .description('print the JSON Schema of the config file (for editors), from core and the built-in plugins')
    .option('-c, --config <file>', 'also describe the plugins this config loads (`plugins:`)')
    .action(async (opts: { config?: string }) => setExit(await schemaCommand(processIo, opts.config === undefined ? {} : { config: opts.config })));
  program
    .command('demo')
    .description('no credentials: simulator → connector → receiver, printing each line')
    .option('--duration <time>', 'stop by itself after this long (e.g. 30s)', durationArgument)
    .option('--quiet', 'print only the status line')
    .option('--format <name>', 'send every event in this format (cef, leef, rfc5424, rfc3164); default: Trend as CEF, MDI as RFC 5424')
    .action(async (opts: { duration?: number; quiet?: boolean; format?: string }) => {
      // Loaded only here, so `run` and the checks never load the simulators (a separate chunk in dist/).
      const { demoCommand } = await import('./commands/demo-command.js');
      setExit(
        await demoCommand(processIo, {
          ...(opts.duration === undefined ? {} : { durationMs: opts.duration }),
          ...(opts.format === undefined ? {} : { format: opts.format }),
          quiet: opts.quiet === true,
        }),
      );
    });
  return program;
};

const main = async (): Promise<void> => {
  let code: number = EXIT.ok;
  const program = createProgram((c) => {
    code = c;
  });
  try {
    // Under systemd, secrets arrive as LoadCredential= files; the config reads them as ${NAME} (deploy/systemd).
    importSystemdCredentials(process.env);
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; anything else commander rejects is a usage error.
      code = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    } else {
      process.stderr.write(`error: ${(error as Error).message}\n`);
      code = EXIT.failed;
    }
  }
  process.exitCode = code;
  // The store, sockets and timers are closed by each command; exit now in case a plugin left a handle open.
  setTimeout(() => process.exit(code), 200).unref();
};

await main();
