import { setFlagsFromString } from 'node:v8';
import { ConfigReloader, HangupSignal } from '../config/config-reloader.js';
import { startAdminListener } from '../admin/admin-listener.js';
import { createLogger } from '../logger.js';
import { Connector } from '../connector.js';
import { type CommandIo, EXIT, loadOrReport, reportError } from './command-context.js';
import { openJournal } from './open-journal.js';
import { loggedStatus, summarizeStatus } from './status-command.js';

export interface RunOptions {
  /** Stop by itself after this long (tests, demos); default: run until SIGINT/SIGTERM. */
  readonly durationMs?: number;
  /** How often the one-line status summary is logged. Default 60 s. */
  readonly statusIntervalMs?: number;
  /** How long a graceful stop keeps delivering. Default 10 s. */
  readonly drainTimeoutMs?: number;
}

/**
 * `syslog-connector run`: runs until SIGINT/SIGTERM, then stops polling, drains, saves and exits 0. SIGHUP (and a
 * change to the file, with `reload: { watch: true }`) reloads the config without a restart (README "Reload").
 */
export const runCommand = async (configPath: string, io: CommandIo, options: RunOptions = {}): Promise<number> => {
  favourMemory(io.env);
  const hangups = new HangupSignal();
  try {
    return await runDaemon(configPath, io, options, hangups);
  } finally {
    hangups.dispose();
  }
};

/**
 * The daemon asks V8 to favour a small heap over speed (`--optimize-for-size`), before it reads its config: an idle
 * daemon's live heap is small (56 MB with 1,000 sources), but V8's default heap sizing kept 3–4× that reserved after
 * the burst of work at start, most of its RSS. Measured with 1,000 Workbench sources (apps/connector/bench,
 * issue #20): RSS 156 MB instead of 317 MB, for about the same CPU. `SYSLOG_CONNECTOR_V8_FLAGS` replaces the
 * flags (empty: V8's defaults), for a daemon whose throughput matters more than its size.
 */
export const DAEMON_V8_FLAGS = '--optimize-for-size';

const favourMemory = (env: CommandIo['env']): void => {
  const flags = env['SYSLOG_CONNECTOR_V8_FLAGS'] ?? DAEMON_V8_FLAGS;
  if (flags.trim() !== '') setFlagsFromString(flags);
};

const runDaemon = async (configPath: string, io: CommandIo, options: RunOptions, hangups: HangupSignal): Promise<number> => {
  const loaded = await loadOrReport(configPath, io);
  if (loaded === undefined) return EXIT.failed;
  const logger = createLogger(loaded.config.logLevel, io.stderr);
  let connector: Connector;
  let store: Awaited<ReturnType<typeof openJournal>>;
  try {
    // The shared store's lease coordinator logs takeovers and rebalancing (the embedded store logs nothing here).
    store = await openJournal(loaded.config, loaded.config.store?.type === 'postgres' ? logger : undefined);
  } catch (error) {
    reportError(error, io);
    return EXIT.failed;
  }
  // The admin listener answers /readyz with 503 until the connector has started (`connector` is unset till then).
  // The console's saves go through the reloader, as SIGHUP does.
  const started: { reloader?: ConfigReloader } = {};
  const console = {
    configPath,
    env: io.env,
    reload: () => started.reloader?.request('console') ?? Promise.resolve({ applied: false, error: 'the daemon is starting: the saved file applies once it runs' }),
    written: (text: string) => started.reloader?.noteWritten(text),
  };
  const admin = await startAdminListener(loaded.config, loaded.baseDir, logger, () => connector, console).catch((error: unknown) => {
    reportError(error, io);
    return null;
  });
  if (admin === null) {
    await store.journal.close();
    return EXIT.failed;
  }
  try {
    connector = await Connector.start({
      config: loaded.config,
      registry: loaded.registry,
      logger,
      journal: store.journal,
      state: store.state,
      ...(store.assignment === undefined ? {} : { assignment: store.assignment }),
      ...(options.drainTimeoutMs === undefined ? {} : { drainTimeoutMs: options.drainTimeoutMs }),
    });
  } catch (error) {
    reportError(error, io);
    await admin?.close();
    await store.journal.close();
    return EXIT.failed;
  }
  const stopped = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
    if (options.durationMs !== undefined) setTimeout(() => resolve('duration'), options.durationMs).unref();
  });
  const reloader = new ConfigReloader(configPath, connector, logger, io.env);
  started.reloader = reloader;
  hangups.attach(reloader);
  await reloader.follow();
  const statusTimer = setInterval(() => {
    connector.status().then(
      (status) => logger.info({ status: loggedStatus(status) }, `Status: ${summarizeStatus(status)}`),
      (error: unknown) => logger.warn({ error: (error as Error).message }, 'Status unavailable.'),
    );
  }, options.statusIntervalMs ?? 60_000);
  statusTimer.unref();
  const reason = await stopped;
  clearInterval(statusTimer);
  // Closed, the reloader ignores a SIGHUP during the drain (the listener stays till `run` returns: no default action).
  await reloader.close();
  logger.info({ reason }, 'Stopping: draining destinations.');
  admin?.stopping();
  await connector.stop();
  await store.journal.close();
  await admin?.close();
  return EXIT.ok;
};
