import { type ChildProcess, spawn } from 'node:child_process';
import { OracleError } from './oracle-error.js';

const OUTPUT_LIMIT = 64 * 1024;
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

// A test runner that dies mid-test must not leave daemons behind: kill ours, synchronously, on the way out.
const installExitHook = (): void => {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
};

/** A foreground daemon started by an oracle: its combined stdout/stderr (last 64 KiB) and a bounded stop. */
export class OracleDaemon {
  readonly #child: ChildProcess;
  readonly #exited: Promise<number | null>;
  #output = '';
  #exitCode: number | null | undefined;

  private constructor(child: ChildProcess) {
    this.#child = child;
    const keep = (chunk: Buffer): void => {
      this.#output = (this.#output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.#exited = new Promise((resolve) => {
      child.once('error', (error) => {
        this.#output += `\n[oracle] spawn failed: ${error.message}`;
        this.#exitCode = null;
        running.delete(child);
        resolve(null);
      });
      child.once('exit', (code, signal) => {
        this.#exitCode = code ?? (signal === null ? null : -1);
        running.delete(child);
        resolve(this.#exitCode);
      });
    });
  }

  static spawn(binary: string, args: readonly string[], env: NodeJS.ProcessEnv): OracleDaemon {
    installExitHook();
    const child = spawn(binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    return new OracleDaemon(child);
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** `undefined` while running, else the exit code (`-1` when killed by a signal). */
  get exitCode(): number | null | undefined {
    return this.#exitCode;
  }

  output(): string {
    return this.#output;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone (or throws after another 2 s). */
  async stop(graceMs = 2_000): Promise<void> {
    if (this.#exitCode !== undefined) return;
    this.#child.kill('SIGTERM');
    if (await this.#exitedWithin(graceMs)) return;
    this.#child.kill('SIGKILL');
    if (await this.#exitedWithin(2_000)) return;
    throw new OracleError('ORACLE_EXITED', `daemon pid ${String(this.pid)} did not exit after SIGKILL`);
  }

  async #exitedWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    const result = await Promise.race([this.#exited.then(() => true as const), timeout]);
    clearTimeout(timer);
    return result;
  }
}
