import { execFile } from 'node:child_process';
import { accessSync, chownSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';
import { findFreePorts } from '../oracles/find-free-ports.js';
import type { MachineCondition } from '../machine/index.js';

const run = promisify(execFile);

/** Where Debian's `postgresql` package puts the server binaries (PostgreSQL 15 on bookworm). */
const BIN_DIRS = ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin'];

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The folder holding `initdb`, `pg_ctl` and `postgres`; undefined when PostgreSQL is not installed. */
export const postgresBinDir = (): string | undefined =>
  [process.env['POSTGRES_BIN_DIR'], ...BIN_DIRS].find((dir): dir is string => dir !== undefined && executable(join(dir, 'pg_ctl')) && executable(join(dir, 'initdb')));

/** For `describe.skipIf(requireMachineCondition(postgresCondition))`: CI installs it (install-oracles.sh). */
export const postgresCondition: MachineCondition = {
  what: 'tests on a private PostgreSQL server',
  unmet: postgresBinDir() === undefined ? `initdb and pg_ctl not found in ${BIN_DIRS.join(', ')}` : undefined,
  hint: 'run packages/testing/scripts/install-oracles.sh as root (apt-get install postgresql), or set POSTGRES_BIN_DIR',
};

export interface PrivatePostgresOptions {
  /** Extra server settings (`-c name=value`), e.g. `{ synchronous_commit: 'off' }`. */
  readonly settings?: Readonly<Record<string, string>>;
}

/**
 * A private PostgreSQL server for one test file: `initdb` into a temporary folder, `pg_ctl start` on a free
 * loopback port (no Unix socket outside that folder), trust authentication for its one superuser. The server
 * refuses to run as root, so as root every command runs as the `postgres` user (Debian's package creates it) and
 * the folder is theirs. The postmaster is tracked by its PID: `stop()` signals that PID (fast shutdown) and waits
 * for it to go; `kill()` is SIGKILL for crash tests. Call `stop()` in afterAll.
 */
export class PrivatePostgres {
  readonly port: number;
  readonly folder: string;
  readonly #bin: string;
  readonly #asPostgres: boolean;
  readonly #settings: Readonly<Record<string, string>>;
  #pid: number | undefined;

  private constructor(bin: string, folder: string, port: number, asPostgres: boolean, settings: Readonly<Record<string, string>>) {
    this.#bin = bin;
    this.folder = folder;
    this.port = port;
    this.#asPostgres = asPostgres;
    this.#settings = settings;
  }

  static async start(options: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
    const bin = postgresBinDir();
    if (bin === undefined) throw new Error(`PostgreSQL not installed: ${postgresCondition.hint}`);
    const asPostgres = process.getuid?.() === 0;
    // As root the server runs as `postgres`, which must reach the folder: /tmp, not a TMPDIR inside root's home.
    const folder = mkdtempSync(join(asPostgres ? '/tmp' : tmpdir(), 'private-postgres-'));
    const [port] = await findFreePorts(['tcp']);
    const server = new PrivatePostgres(bin, folder, port as number, asPostgres, options.settings ?? {});
    try {
      if (asPostgres) {
        const { stdout } = await run('id', ['-u', 'postgres']);
        const uid = Number(stdout.trim());
        const { stdout: gid } = await run('id', ['-g', 'postgres']);
        chownSync(folder, uid, Number(gid.trim()));
      }
      await server.#as(join(bin, 'initdb'), ['-D', server.dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
      // Loopback only; small and quick: this server lives for one test file.
      writeFileSync(
        join(server.dataDir, 'postgresql.auto.conf'),
        [
          `listen_addresses = '127.0.0.1'`,
          `port = ${server.port}`,
          `unix_socket_directories = '${folder}'`,
          `fsync = on`,
          `shared_buffers = '32MB'`,
          `max_connections = 60`,
          ...Object.entries(server.#settings).map(([name, value]) => `${name} = '${value}'`),
          '',
        ].join('\n'),
      );
      await server.restart();
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  get dataDir(): string {
    return join(this.folder, 'data');
  }

  /** The connection string of the `postgres` database (a test creates its own databases with `createDatabase`). */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** A new, empty database; returns its connection string. */
  async createDatabase(name: string): Promise<string> {
    const psql = executable(join(this.#bin, 'psql')) ? join(this.#bin, 'psql') : 'psql';
    await this.#as(psql, ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'postgres', '-q', '-v', 'ON_ERROR_STOP=1', '-c', `CREATE DATABASE "${name}"`]);
    return this.url(name);
  }

  /** The postmaster's PID while it runs. */
  get pid(): number | undefined {
    return this.#pid;
  }

  /** Starts the server (again, after `stop()` or `kill()`) on the same port and data; waits until it accepts connections. */
  async restart(): Promise<void> {
    if (this.#pid !== undefined) await this.stop();
    await this.#as(join(this.#bin, 'pg_ctl'), ['-D', this.dataDir, '-l', join(this.folder, 'server.log'), '-w', '-t', '30', 'start']);
    this.#pid = Number.parseInt(readFileSync(join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10);
  }

  /** Fast shutdown (SIGINT to the postmaster): open transactions roll back, clients are disconnected. Waits for it to exit. */
  async stop(): Promise<void> {
    await this.#signal('SIGINT');
  }

  /** SIGKILL to the postmaster (its backends go when they notice): a crash; the next `restart()` recovers from the WAL. */
  async kill(): Promise<void> {
    await this.#signal('SIGKILL');
    // Orphaned backends exit on their own once the postmaster is gone; a restart waits for the port in pg_ctl -w.
  }

  /** Stops the server and removes its folder. */
  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.folder, { recursive: true, force: true });
  }

  /** The server's log (for a failing test's message). */
  log(): string {
    try {
      return readFileSync(join(this.folder, 'server.log'), 'utf8');
    } catch {
      return '';
    }
  }

  async #signal(signal: NodeJS.Signals): Promise<void> {
    const pid = this.#pid;
    if (pid === undefined) return;
    try {
      process.kill(pid, signal);
    } catch {
      this.#pid = undefined;
      return;
    }
    for (let waited = 0; waited < 30_000; waited += 50) {
      try {
        process.kill(pid, 0);
      } catch {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    this.#pid = undefined;
  }

  async #as(command: string, args: readonly string[]): Promise<void> {
    const [file, argv] = this.#asPostgres ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, [...args]];
    await run(file, argv, { cwd: this.folder, timeout: 60_000 });
  }
}

/**
 * One private server for the calling test file (call it inside a `describe`): started in `beforeAll`, stopped by its
 * PID and removed in `afterAll`. Returns the running server (valid inside tests).
 */
export const usePrivatePostgres = (options: PrivatePostgresOptions = {}): (() => PrivatePostgres) => {
  let server: PrivatePostgres | undefined;
  beforeAll(async () => {
    server = await PrivatePostgres.start(options);
  }, 60_000);
  afterAll(async () => {
    await server?.remove();
  });
  return () => {
    if (server === undefined) throw new Error('usePrivatePostgres(): the server starts in beforeAll; use it inside a test');
    return server;
  };
};
