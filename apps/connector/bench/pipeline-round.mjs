// One run of the pipeline as the daemon wires it, shared by `end-to-end.bench.ts` and `pipeline-cost.mjs`: a
// SourceRunner reading `source` into `journal`, a DestinationRunner formatting and sending to `transport` (batches
// of the daemon's size), both running until `delivered` resolves (the sink has every event). Returns the wall
// time, the CPU this process spent (`process.cpuUsage()`, user + system, µs), what `delivered` resolved with, and
// the source's dead-lettered count (a bench event that breaks the event contract never reaches the journal).
import { systemClock } from '@syslog-connector/core';
import { DestinationRunner, SourceRunner } from '@syslog-connector/core/engine';
import { quiet } from './bench-event.mjs';

export const pipelineRound = async ({ journal, source, formatter, transport, batchSize, delivered }) => {
  const destination = new DestinationRunner('sink', formatter, transport, journal, systemClock, quiet, {
    batchSize,
    sources: undefined,
    maxRetryDelayMs: 1_000,
    confirmWindowMs: 2_000,
  });
  await journal.setConsumers([{ destination: 'sink' }]);
  const runner = new SourceRunner('bench', source, journal, systemClock, quiet, () => destination.notify());
  const polling = new AbortController();
  const delivery = new AbortController();
  const started = performance.now();
  const cpu = process.cpuUsage();
  const sourceRun = runner.run(polling.signal);
  const destinationRun = destination.run(delivery.signal, 5);
  const result = await delivered;
  const seconds = (performance.now() - started) / 1_000;
  const used = process.cpuUsage(cpu);
  polling.abort();
  delivery.abort();
  await Promise.allSettled([sourceRun, destinationRun]);
  await transport.close();
  return { seconds, cpuUs: used.user + used.system, result, deadLettered: runner.stats.deadLettered };
};
