import { configPlace, systemClock } from '@syslog-connector/core';
import { VisionOneSimulator, RecordingLogger, type LogRecord } from '@syslog-connector/testing';
import { z } from '@syslog-connector/core';
import { afterEach, describe, expect, it } from 'vitest';
import { VisionOneClient } from '../src/vision-one-client.js';
import { visionOneConnection } from '../src/vision-one-connection.js';

/**
 * Issue #20: many tenants through one API host. Real sockets against the stand-in, which counts the requests it has
 * in flight; no assertion on how long anything takes.
 */
const WORKBENCH = '/v3.0/workbench/alerts';
const itemSchema = z.looseObject({ id: z.string() });

let simulators: VisionOneSimulator[] = [];
let clients: VisionOneClient[] = [];
afterEach(async () => {
  for (const client of clients) client.close();
  await Promise.all(simulators.map((s) => s.stop()));
  simulators = [];
  clients = [];
});

const startSimulator = async (responseDelayMs: number): Promise<VisionOneSimulator> => {
  const sim = await VisionOneSimulator.start({ responseDelayMs, hostileRatio: 0 });
  simulators.push(sim);
  return sim;
};

const clientFor = (sim: VisionOneSimulator, id: string, token: string, connection: Record<string, unknown> = {}, logs: LogRecord[] = []): VisionOneClient => {
  const options = visionOneConnection.parse({ baseUrl: sim.baseUrl, token, ...connection });
  const client = new VisionOneClient(configPlace('sources', id, process.cwd()), options, { clock: systemClock, logger: new RecordingLogger(logs) });
  clients.push(client);
  return client;
};

/** Every item id of one listing of the last day. */
const listAll = async (client: VisionOneClient, signal: AbortSignal = AbortSignal.timeout(20_000)): Promise<string[]> => {
  const now = Date.now();
  const query = {
    startDateTime: new Date(now - 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    endDateTime: new Date(now - 10_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    top: 200,
  };
  const ids: string[] = [];
  for await (const page of client.list(WORKBENCH, { query, itemSchema, signal })) ids.push(...page.items.map((i) => (i.valid ? i.value.id : '?')));
  return ids;
};

const tenants = (sim: VisionOneSimulator, count: number) =>
  Array.from({ length: count }, (_, i) => {
    const tenant = sim.addTenant(`tenant-key-${i}-${'x'.repeat(12)}`, `t${i}`);
    tenant.addWorkbenchAlerts(2);
    return tenant;
  });

describe('many tenants through one Vision One host', () => {
  it('never has more requests in flight at the host than maxConcurrentRequests, however many tenants poll at once', async () => {
    const sim = await startSimulator(150);
    const all = tenants(sim, 24);
    const limited = all.map((t) => clientFor(sim, t.name, t.token, { maxConcurrentRequests: 4 }));
    const listed = await Promise.all(limited.map((client) => listAll(client)));

    expect(listed.every((ids) => ids.length === 2)).toBe(true);
    expect(all.every((t) => t.requestCount === 1)).toBe(true);
    expect(sim.peakConcurrentRequests).toBeLessThanOrEqual(4);
  });

  it('counts what an unlimited burst does, so the limit above is not a quiet stand-in (control)', async () => {
    const sim = await startSimulator(300);
    const all = tenants(sim, 12);
    await Promise.all(all.map((t) => listAll(clientFor(sim, t.name, t.token, { maxConcurrentRequests: 256 }))));
    expect(sim.peakConcurrentRequests).toBeGreaterThan(4);
  });

  it('holds only the tenant that got a 429: its other sources wait out Retry-After, other tenants are served', async () => {
    const sim = await startSimulator(0);
    const [a, b] = tenants(sim, 2);
    if (a === undefined || b === undefined) throw new Error('two tenants');
    // One slot for the whole host: a tenant waiting out its Retry-After must not hold it.
    const logs: LogRecord[] = [];
    const aWorkbench = clientFor(sim, 'a-workbench', a.token, { maxConcurrentRequests: 1 }, logs);
    const aOat = clientFor(sim, 'a-oat', a.token, { maxConcurrentRequests: 1 });
    const bWorkbench = clientFor(sim, 'b-workbench', b.token, { maxConcurrentRequests: 1 });
    a.failNext(1, 429, 3_600);
    const stop = new AbortController();
    const aFirst = listAll(aWorkbench, stop.signal);
    // Until the client has read the 429 and chosen its wait.
    while (!logs.some((l) => l.message === 'Vision One request failed; retrying.')) await new Promise((resolve) => setTimeout(resolve, 10));
    // The first came back 429: tenant a now waits (Retry-After, capped at 5 min); its other source too.
    const aSecond = listAll(aOat, stop.signal);
    expect(await listAll(bWorkbench)).toHaveLength(2);
    expect(await listAll(bWorkbench)).toHaveLength(2);

    expect(a.requestCount).toBe(1);
    expect(b.requestCount).toBe(2);
    expect(sim.requests.filter((r) => r.tenant === a.name).map((r) => r.status)).toEqual([429]);
    stop.abort(new Error('test over'));
    const settled = await Promise.allSettled([aFirst, aSecond]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(a.requestCount).toBe(1);
  });
});
