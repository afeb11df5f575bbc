import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findFreePorts } from './find-free-ports.js';
import { JsonLinesTail } from './json-lines-tail.js';
import type { OracleDaemon } from './oracle-daemon.js';
import { OracleError } from './oracle-error.js';
import type { OracleInput } from './oracle-input.js';
import type { ParsedRecord } from './parsed-record.js';
import { sendReadinessProbe } from './readiness-probe.js';

/** File names inside an oracle's temp dir that every daemon config writes to. */
export const RECORDS_FILE = 'records.jsonl';
export const PROBES_FILE = 'probes.log';

/** What both daemon oracles give a test. */
export interface SyslogOracle extends AsyncDisposable {
  /** One loopback port per input, in the order of `inputs`. */
  readonly ports: readonly number[];
  /**
   * The next `count` messages the daemon parsed (in the order it wrote them), excluding ones already returned.
   * Rejects with ORACLE_TIMEOUT after `timeoutMs` (default 5 000) if fewer arrived.
   */
  received(count: number, timeoutMs?: number): Promise<ParsedRecord[]>;
  /** Drops every record parsed so far and not yet returned (e.g. in `beforeEach`, after a test that failed midway). */
  discardReceived(): Promise<number>;
  /** Every record parsed so far and not yet returned, without waiting (a test that counts what arrived, duplicates too). */
  takeReceived(): Promise<ParsedRecord[]>;
  /**
   * Stops the daemon (SIGTERM, as a service manager would) and starts it again on the same ports and output, so a
   * sender sees its connections end and must reconnect; `received()` goes on where it was.
   */
  restart(): Promise<void>;
  /** Kills the daemon and removes its temp dir. Idempotent. */
  stop(): Promise<void>;
  /** The generated config and the daemon's output so far, for a failing test's message. */
  diagnostics(): string;
}

export interface DaemonOracleSpec {
  readonly name: string;
  readonly inputs: readonly OracleInput[];
  readonly startTimeoutMs: number;
  /** Writes the config for these ports (and any file it needs) into `dir`; returns the config's path and text. */
  readonly writeConfig: (dir: string, ports: readonly number[]) => Promise<{ path: string; text: string }>;
  /** Runs the daemon's own config check; throws ORACLE_CONFIG with its output. */
  readonly checkConfig: (configPath: string) => Promise<void>;
  readonly spawn: (dir: string, configPath: string) => OracleDaemon;
  /** Daemon output that means a port was taken between picking and binding: retry with new ports. */
  readonly bindFailure: RegExp;
  readonly decode: (raw: unknown) => ParsedRecord;
}

const START_ATTEMPTS = 3;

class PortCollision extends Error {}

export class DaemonOracle implements SyslogOracle {
  readonly ports: readonly number[];
  readonly #spec: DaemonOracleSpec;
  readonly #dir: string;
  #daemon: OracleDaemon;
  readonly #config: string;
  readonly #configPath: string;
  readonly #tail: JsonLinesTail;
  #stopped: Promise<void> | undefined;

  private constructor(spec: DaemonOracleSpec, dir: string, ports: readonly number[], daemon: OracleDaemon, config: { path: string; text: string }) {
    this.#spec = spec;
    this.#dir = dir;
    this.ports = ports;
    this.#daemon = daemon;
    this.#config = config.text;
    this.#configPath = config.path;
    this.#tail = new JsonLinesTail(join(dir, RECORDS_FILE));
  }

