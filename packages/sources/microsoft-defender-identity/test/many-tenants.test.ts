import { configPlace, SyslogConnectorError, systemClock, type Clock } from '@syslog-connector/core';
import { GraphSimulator, RecordingLogger, SteppedClock, type GraphRecordedRequest, type GraphTenant, type LogRecord } from '@syslog-connector/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { GraphClient } from '../src/graph-client.js';
import { ALERTS_PATH, HEALTH_ISSUES_PATH } from '../src/mdi-source.js';
import { mdiOptions } from '../src/mdi-options.js';

/**
 * Issue #20 for Microsoft Graph: many tenants' MDI sources through one Graph host and one authority host. Real
 * sockets against the Graph simulator, which serves every tenant, counts the requests it has in flight and checks
 * that a token is used only in the tenant it was issued for; no assertion on how long anything takes.
 */
let simulators: GraphSimulator[] = [];
let clients: GraphClient[] = [];
afterEach(async () => {
  for (const client of clients) client.close();
  await Promise.all(simulators.map((s) => s.stop()));
  simulators = [];
  clients = [];
});

const startSimulator = async (responseDelayMs: number): Promise<GraphSimulator> => {
  const sim = await GraphSimulator.start({ responseDelayMs, hostileRatio: 0, requestsPerMinute: 10_000 });
  simulators.push(sim);
  return sim;
};

/** `count` tenants of one multitenant app, each with its own secret and two alerts of its own. */
const tenants = (sim: GraphSimulator, count: number): GraphTenant[] =>
  Array.from({ length: count }, (_, i) => {
    const tenant = sim.addTenant({ tenantId: `7a1e0c52-0000-4000-8000-${String(i).padStart(12, '0')}`, clientSecret: `tenant-${i}~SeCrEt.${'s'.repeat(16)}` });
    tenant.addAlerts(2);
    return tenant;
  });

const clientFor = (sim: GraphSimulator, tenant: GraphTenant, id: string, connection: Record<string, unknown> = {}, logs: LogRecord[] = [], clock: Clock = systemClock): GraphClient => {
  const options = mdiOptions.parse({
    tenantId: tenant.tenantId,
    clientId: tenant.clientId,
    clientSecret: tenant.clientSecret,
    authorityHost: sim.baseUrl,
    graphHost: sim.baseUrl,
    ...connection,
  });
  const client = new GraphClient(configPlace('sources', id, process.cwd()), options, { kind: 'secret', secret: tenant.clientSecret }, { clock, logger: new RecordingLogger(logs) });
  clients.push(client);
  return client;
};

/** Every alert id of one listing of the last day. */
const listAll = async (client: GraphClient, signal: AbortSignal = AbortSignal.timeout(20_000)): Promise<string[]> => {
  const filter = `lastUpdateDateTime ge ${new Date(Date.now() - 86_400_000).toISOString()}`;
  const ids: string[] = [];
  for await (const page of client.list(ALERTS_PATH, { $filter: filter, $top: '100' }, signal)) ids.push(...page.items.map((item) => (item as { id: string }).id));
  return ids;
};

