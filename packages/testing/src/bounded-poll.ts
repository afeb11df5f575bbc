import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Clock, Logger } from '@syslog-connector/core';

/**
 * The bounded-poll harness the API sources share (issue #16): a test runs one source in a child process (real HTTP
 * to a simulator on loopback, the real SourceRunner loop, its own peak RSS) and reads one JSON line back. No test
 * runner here: the child script imports this entry (`@syslog-connector/testing/bounded-poll`) with plain node.
 */

/** One log line of the child, as the test reads it. */
export interface ChildLogLine {
  readonly level: 'warn' | 'error';
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

/** What every bounded-poll child prints, besides its source's own fields. */
export interface PollChildOutput {
  readonly stats: { readonly polls: number; readonly errors: number; readonly lastError?: string; readonly deadLettered: number; readonly stored: number };
  readonly logs: readonly ChildLogLine[];
  /** VmHWM of the child, KiB. */
  readonly peakRssKiB: number;
}

/**
 * Runs `script` with `input` as its one argument and resolves to the JSON it printed; rejects with its stderr if it
 * exits non-zero. The child is in `children` while it runs: `killPollChildren(children)` in afterEach.
 */
export const runPollChild = <T>(script: string, input: object, children: Set<ChildProcess>): Promise<T> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, JSON.stringify(input)], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      children.delete(child);
      if (code !== 0) reject(new Error(`child exited ${code}: ${err.slice(0, 2000)}`));
      else resolve(JSON.parse(out) as T);
    });
  });

/** Kills (by PID) every child still running. */
export const killPollChildren = (children: Set<ChildProcess>): void => {
  for (const child of children) if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  children.clear();
};

/** A logger keeping warnings and errors (the first 50 are printed), dropping debug and info. */
export const childLogger = (): { readonly logger: Logger; readonly logs: ChildLogLine[] } => {
  const logs: ChildLogLine[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn(fields, message) {
      logs.push({ level: 'warn', message, fields: fields as Record<string, unknown> });
    },
    error(fields, message) {
      logs.push({ level: 'error', message, fields: fields as Record<string, unknown> });
    },
    child: () => logger,
  };
  return { logger, logs };
};

/** Real time, but every sleep (back-offs, the poll interval) is cut to at most `capMs` so a test runs in seconds. */
export const shortSleepClock = (capMs: number): Clock => ({
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason as Error);
        return;
      }
      const wait = Math.min(ms, capMs);
      if (wait <= 0) setImmediate(resolve);
      else setTimeout(resolve, wait);
    }),
});

export interface RunUntilOptions {
  /** True once the stored checkpoint has reached the point the test waits for. */
  readonly reached: () => Promise<boolean>;
  /** Also wait until this many errors are counted (what the test asserts), within `maxAttempts`. Default 0. */
  readonly errors?: number;
  /** Stop after this many attempts (polls + errors) in any case. Default 200. */
  readonly maxAttempts?: number;
  /** Stop after this long in any case. Default 30 s. */
  readonly deadlineMs?: number;
}

/**
 * Runs `runner` until the checkpoint is reached AND the attempt that reached it has ended (counted as a poll or as
 * an error: a poll that set a window aside throws its limit error only when it ends, after its last batch is
 * stored) AND `errors` errors are counted — or `maxAttempts` attempts ran, or the deadline passed. Stopping
 * earlier would abort the poll before it counts the error the test asserts (the runner counts no error once stopped).
 */
export const runUntil = async (
  runner: { readonly stats: { readonly polls: number; readonly errors: number }; run(signal: AbortSignal): Promise<void> },
  options: RunUntilOptions,
): Promise<void> => {
  const stop = new AbortController();
  const deadline = setTimeout(() => stop.abort(new Error('deadline')), options.deadlineMs ?? 30_000);
  const done = runner.run(stop.signal);
  let reachedAt: number | undefined;
  const watch = setInterval(() => {
    void (async () => {
      const reached = await options.reached();
      const attempts = runner.stats.polls + runner.stats.errors;
      if (reached) reachedAt ??= attempts;
      const settled = reachedAt !== undefined && attempts > reachedAt && runner.stats.errors >= (options.errors ?? 0);
      if (settled || attempts >= (options.maxAttempts ?? 200)) stop.abort(new Error('done'));
    })();
  }, 20);
  await done;
  clearInterval(watch);
  clearTimeout(deadline);
};

/** This process's peak RSS (VmHWM of /proc/self/status), KiB. */
export const peakRssKiB = (): number | undefined => {
  const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'latin1'));
  return hwm === null ? undefined : Number(hwm[1]);
};