  static async start(spec: DaemonOracleSpec): Promise<DaemonOracle> {
    if (spec.inputs.length === 0) throw new OracleError('ORACLE_CONFIG', `${spec.name} oracle needs at least one input`);
    for (const input of spec.inputs) {
      if (input.protocol === 'tls' && input.tls === undefined) {
        throw new OracleError('ORACLE_CONFIG', `${spec.name} oracle: a 'tls' input needs tls: { caFile, certFile, keyFile }`);
      }
    }
    const dir = await mkdtemp(join(tmpdir(), `${spec.name}-oracle-`));
    const deadline = Date.now() + spec.startTimeoutMs;
    try {
      for (let attempt = 1; ; attempt++) {
        await rm(join(dir, RECORDS_FILE), { force: true });
        await rm(join(dir, PROBES_FILE), { force: true });
        const ports = await findFreePorts(spec.inputs.map((i) => i.protocol));
        const config = await spec.writeConfig(dir, ports);
        await spec.checkConfig(config.path);
        const daemon = spec.spawn(dir, config.path);
        try {
          await waitUntilReady(spec, dir, ports, daemon, deadline, config.text);
          return new DaemonOracle(spec, dir, ports, daemon, config);
        } catch (error) {
          await daemon.stop();
          if (!(error instanceof PortCollision) || attempt >= START_ATTEMPTS) {
            if (error instanceof PortCollision) {
              throw new OracleError('ORACLE_START', `${spec.name} could not bind its ports in ${START_ATTEMPTS} attempts`, {
                details: daemon.output(),
              });
            }
            throw error;
          }
        }
      }
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  async received(count: number, timeoutMs = 5_000): Promise<ParsedRecord[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const raws = await this.#tail.takeIfReady(count);
      if (raws !== undefined) {
        return raws.map((raw) => {
          try {
            return this.#spec.decode(raw);
          } catch (error) {
            throw new OracleError('ORACLE_OUTPUT', `${this.#spec.name} wrote a record the oracle cannot read`, {
              details: JSON.stringify(raw),
              cause: error,
            });
          }
        });
      }
      if (this.#daemon.exitCode !== undefined) {
        throw new OracleError('ORACLE_EXITED', `${this.#spec.name} exited (${String(this.#daemon.exitCode)}) while waiting for ${count} records`, {
          details: this.diagnostics(),
        });
      }
      if (Date.now() >= deadline) {
        const unparsable = this.#tail.unparsable;
        throw new OracleError(
          'ORACLE_TIMEOUT',
          `${this.#spec.name} parsed ${this.#tail.pending} of ${count} expected messages within ${timeoutMs} ms`,
          {
            hint: 'messages the daemon could not frame or parse never reach the output; check the framing and the daemon output below',
            details: [unparsable.length > 0 ? `non-JSON output lines:\n${unparsable.join('\n')}\n` : '', this.#daemon.output()].join(''),
          },
        );
      }
      await sleep(10);
    }
  }

  async takeReceived(): Promise<ParsedRecord[]> {
    return (await this.#tail.takeAll()).map((raw) => this.#spec.decode(raw));
  }

  async restart(): Promise<void> {
    if (this.#stopped !== undefined) throw new OracleError('ORACLE_EXITED', `${this.#spec.name} oracle was stopped`);
    await this.#daemon.stop();
    this.#daemon = this.#spec.spawn(this.#dir, this.#configPath);
    await waitUntilReady(this.#spec, this.#dir, this.ports, this.#daemon, Date.now() + this.#spec.startTimeoutMs, this.#config);
  }

  async discardReceived(): Promise<number> {
    return (await this.#tail.takeAll()).length;
  }

  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      try {
        await this.#daemon.stop();
      } finally {
        await rm(this.#dir, { recursive: true, force: true });
      }
    })();
    return this.#stopped;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  diagnostics(): string {
    return `--- ${this.#spec.name} config ---\n${this.#config}\n--- ${this.#spec.name} output ---\n${this.#daemon.output()}`;
  }
}

const needsClientCertificate = (input: OracleInput | undefined): boolean => input?.protocol === 'tls' && input.tls?.clientAuth === 'required';

const waitUntilReady = async (
  spec: DaemonOracleSpec,
  dir: string,
  ports: readonly number[],
  daemon: OracleDaemon,
  deadline: number,
  config: string,
): Promise<void> => {
  const nonce = Math.random().toString(36).slice(2, 10);
  const pending = new Set(spec.inputs.map((_, i) => i));
  for (;;) {
    if (spec.bindFailure.test(daemon.output())) throw new PortCollision();
    if (daemon.exitCode !== undefined) {
      throw new OracleError('ORACLE_EXITED', `${spec.name} exited (${String(daemon.exitCode)}) during start`, {
        details: `${daemon.output()}\n--- config ---\n${config}`,
      });
    }
    // One probe at a time, and a TLS input that demands a client certificate only once every other input is ready:
    // its probe can only end in a failed handshake, and under load (bench beside the suite) rsyslog 8.2302 handled
    // that failure while accepting a plain TCP probe and lost the TCP input ('epoll_ctl failed … Invalid argument'),
    // which then never became ready. A probe may take until the deadline rather than a second, so a slow handshake
    // is not cut off halfway either; a refused connect still answers at once.
    const probeTimeoutMs = Math.max(1_000, deadline - Date.now());
    const othersPending = [...pending].some((i) => !needsClientCertificate(spec.inputs[i]));
    for (const i of [...pending]) {
      const input = spec.inputs[i] as OracleInput;
      if (othersPending && needsClientCertificate(input)) continue;
      if ((await sendReadinessProbe(input, ports[i] as number, `ready-${i}-${nonce}`, probeTimeoutMs)) === 'accepted') pending.delete(i);
    }
    const probes = await readFile(join(dir, PROBES_FILE), 'utf8').catch(() => '');
    for (const i of pending) if (probes.includes(`ready-${i}-${nonce}`)) pending.delete(i);
    if (pending.size === 0) return;
    if (Date.now() >= deadline) {
      const which = [...pending].map((i) => `${spec.inputs[i]?.protocol ?? '?'}:${ports[i] ?? '?'}`).join(', ');
      throw new OracleError('ORACLE_START', `${spec.name} did not become ready on ${which} in time`, {
        hint: 'see the daemon output and config below',
        details: `${daemon.output()}\n--- config ---\n${config}`,
      });
    }
    await sleep(50);
  }
};
