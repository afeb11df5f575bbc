import type { CheckStep } from '@syslog-connector/core';
import type { ConnectorConfig } from '@syslog-connector/core/engine';
import type { Container } from 'inversify';
import { ids } from '../container/create-container.js';
import { transportTarget } from '../plugins/plugin-target.js';
import { hostSecrets } from '../logger.js';
import { type CommandIo, EXIT } from './command-context.js';
import { selectDestinations, withOneShotContainer } from './destination-selection.js';

/** Wide enough for the longest step name a built-in transport reports (`tls-handshake`). */
const STEP_WIDTH = 13;

export interface TestConnectionOptions {
  readonly destination?: string;
  readonly source?: string;
  readonly json?: boolean;
}

interface SourceReport {
  readonly source: string;
  readonly type: string;
  /** What the source says it reads (`Source.describeTarget`), else its type. */
  readonly target: string;
  /** False when the source's plugin has no `check`: nothing was tried, nothing failed. */
  readonly checked: boolean;
  readonly ok: boolean;
  readonly steps: CheckStep[];
}

interface DestinationReport {
  readonly destination: string;
  readonly protocol: string;
  /** What the transport says it sends to (`Transport.describeTarget`: `tcp 10.0.0.5:6514`, `unix /run/x.sock`). */
  readonly target: string;
  /** The destination's `address` and `port`, when it has them (network transports). */
  readonly address?: string;
  readonly port?: number;
  readonly ok: boolean;
  readonly steps: CheckStep[];
}

/**
 * What to check: with neither `-s` nor `-d`, every source and every destination; otherwise only the ones named
 * (`-d siem` checks that destination alone, as before sources were checked).
 */
const selectChecks = (
  config: ConnectorConfig,
  options: TestConnectionOptions,
): { readonly sources: readonly string[]; readonly destinations: readonly string[] } | string => {
  const everything = options.source === undefined && options.destination === undefined;
  let sources: string[] = [];
  if (everything) sources = Object.keys(config.sources);
  else if (options.source !== undefined) {
    const all = Object.keys(config.sources);
    if (!all.includes(options.source)) return `source "${options.source}" is not in the config; use one of ${all.join(', ')}`;
    sources = [options.source];
  }
  let destinations: string[] = [];
  if (everything || options.destination !== undefined) {
    const selected = selectDestinations(config, options.destination);
    if (typeof selected === 'string') return selected;
    destinations = selected;
  }
  return { sources, destinations };
};

/**
 * `syslog-connector test-connection`: for each source, the source's own checks (name resolution, sign-in, one page
 * of its API: auth, reachability, permission), then for each destination the transport's (resolve, connect, TLS
 * handshake…); each step with its time and, on failure, the cause and the fix. Exit 0 only if every step passed.
 */
export const testConnectionCommand = async (configPath: string, io: CommandIo, options: TestConnectionOptions): Promise<number> =>
  withOneShotContainer(configPath, io, (config) => selectChecks(config, options), async ({ loaded, selection, container, signal }) => {
    // A step's detail may quote what a server answered, and a server may echo part of a key: masked (issue #16).
    const print = (text: string) => {
      if (!options.json) io.stdout.write(hostSecrets.redact(text));
    };
    const printStep = (step: CheckStep) => {
      print(`  ${step.ok ? 'ok  ' : 'FAIL'} ${step.step.padEnd(STEP_WIDTH)} ${String(step.durationMs).padStart(5)} ms  ${step.detail}\n`);
      if (!step.ok && step.hint !== undefined) print(`       ${'fix:'.padEnd(STEP_WIDTH)} ${' '.repeat(9)} ${step.hint}\n`);
    };
    const sources: SourceReport[] = [];
    for (const id of selection.sources) {
      const type = String(loaded.config.sources[id]?.type);
      const checked = await checkSource(container, id, signal, printStep, (target) => print(`${id}: ${target} (source)\n`), type);
      if (!checked.checked) print(`  --   not checked: the ${type} plugin has no connection check; its first poll shows in \`status\`\n`);
      sources.push({ source: id, type, ...checked, target: checked.target ?? type });
    }

    const destinations: DestinationReport[] = [];
    for (const id of selection.destinations) {
      const destination = loaded.config.destinations[id];
      const protocol = String(destination?.protocol);
      const where = {
        protocol,
        ...(typeof destination?.address === 'string' ? { address: destination.address } : {}),
        ...(typeof destination?.port === 'number' ? { port: destination.port } : {}),
      };
      const checked = await checkDestination(container, id, signal, printStep, (target) => print(`${id}: ${target}\n`), protocol);
      destinations.push({ destination: id, ...where, ...checked });
    }

    const ok = [...sources, ...destinations].every((r) => r.ok);
    if (options.json) io.stdout.write(`${JSON.stringify(hostSecrets.redactValue({ ok, sources, destinations }), null, 2)}\n`);
    else io.stdout.write(ok ? 'All connection checks passed.\n' : 'Some connection checks failed.\n');
    return ok ? EXIT.ok : EXIT.failed;
  });

