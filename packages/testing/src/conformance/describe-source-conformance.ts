import {
  configPlace,
  describeError,
  securityEventProblem,
  SyslogConnectorError,
  systemClock,
  type Checkpoint,
  type HostIdentity,
  type SecurityEvent,
  type Source,
  type SourceBatch,
  type SourceDefinition,
} from '@syslog-connector/core';
import { placeError } from '@syslog-connector/core/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { bindSuiteDeps, describeDefinitionChecks, memoryStateStore, type SuiteServices } from './plugin-harness.js';
import { RecordingLogger } from './recording-logger.js';
import { RecordingMetrics } from './recording-metrics.js';

/** The world one test of the source suite runs in: the vendor's API (a simulator) and what to read it with. */
export interface SourceConformanceWorld {
  /** Options that read events: the world holds at least two pages of them when the test starts. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Options every read fails with (a wrong token, a host that refuses): the error must name a path and hide secrets. */
  readonly failingOptions: Readonly<Record<string, unknown>>;
  /** Every secret in either option set (tokens, client secrets): none may appear in an error or a log line. */
  readonly secrets: readonly string[];
  /** Services to bind instead of the suite's (a `ManualClock` the simulator shares, say). */
  readonly services?: Partial<SuiteServices>;
  /** Stops the world (the simulator); called after each test. */
  stop(): Promise<void> | void;
}

export interface SourceConformanceOptions {
  /** A new world for each test. */
  readonly setUp: () => Promise<SourceConformanceWorld>;
  /** Options the schema must accept with nothing else (a source's required keys: `token`, `baseUrl`…). */
  readonly requiredOptions?: Readonly<Record<string, unknown>>;
  /** How long one whole read may take; default 20 s. */
  readonly readTimeoutMs?: number;
}

const HOST: HostIdentity = { instance: 'sensor-01.example.com', hostname: 'sensor-01' };
const ID = 'conformance';
const PATH = `sources.${ID}`;

interface Read {
  readonly batches: SourceBatch[];
  readonly events: SecurityEvent[];
}

/**
 * The suite every source plugin runs (core's `Source` contract): a strict, described options schema; every event it
 * yields keeps the `SecurityEvent` contract and carries its source's id; keys are unique in a read and stable (a
 * re-read event has the key it had, so the journal de-duplicates it); checkpoints are JSON; resuming from any
 * checkpoint loses no event; an aborted read stops; a failing read throws a `SyslogConnectorError` whose path is
 * the source's (`sources.<id>…`) and neither the error nor any log line holds a secret.
 *
 * ```ts
 * describeSourceConformance(visionOneAuditSource, {
 *   requiredOptions: { token: 't' },
 *   setUp: async () => {
 *     const sim = await VisionOneSimulator.start({ token: TOKEN, pageSize: 5 });
 *     sim.addAuditLogs(23, { from: Date.now() - 3_600_000, to: Date.now() - 60_000 });
 *     return { options: { baseUrl: sim.baseUrl, token: TOKEN }, failingOptions: { baseUrl: sim.baseUrl, token: 'wrong-token-123456' },
 *       secrets: [TOKEN, 'wrong-token-123456'], stop: () => sim.stop() };
 *   },
 * });
 * ```
 */
