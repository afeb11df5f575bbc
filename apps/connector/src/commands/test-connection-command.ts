import type { CheckStep } from '@syslog-connector/core';
import { ids } from '../container/create-container.js';
import { type CommandIo, EXIT } from './command-context.js';
import { withDestinations } from './destination-selection.js';

/** Wide enough for the longest step name a built-in transport reports (`tls-handshake`). */
const STEP_WIDTH = 13;

export interface TestConnectionOptions {
  readonly destination?: string;
  readonly json?: boolean;
}

/**
 * `syslog-connector test-connection`: for each destination, the transport's own checks (resolve, connect, TLS
 * handshake…), each step with its time and, on failure, the cause and the fix. Exit 0 only if every step passed.
 */
export const testConnectionCommand = async (configPath: string, io: CommandIo, options: TestConnectionOptions): Promise<number> =>
  withDestinations(configPath, io, options.destination, async ({ loaded, selected, container, signal }) => {
    const report: Array<{ destination: string; protocol: string; address: string; port: number; ok: boolean; steps: CheckStep[] }> = [];
    for (const id of selected) {
      const destination = loaded.config.destinations[id];
      const where = { protocol: String(destination?.protocol), address: String(destination?.address), port: Number(destination?.port) };
      if (!options.json) io.stdout.write(`${id}: ${where.protocol} ${where.address.includes(':') ? `[${where.address}]` : where.address}:${where.port}\n`);
      const steps: CheckStep[] = [];
      try {
        const transport = await container.getAsync(ids.transport, { name: id });
        for await (const step of transport.check(signal)) {
          steps.push(step);
          if (!options.json) {
            const mark = step.ok ? 'ok  ' : 'FAIL';
            io.stdout.write(`  ${mark} ${step.step.padEnd(STEP_WIDTH)} ${String(step.durationMs).padStart(5)} ms  ${step.detail}\n`);
            if (!step.ok && step.hint !== undefined) io.stdout.write(`       ${'fix:'.padEnd(STEP_WIDTH)} ${' '.repeat(9)} ${step.hint}\n`);
          }
        }
      } catch (error) {
        steps.push({ step: 'setup', ok: false, detail: (error as Error).message, durationMs: 0 });
        if (!options.json) io.stdout.write(`  FAIL ${'setup'.padEnd(STEP_WIDTH)}     0 ms  ${(error as Error).message}\n`);
      }
      report.push({ destination: id, ...where, ok: steps.length > 0 && steps.every((s) => s.ok), steps });
    }
    const ok = report.every((r) => r.ok);
    if (options.json) io.stdout.write(`${JSON.stringify({ ok, destinations: report }, null, 2)}\n`);
    else io.stdout.write(ok ? 'All connection checks passed.\n' : 'Some connection checks failed.\n');
    return ok ? EXIT.ok : EXIT.failed;
  });