/** A step for a check that could not even start (the plugin could not be created): its error, with its fix. */
const setupFailure = (error: unknown): CheckStep => {
  const detail = error instanceof Error ? error.message : String(error);
  const hint = typeof error === 'object' && error !== null && 'hint' in error && typeof error.hint === 'string' ? error.hint : undefined;
  return { step: 'setup', ok: false, detail, ...(hint === undefined ? {} : { hint }), durationMs: 0 };
};

/**
 * Runs one plugin's check, handing each step to `onStep` as it ends; a plugin that cannot even be created is one
 * failed `setup` step. `checked` is false when `check` resolves undefined (the plugin has no check).
 */
const runSteps = async (
  check: () => Promise<AsyncIterable<CheckStep> | undefined>,
  onStep: (step: CheckStep) => void,
  /** Called once before the first step, or before the failure when the plugin could not be created (a header). */
  onStart: () => void = () => undefined,
): Promise<{ readonly checked: boolean; readonly steps: CheckStep[] }> => {
  const steps: CheckStep[] = [];
  let checked = true;
  let started = false;
  try {
    const iterable = await check();
    started = true;
    onStart();
    if (iterable === undefined) checked = false;
    else {
      for await (const step of iterable) {
        steps.push(step);
        onStep(step);
      }
    }
  } catch (error) {
    if (!started) onStart();
    const step = setupFailure(error);
    steps.push(step);
    onStep(step);
  }
  return { checked, steps };
};

/**
 * The connection check of one source of `container` (name resolution, sign-in, one page of its API), each step
 * handed to `onStep` as it ends. `checked` is false when the plugin has no check: nothing was tried, nothing
 * failed. Used by `test-connection` and the console's Test Connection.
 */
export const checkSource = async (
  container: Container,
  id: string,
  signal: AbortSignal,
  onStep: (step: CheckStep) => void = () => undefined,
  onTarget: (target: string) => void = () => undefined,
  /** Shown as the target when the source does not describe one (or could not be created): its type. */
  fallback: string = id,
): Promise<{ readonly checked: boolean; readonly ok: boolean; readonly steps: CheckStep[]; readonly target?: string }> => {
  let target: string | undefined;
  const { checked, steps } = await runSteps(
    async () => {
      const source = await container.getAsync(ids.source, { name: id });
      target = source.describeTarget?.();
      return source.check?.(signal);
    },
    onStep,
    () => onTarget(target ?? fallback),
  );
  // A check that yields nothing proved nothing: only a source with no check at all passes without a step.
  return { checked, ok: steps.every((s) => s.ok) && (!checked || steps.length > 0), steps, ...(target === undefined ? {} : { target }) };
};

/**
 * The connection check of one destination's transport in `container` (resolve, connect, TLS handshake, certificate
 * checks…), each step handed to `onStep` as it ends. Used by `test-connection` and the console's Test Connection.
 */
export const checkDestination = async (
  container: Container,
  id: string,
  signal: AbortSignal,
  onStep: (step: CheckStep) => void = () => undefined,
  onTarget: (target: string) => void = () => undefined,
  /** The destination's protocol: the target shown when the transport does not describe one. */
  protocol = 'destination',
): Promise<{ readonly ok: boolean; readonly steps: CheckStep[]; readonly target: string }> => {
  let target = protocol;
  const { steps } = await runSteps(
    async () => {
      const transport = await container.getAsync(ids.transport, { name: id });
      target = transportTarget(transport, protocol);
      return transport.check(signal);
    },
    onStep,
    () => onTarget(target),
  );
  return { ok: steps.length > 0 && steps.every((s) => s.ok), steps, target };
};
