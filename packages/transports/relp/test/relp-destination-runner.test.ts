import { configPlace, systemClock, type Formatter, type SecurityEvent } from '@syslog-connector/core';
import { DestinationRunner, InMemoryJournal } from '@syslog-connector/core/engine';
import { RecordingLogger, RelpSink } from '@syslog-connector/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { relpOptions } from '../src/options.js';
import { RelpTransport } from '../src/relp-transport.js';

const event = (n: number): SecurityEvent => ({
  key: `wb-${n}`,
  source: 'wb',
  type: 'test',
  time: n,
  raw: { n },
  record: { vendor: 'V', product: 'P', version: '1', signatureId: '1', name: `e${n}`, severity: 5, extensions: [] },
});
const formatter: Formatter = { format: (e) => `<14>1 - sensor-01 app - - - ${e.record.name}` };

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * Through core's DestinationRunner, as the daemon runs it (confirmWindowMs 2 s, as the connector sets it). RELP's
 * `written` is the server's own acknowledgement and the transport declares it (`acknowledged: true`), so the runner
 * moves its cursor as the acknowledgements come and a broken session costs no duplicate at all.
 */
describe('relp through the destination runner', () => {
  const deliver = async (dropAfter: number) => {
    const sink = await RelpSink.start();
    cleanups.push(() => sink.stop());
    const transport = new RelpTransport(
      configPlace('destinations', 'siem', process.cwd()),
      relpOptions.parse({ address: sink.address, port: sink.port, reconnect: { initialDelay: '10ms', maxDelay: '20ms' } }),
      { logger: new RecordingLogger(), clock: systemClock },
    );
    cleanups.push(() => transport.close());
    const journal = new InMemoryJournal();
    await journal.append('wb', Array.from({ length: 300 }, (_, i) => event(i + 1)), {});
    const runner = new DestinationRunner('siem', formatter, transport, journal, systemClock, new RecordingLogger(), {
      batchSize: 50,
      sources: undefined,
      maxRetryDelayMs: 20,
      confirmWindowMs: 2_000,
    });
    sink.dropAfterMessages = dropAfter;
    const controller = new AbortController();
    const running = runner.run(controller.signal, 10);
    const nameOf = (raw: string) => raw.slice(raw.lastIndexOf(' ') + 1);
    const deadline = Date.now() + 10_000;
    while (new Set(sink.messages.map((m) => nameOf(m.raw))).size < 300 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    // A little longer: anything re-sent after the last new event shows too.
    await new Promise((resolve) => setTimeout(resolve, 200));
    controller.abort();
    await running;
    const names = sink.messages.map((m) => nameOf(m.raw));
    return { names, distinct: new Set(names) };
  };

  it('delivers every event after a broken session', async () => {
    const { distinct } = await deliver(120);
    expect(distinct.size).toBe(300);
  });

  it('delivers each event exactly once after a broken session: the runner trusts a server-acknowledged written', async () => {
    const { names } = await deliver(120);
    expect(names).toEqual(Array.from({ length: 300 }, (_, i) => `e${i + 1}`));
  });
});
