import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { ReceivedMessage } from '@syslog-connector/testing';
import { CLI, runCli } from './run-cli.js';

export const SEQUENCE_SOURCE = fileURLToPath(new URL('./fixtures/sequence-source.mjs', import.meta.url));

/** A running `syslog-connector run` child process (real CLI, real store, real sockets). */
export interface ConnectorProcess {
  readonly child: ChildProcess;
  /** SIGTERM, then the exit code; SIGKILL after `timeoutMs` fails the caller's assertion with null. */
  stop(timeoutMs?: number): Promise<number | null>;
  /** SIGKILL: no drain, no save; what was committed is all that survives. */
  kill(): Promise<void>;
  logs(): string;
}

export const startConnector = (configPath: string, args: readonly string[] = [], env: Record<string, string> = {}): ConnectorProcess => {
  const child = spawn(process.execPath, [CLI, 'run', '-c', configPath, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('close', (code) => resolve(code));
    // A child that cannot start (EACCES, ENOENT) fails the test at once with the cause, not at its timeout.
    child.on('error', (error) => {
      stderr += `\n[test] ${CLI} could not be started: ${error.message}\n`;
      reject(new Error(`${CLI} could not be started: ${error.message}`, { cause: error }));
    });
  });
  exited.catch(() => {}); // observed by stop() and kill(); not an unhandled rejection meanwhile
  return {
    child,
    stop: async (timeoutMs = 15_000) => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    logs: () => stderr,
  };
};

export interface Destination {
  readonly id: string;
  readonly port: number;
  readonly sources?: readonly string[];
  /** Default 1s: the outage tests reconnect fast. */
  readonly connectTimeout?: string;
}

/** A config with the sequence source and TCP/CEF destinations on loopback. */
export const writeSequenceConfig = async (
  path: string,
  source: { readonly total: number; readonly batchSize: number; readonly pollIntervalMs: number; readonly batchesPerPoll?: number },
  destinations: readonly Destination[],
  extraLines: readonly string[] = [],
): Promise<void> => {
  const lines = [
    'instance: fault-test',
    'stateDir: ./state',
    ...extraLines,
    'logLevel: info',
    'plugins:',
    `  - ${JSON.stringify(SEQUENCE_SOURCE)}`,
    'sources:',
    '  seq:',
    '    type: test-sequence',
    `    total: ${source.total}`,
    `    batchSize: ${source.batchSize}`,
    `    batchesPerPoll: ${source.batchesPerPoll ?? 1}`,
    `    pollIntervalMs: ${source.pollIntervalMs}`,
    'destinations:',
  ];
  for (const d of destinations) {
    lines.push(`  ${d.id}:`, '    protocol: tcp', '    address: 127.0.0.1', `    port: ${d.port}`, '    format: cef');
    // A short reconnect backoff keeps the outage tests short; the defaults are for real SIEMs.
    lines.push('    reconnect: { initialDelay: 100ms, maxDelay: 500ms }', `    connectTimeout: ${d.connectTimeout ?? '1s'}`);
    if (d.sources !== undefined) lines.push(`    sources: [${d.sources.join(', ')}]`);
  }
  await writeFile(path, `${lines.join('\n')}\n`);
};

/** A loopback port nothing listens on (bound, then closed): connecting gets ECONNREFUSED. */
export const deadPort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
};

/** The sequence numbers a receiver got, from the CEF `externalId` of each message. */
export const sequenceNumbers = (messages: readonly ReceivedMessage[]): number[] =>
  messages.map((m) => Number((m.parsed?.cef?.extensions.externalId ?? 'seq-NaN').slice(4)));

/** Every number 0 … total-1 that is missing. */
export const missing = (numbers: readonly number[], total: number): number[] => {
  const seen = new Set(numbers);
  return Array.from({ length: total }, (_, n) => n).filter((n) => !seen.has(n));
};

export const waitUntil = async (predicate: () => boolean, timeoutMs: number, what: string): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface StatusJson {
  readonly head: number;
  readonly journal?: { bytes: number; maxBytes?: number; policy: string; full: boolean };
  readonly sources: ReadonlyArray<{ source: string; stored: number; errors: number; polls: number }>;
  readonly destinations: ReadonlyArray<{
    destination: string;
    delivered: number;
    lag: number;
    lagMs: number;
    reconnects: number;
    sendErrors: number;
    resent: number;
    dropped: number;
    lastError?: string;
  }>;
}

export const readStatus = async (configPath: string): Promise<StatusJson> => {
  const result = await runCli(['status', '-c', configPath, '--json']);
  if (result.code !== 0) throw new Error(`status exited ${String(result.code)}: ${result.stderr}`);
  return JSON.parse(result.stdout) as StatusJson;
};

/**
 * The peak resident memory of a running process in MB: VmHWM of /proc/<pid>/status (Linux), the figure issue #16's
 * "peak RSS under 256 MB" is about. Read it before the process exits.
 */
export const peakRssMb = async (pid: number | undefined): Promise<number> => {
  const status = await readFile(`/proc/${String(pid)}/status`, 'utf8');
  const kilobytes = Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1]);
  if (!Number.isFinite(kilobytes)) throw new Error(`no VmHWM in /proc/${String(pid)}/status`);
  return Math.round(kilobytes / 1024);
};