describe('many tenants through one Graph host', () => {
  it('never has more requests in flight at the host than maxConcurrentRequests; each tenant signs in once, for itself, and reads only its alerts', async () => {
    const sim = await startSimulator(100);
    const all = tenants(sim, 12);
    const limited = all.map((t) => clientFor(sim, t, `mdi-${t.tenantId.slice(-2)}`, { maxConcurrentRequests: 3 }));
    const listed = await Promise.all(limited.map((client) => listAll(client)));

    // The simulator answers a token's requests from the tenant it was issued in: two alerts each, none of another's.
    expect(listed.map((l) => l.length)).toEqual(all.map(() => 2));
    expect(new Set(listed.flat()).size).toBe(24);
    expect(all.map((t) => [t.tokensIssued, t.requestCount])).toEqual(all.map(() => [1, 1]));
    const tokenRequests = sim.requests.filter((r) => r.path.endsWith('/oauth2/v2.0/token'));
    expect(tokenRequests.map((r) => r.tenant).sort()).toEqual(all.map((t) => t.tenantId).sort());
    expect(tokenRequests.every((r) => r.status === 200)).toBe(true);
    // Token and Graph requests alike: the simulator plays both hosts here, and counted what was in flight.
    expect(sim.peakConcurrentRequests).toBeGreaterThan(0);
    expect(sim.peakConcurrentRequests).toBeLessThanOrEqual(3);
  });

  it('counts what an unlimited burst does, so the limit above is not a quiet stand-in (control)', async () => {
    const sim = await startSimulator(200);
    const all = tenants(sim, 8);
    await Promise.all(all.map((t) => listAll(clientFor(sim, t, `burst-${t.tenantId.slice(-2)}`, { maxConcurrentRequests: 256 }))));
    expect(sim.peakConcurrentRequests).toBeGreaterThan(3);
  });

  it("holds only the tenant that got a 429: its other source waits out Retry-After, the other tenant's polls are served", async () => {
    const sim = await startSimulator(0);
    const [a, b] = tenants(sim, 2);
    if (a === undefined || b === undefined) throw new Error('two tenants');
    // One slot for the whole host: a tenant waiting out its Retry-After must not hold it.
    const logs: LogRecord[] = [];
    const aAlerts = clientFor(sim, a, 'a-alerts', { maxConcurrentRequests: 1 }, logs);
    const aHealth = clientFor(sim, a, 'a-health', { maxConcurrentRequests: 1 }, logs);
    const bAlerts = clientFor(sim, b, 'b-alerts', { maxConcurrentRequests: 1 }, logs);
    a.failNext(1, 429, 3_600);
    const stop = new AbortController();
    const aFirst = listAll(aAlerts, stop.signal);
    // Until the client has read the 429 and chosen its wait (Retry-After, capped at 5 minutes).
    while (!logs.some((l) => l.message === 'Microsoft Graph request failed; retrying.')) await new Promise((resolve) => setTimeout(resolve, 10));
    const aSecond = listAll(aHealth, stop.signal);
    expect(await listAll(bAlerts)).toHaveLength(2);
    expect(await listAll(bAlerts)).toHaveLength(2);

    expect(b.requestCount).toBe(2);
    // Tenant a: the one 429, nothing after it, from either of its sources; its second source did sign in (tokens are
    // per source and tenant, and the token host is not what said "too many").
    expect(sim.requests.filter((r) => r.tenant === a.tenantId && !r.path.endsWith('/token')).map((r) => [r.status, r.retryAfter])).toEqual([[429, '3600']]);
    expect(a.tokensIssued).toBe(2);
    stop.abort(new Error('test over'));
    const settled = await Promise.allSettled([aFirst, aSecond]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(a.requestCount).toBe(1);
    expect(logs.find((l) => l.message === 'Microsoft Graph request failed; retrying.')?.fields).toMatchObject({ source: 'a-alerts', delayMs: 300_000 });
  });

  it('honours a Retry-After even from a request that gave up: the tenant\'s next poll waits, another tenant\'s does not', async () => {
    const sim = await startSimulator(0);
    const [a, b] = tenants(sim, 2);
    if (a === undefined || b === undefined) throw new Error('two tenants');
    a.failNext(1, 429, 3_600);
    const options = (tenant: GraphTenant) =>
      mdiOptions.parse({ tenantId: tenant.tenantId, clientId: tenant.clientId, clientSecret: tenant.clientSecret, authorityHost: sim.baseUrl, graphHost: sim.baseUrl });
    // No retries: the 429 ends this poll at once (as `test-connection` does).
    const once = new GraphClient(configPlace('sources', 'a-once', process.cwd()), options(a), { kind: 'secret', secret: a.clientSecret }, { clock: systemClock, logger: new RecordingLogger() }, { maxRetries: 0 });
    clients.push(once);
    const error = await listAll(once).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(SyslogConnectorError.hasCode(error, 'SOURCE_HTTP')).toBe(true);
    const stop = new AbortController();
    const aNext = listAll(clientFor(sim, a, 'a-next'), stop.signal);
    expect(await listAll(clientFor(sim, b, 'b-alerts'))).toHaveLength(2);
    expect(a.requestCount).toBe(1);
    stop.abort(new Error('test over'));
    await expect(aNext).rejects.toThrow('test over');
    expect(a.requestCount).toBe(1);
  });

  it('never writes a secret or a token into an error or a log, whatever the tenant', async () => {
    const sim = await startSimulator(0);
    const [good, wrong] = tenants(sim, 2);
    if (good === undefined || wrong === undefined) throw new Error('two tenants');
    const logs: LogRecord[] = [];
    good.failNext(1, 503);
    expect(await listAll(clientFor(sim, good, 'good', { maxConcurrentRequests: 2 }, logs))).toHaveLength(2);
    // A secret that is not this tenant's: good's secret sent for tenant `wrong`.
    const options = mdiOptions.parse({ tenantId: wrong.tenantId, clientId: wrong.clientId, clientSecret: good.clientSecret, authorityHost: sim.baseUrl, graphHost: sim.baseUrl });
    const mixedUp = new GraphClient(configPlace('sources', 'mixed-up', process.cwd()), options, { kind: 'secret', secret: good.clientSecret }, { clock: systemClock, logger: new RecordingLogger(logs) });
    clients.push(mixedUp);
    const error = await listAll(mixedUp).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(SyslogConnectorError.hasCode(error, 'SOURCE_AUTH')).toBe(true);
    const said = `${JSON.stringify(logs)} ${String(error)} ${JSON.stringify(error)} ${(error as Error).stack ?? ''}`;
    for (const secret of [good.clientSecret, wrong.clientSecret]) expect(said).not.toContain(secret);
    // The simulator's access tokens all begin so; none was written anywhere.
    expect(said).not.toContain('eyJ0eXAiOiJKV1QifQ.sim.');
    expect(logs.length).toBeGreaterThan(0);
  });

  it('keeps one requests-per-minute budget per app and tenant: its alerts and health sources share it, another tenant has its own', async () => {
    // Time moves only when every client waits for its budget: the simulator counts each request at its instant.
    const clock = new SteppedClock(Date.parse('2026-03-02T09:00:00Z'));
    const sim = await GraphSimulator.start({ clock, hostileRatio: 0, requestsPerMinute: 10_000, pageSize: 1 });
    simulators.push(sim);
    const [a, b] = tenants(sim, 2);
    if (a === undefined || b === undefined) throw new Error('two tenants');
    for (const tenant of [a, b]) {
      tenant.addAlerts(10);
      tenant.addHealthIssues(12);
    }
    const perMinute = { requestsPerMinute: 4 };
    // One page per request: tenant a's two sources read 12 + 12 pages, tenant b's alerts source 12.
    const reads = [
      [clientFor(sim, a, 'a-alerts', perMinute, [], clock), ALERTS_PATH],
      [clientFor(sim, a, 'a-health', perMinute, [], clock), HEALTH_ISSUES_PATH],
      [clientFor(sim, b, 'b-alerts', perMinute, [], clock), ALERTS_PATH],
    ] as const;
    let running = reads.length;
    const listed = reads.map(async ([client, path]) => {
      let pages = 0;
      try {
        for await (const _ of client.list(path, { $top: '1' }, AbortSignal.timeout(20_000))) pages += 1;
      } finally {
        running -= 1;
      }
      return pages;
    });
    // Move the time only once every unfinished client sleeps (none has a request in flight then).
    while (running > 0) {
      if (clock.sleeping === running) clock.advanceToNextWake();
      else await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(await Promise.all(listed)).toEqual([12, 12, 12]);

    const graph = sim.requests.filter((r) => !r.path.endsWith('/token'));
    expect(graph.every((r) => r.status === 200)).toBe(true);
    /** The most requests of one tenant in any 60 s window, as Graph counts them (FACTS §D.3). */
    const busiestMinute = (requests: readonly GraphRecordedRequest[]): number =>
      Math.max(...requests.map((r) => requests.filter((o) => o.at >= r.at && o.at < r.at + 60_000).length));
    const ofA = graph.filter((r) => r.tenant === a.tenantId);
    const ofB = graph.filter((r) => r.tenant === b.tenantId);
    // Tenant a: both lists were read, 24 requests, never more than 4 in a minute between its two sources (each alone
    // would have sent 4 a minute, 8 together), so they took six minutes.
    expect([ofA.filter((r) => r.path === ALERTS_PATH).length, ofA.filter((r) => r.path === HEALTH_ISSUES_PATH).length]).toEqual([12, 12]);
    expect(busiestMinute(ofA)).toBe(4);
    expect(Math.max(...ofA.map((r) => r.at)) - Math.min(...ofA.map((r) => r.at))).toBeGreaterThanOrEqual(5 * 60_000);
    // Tenant b: its own 4 a minute from the first minute on, not slowed by a's budget.
    expect(busiestMinute(ofB)).toBe(4);
    expect(ofB.filter((r) => r.at === ofB[0]?.at)).toHaveLength(4);
    expect(Math.max(...ofB.map((r) => r.at)) - Math.min(...ofB.map((r) => r.at))).toBe(2 * 60_000);
  });
});