export const describeSourceConformance = (definition: SourceDefinition, options: SourceConformanceOptions): void => {
  const { setUp, requiredOptions = {}, readTimeoutMs = 20_000 } = options;

  describe(`source conformance: ${definition.type}`, () => {
    const cleanups: Array<() => Promise<unknown> | unknown> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    describeDefinitionChecks(definition, 'source', requiredOptions);

    const start = async (which: 'options' | 'failingOptions' = 'options') => {
      const world = await setUp();
      cleanups.push(() => world.stop());
      const logger = new RecordingLogger();
      const bound: SuiteServices = { logger, clock: systemClock, host: HOST, metrics: new RecordingMetrics(), store: memoryStateStore(), ...world.services };
      const make = async (): Promise<Source> => {
        const source = await definition.create({
          ...configPlace('sources', ID, process.cwd()),
          options: definition.options.parse(world[which]),
          deps: bindSuiteDeps(definition.deps, bound),
          signal: new AbortController().signal,
        });
        cleanups.push(() => source.close());
        return source;
      };
      return { world, logger: bound.logger === logger ? logger : undefined, make };
    };

    const readAll = async (source: Source, from: Checkpoint | undefined): Promise<Read> => {
      const batches: SourceBatch[] = [];
      for await (const batch of source.read(from, AbortSignal.timeout(readTimeoutMs))) batches.push(batch);
      return { batches, events: batches.flatMap((b) => b.events) };
    };

    it('yields events that keep the SecurityEvent contract, with its id as source and keys unique in a read', async () => {
      const { make } = await start();
      const { batches, events } = await readAll(await make(), undefined);
      expect(events.length).toBeGreaterThan(0);
      expect(batches.length).toBeGreaterThan(1);
      for (const event of events) {
        expect(`${event.key}: ${securityEventProblem(event) ?? 'keeps the contract'}`).toBe(`${event.key}: keeps the contract`);
        expect(event.source).toBe(ID);
      }
      const keys = events.map((e) => e.key);
      expect(keys.length - new Set(keys).size).toBe(0);
      for (const batch of batches) expect(JSON.parse(JSON.stringify(batch.checkpoint))).toEqual(batch.checkpoint);
    });

    it('gives an event read again the key it had (the journal de-duplicates by key)', async () => {
      const { make } = await start();
      const first = await readAll(await make(), undefined);
      const again = await readAll(await make(), undefined);
      const keyOf = new Map(first.events.map((e) => [JSON.stringify(e.raw), e.key]));
      const rekeyed = again.events.filter((e) => keyOf.has(JSON.stringify(e.raw)) && keyOf.get(JSON.stringify(e.raw)) !== e.key);
      expect(rekeyed.map((e) => e.key)).toEqual([]);
    });

    it('resumes from any checkpoint without losing an event, also in a new instance', async () => {
      const { make } = await start();
      const whole = await readAll(await make(), undefined);
      const all = new Set(whole.events.map((e) => e.key));
      const picks = [...new Set([0, Math.floor(whole.batches.length / 2), whole.batches.length - 1])];
      for (const k of picks) {
        const before = whole.batches.slice(0, k + 1).flatMap((b) => b.events.map((e) => e.key));
        const after = await readAll(await make(), whole.batches[k]?.checkpoint);
        const seen = new Set([...before, ...after.events.map((e) => e.key)]);
        expect([...all].filter((key) => !seen.has(key)), `lost after resuming from batch ${k + 1}`).toEqual([]);
      }
      // From the last checkpoint nothing new is read: the world holds no more.
      const last = whole.batches.at(-1)?.checkpoint;
      const tail = await readAll(await make(), last);
      expect(tail.events.filter((e) => !all.has(e.key)).map((e) => e.key)).toEqual([]);
    });

    it('stops reading when its signal aborts', async () => {
      const { make } = await start();
      const source = await make();
      const controller = new AbortController();
      const batches: SourceBatch[] = [];
      const reading = (async () => {
        for await (const batch of source.read(undefined, controller.signal)) {
          batches.push(batch);
          controller.abort();
        }
      })();
      const outcome = await Promise.race([reading.then(() => 'stopped', () => 'stopped'), new Promise((resolve) => setTimeout(() => resolve('still reading'), 5_000))]);
      expect(outcome).toBe('stopped');
      expect(batches.length).toBe(1);
    });

    it('fails a read with a SyslogConnectorError at its config path, and no secret in the error or the logs', async () => {
      const { world, make, logger } = await start('failingOptions');
      let thrown: unknown;
      try {
        await readAll(await make(), undefined);
      } catch (error) {
        thrown = error;
      }
      expect(SyslogConnectorError.is(thrown), `threw ${String(thrown)}`).toBe(true);
      const placed = placeError(thrown, PATH) as SyslogConnectorError;
      expect(placed.path?.startsWith(PATH)).toBe(true);
      const shown = [describeError(placed), placed.hint ?? '', String((placed.cause as Error | undefined)?.message ?? ''), JSON.stringify(logger?.records ?? [])].join('\n');
      for (const secret of world.secrets) expect(shown.includes(secret), `a secret appears in: ${shown.slice(0, 400)}`).toBe(false);
    });
  });
};
