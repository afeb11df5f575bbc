import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { describeError, type Logger, SyslogConnectorError } from '@syslog-connector/core';
import { type ConnectorConfig, parseListenAddress } from '@syslog-connector/core/engine';
import type { ConnectorStatus } from '../connector.js';
import { type AdminRoute, AdminRouter, text } from './admin-router.js';
import { type ConsoleOptions, type ConsoleTarget, consoleApiRoutes } from './console-api.js';
import { ConsoleSessions } from './console-session.js';
import { consoleStaticRoutes, findConsoleAssets } from './console-static.js';
import { ConnectorMetrics } from './connector-metrics.js';
import { assessReadiness } from './readiness.js';

/**
 * What the admin listener reads: the running connector (its `status()`; the console's routes read the rest of
 * `ConsoleTarget`), or undefined while there is none.
 */
export interface AdminTarget extends Partial<Omit<ConsoleTarget, 'status'>> {
  status(): Promise<ConnectorStatus>;
}

const consoleTarget = (target: AdminTarget | undefined): ConsoleTarget | undefined =>
  target?.config !== undefined && target.recentLines !== undefined && target.deadLetters !== undefined && target.redriveDeadLetter !== undefined
    ? (target as ConsoleTarget)
    : undefined;

export interface AdminListener {
  /** Where it listens, e.g. `http://127.0.0.1:9514` (the bound port when `listen` asked for port 0). */
  readonly url: string;
  /** From now on `/readyz` answers 503 (shutting down); metrics are still served while the connector drains. */
  stopping(): void;
  close(): Promise<void>;
}

/**
 * Starts the admin listener of `config.admin` (off when absent: resolves undefined). `/healthz` says the process
 * answers; `/readyz` that the store is open and every destination delivers (or failed for less than
 * `admin.readiness.maxFailingFor`); `/metrics` is the Prometheus text format of the connector's status, read at
 * scrape time. Everything but `/healthz`, `/readyz` and, with `metricsPublic`, `/metrics` needs the token.
 * With `console`, the web console too: its static files under `/console/` and its admin API under `/api/`
 * (docs/console-api.md), signed in with the same token. `baseDir` is the config file's folder: relative
 * `admin.tls` paths are read from it.
 */
export const startAdminListener = async (
  config: ConnectorConfig,
  baseDir: string,
  logger: Logger,
  target: () => AdminTarget | undefined,
  console?: ConsoleOptions,
): Promise<AdminListener | undefined> => {
  const admin = config.admin;
  if (admin === undefined) return undefined;
  const address = parseListenAddress(admin.listen);
  if (address === undefined) throw new SyslogConnectorError('CONFIG_INVALID', `admin.listen "${admin.listen}" is not host:port`, { path: 'admin.listen', hint: 'write e.g. 127.0.0.1:9514' });
  let stopping = false;
  const metrics = new ConnectorMetrics();

  /** The status, or why there is none (not started yet, shutting down, store closed). */
  const read = async (): Promise<{ status: ConnectorStatus } | { why: string }> => {
    const connector = target();
    if (connector === undefined) return { why: 'the connector is not running (starting, or the store is closed)' };
    try {
      return { status: await connector.status() };
    } catch (error) {
      if (SyslogConnectorError.hasCode(error, 'STORE_UNAVAILABLE')) return { why: 'the store is closed' };
      throw error;
    }
  };
  const readiness = (status: ConnectorStatus) => assessReadiness(status, admin.readiness.maxFailingFor);

  const routes: AdminRoute[] = [
    { path: '/healthz', method: 'GET', access: 'public', handle: async () => text(200, 'ok\n') },
    {
      path: '/readyz',
      method: 'GET',
      access: 'public',
      handle: async () => {
        if (stopping) return text(503, 'not ready: shutting down\n');
        const current = await read();
        if (!('status' in current)) return text(503, `not ready: ${current.why}\n`);
        const { ready, reasons } = readiness(current.status);
        return ready ? text(200, 'ready\n') : text(503, `not ready:\n${reasons.map((r) => `- ${r}\n`).join('')}`);
      },
    },
    {
      path: '/metrics',
      method: 'GET',
      access: admin.metricsPublic ? 'public' : 'token',
      handle: async () => {
        const current = await read();
        if (!('status' in current)) return text(503, `no metrics: ${current.why}\n`);
        const ready = !stopping && readiness(current.status).ready;
        return { status: 200, contentType: metrics.contentType, body: await metrics.scrape(current.status, { ready }) };
      },
    },
  ];
  const sessions = new ConsoleSessions(admin.token, admin.tls !== undefined);
  if (console !== undefined) {
    routes.push(
      ...consoleStaticRoutes(console.assetsDir ?? (await findConsoleAssets())),
      ...consoleApiRoutes(config, console, sessions, logger, () => consoleTarget(target())),
    );
  }
  const router = new AdminRouter(routes, sessions.access, (path, error) => logger.error({ path, error: describeError(error) }, 'Admin request failed.'));

  const server: Server =
    admin.tls === undefined
      ? createHttpServer()
      : createHttpsServer({ cert: readTlsFile(baseDir, admin.tls.cert, 'cert'), key: readTlsFile(baseDir, admin.tls.key, 'key'), minVersion: 'TLSv1.2' });
  server.on('request', (request: IncomingMessage, response) => {
    void router.handle(request, response);
  });
  // Probes and scrapers hold connections open; a short keep-alive lets close() finish without waiting on them.
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new SyslogConnectorError('CONFIG_INVALID', `the admin listener cannot listen on ${admin.listen} (${error.code ?? error.message})`, {
          path: 'admin.listen',
          hint: error.code === 'EADDRINUSE' ? 'another process uses that port: stop it or choose another port' : 'use an address of this machine, e.g. 127.0.0.1:9514',
          cause: error,
        }),
      ),
    );
    server.listen(address.port, address.host, () => resolvePromise());
  });
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  const url = `${admin.tls === undefined ? 'http' : 'https'}://${host}:${bound.port}`;
  logger.info(
    { url, tls: admin.tls !== undefined, metricsPublic: admin.metricsPublic, console: console !== undefined },
    `Admin listener on ${url} (/metrics, /healthz, /readyz${console === undefined ? '' : ', console at /console/'}).`,
  );
  return {
    url,
    stopping: () => {
      stopping = true;
    },
    close: async () => {
      stopping = true;
      const closed = new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
      server.closeIdleConnections();
      // A scraper mid-request gets its answer; anything still open after a second is cut.
      const timer = setTimeout(() => server.closeAllConnections(), 1_000);
      await closed;
      clearTimeout(timer);
      logger.info({ url }, 'Admin listener closed.');
    },
  };
};

const readTlsFile = (baseDir: string, path: string, key: 'cert' | 'key'): string => {
  const file = resolve(baseDir, path);
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new SyslogConnectorError('CONFIG_INVALID', `the admin listener's TLS ${key} file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
      path: `admin.tls.${key}`,
      hint: 'a relative path is taken from the config file\'s folder; the file must be a PEM file readable by the connector\'s user',
      cause: error,
    });
  }
};
