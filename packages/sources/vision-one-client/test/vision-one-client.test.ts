import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { configPlace, SyslogConnectorError, z } from '@syslog-connector/core';
import { ManualClock, VisionOneSimulator, type VisionOneSimulatorOptions, RecordingLogger, type LogRecord, rejectionOf } from '@syslog-connector/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { tmv1AnyOf } from '../src/tmv1-filter.js';
import { VisionOneClient, type VisionOneItem, type VisionOnePage } from '../src/vision-one-client.js';
import { visionOneConnection } from '../src/vision-one-connection.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const TOKEN = 'v1-test-token-7c1e0f5a9b';
const WORKBENCH = '/v3.0/workbench/alerts';
const WINDOW = { startDateTime: '2026-03-01T11:00:00Z', endDateTime: '2026-03-01T12:00:00Z', orderBy: 'createdDateTime asc', top: 200 };

const idSchema = z.looseObject({ id: z.string(), severity: z.enum(['low', 'medium', 'high', 'critical']) });

let simulators: VisionOneSimulator[] = [];
afterEach(async () => {
  await Promise.all(simulators.map((s) => s.stop()));
  simulators = [];
});

const setup = async (simOptions: VisionOneSimulatorOptions = {}, connection: Record<string, unknown> = {}) => {
  const clock = new ManualClock(NOW);
  const sim = await VisionOneSimulator.start({ token: TOKEN, clock, ...simOptions });
  simulators.push(sim);
  const logs: LogRecord[] = [];
  const options = visionOneConnection.parse({ baseUrl: sim.baseUrl, token: TOKEN, ...connection });
  const client = new VisionOneClient(configPlace('sources', 'wb', process.cwd()), options, { clock, logger: new RecordingLogger(logs) }, { random: () => 0.5 });
  return { sim, clock, logs, client };
};

const collect = async <T>(pages: AsyncIterable<VisionOnePage<T>>): Promise<VisionOnePage<T>[]> => {
  const out: VisionOnePage<T>[] = [];
  for await (const page of pages) out.push(page);
  return out;
};

const failure = (promise: Promise<unknown>): Promise<SyslogConnectorError> => rejectionOf(promise, SyslogConnectorError.is);

const ids = <T extends { id: string }>(pages: VisionOnePage<T>[]): string[] =>
  pages.flatMap((p) => p.items.map((item: VisionOneItem<T>) => (item.valid ? item.value.id : 'invalid')));

describe('VisionOneClient.list', () => {
  it('follows nextLink with its literal spaces encoded as %20 until the last page', async () => {
    const { sim, client } = await setup({ pageSize: 2 });
    const alerts = sim.addWorkbenchAlerts(7, { from: NOW - 30 * 60_000, to: NOW - 60_000 });

    const pages = await collect(client.list(WORKBENCH, { query: WINDOW, itemSchema: idSchema, signal: AbortSignal.timeout(5_000) }));

    expect(pages.map((p) => [p.page, p.items.length, p.totalCount, p.last])).toEqual([
      [1, 2, 7, false],
      [2, 2, 7, false],
      [3, 2, 7, false],
      [4, 1, 7, true],
    ]);
    expect(ids(pages)).toEqual(alerts.map((a) => a.id));
    expect(sim.requests.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(sim.requests[0]?.rawQuery).toBe(
      'startDateTime=2026-03-01T11%3A00%3A00Z&endDateTime=2026-03-01T12%3A00%3A00Z&orderBy=createdDateTime%20asc&top=200',
    );
    expect(sim.requests[1]?.rawQuery).toBe(
      'startDateTime=2026-03-01T11:00:00Z&endDateTime=2026-03-01T12:00:00Z&orderBy=createdDateTime%20asc&top=200&skipToken=eyJvZmZzZXQiOjIsImZpbHRlciI6IiJ9',
    );
  });

  it('re-sends TMV1-Filter on every nextLink request', async () => {
    const { sim, client } = await setup({ pageSize: 3 });
    const detections = sim.addOatDetections(40, { from: NOW - 50 * 60_000, to: NOW - 10 * 60_000 });
    const filter = tmv1AnyOf('riskLevel', ['medium', 'high', 'critical']);
    const uuidSchema = z.looseObject({ uuid: z.string() });

    const pages = await collect(
      client.list('/v3.0/oat/detections', {
        query: { detectedStartDateTime: '2026-03-01T11:00:00Z', detectedEndDateTime: '2026-03-01T12:00:00Z', top: 50 },
        filter,
        itemSchema: uuidSchema,
        signal: AbortSignal.timeout(5_000),
      }),
    );

    const expected = detections.filter((d) => ['medium', 'high', 'critical'].includes(d.detail.filterRiskLevel)).map((d) => d.uuid);
    expect(pages.flatMap((p) => p.items.map((i) => (i.valid ? i.value.uuid : '')))).toEqual(expected.reverse());
    expect(pages.length).toBe(Math.ceil(expected.length / 3));
    expect(filter).toBe("(riskLevel eq 'medium') or (riskLevel eq 'high') or (riskLevel eq 'critical')");
    expect(sim.requests.map((r) => [r.status, r.headers['tmv1-filter']])).toEqual(pages.map(() => [200, filter]));
  });

  it('hands back items that fail the schema as invalid, with their raw JSON and the issues', async () => {
    const { sim, client } = await setup();
    sim.addWorkbenchAlerts([
      { id: 'WB-1', severity: 'high', createdDateTime: '2026-03-01T11:10:00Z' },
      { id: 'WB-2', severity: 'catastrophic', createdDateTime: '2026-03-01T11:20:00Z' },
      { severity: 'low', createdDateTime: '2026-03-01T11:30:00Z' },
    ]);
    const [page] = await collect(client.list(WORKBENCH, { query: WINDOW, itemSchema: idSchema, signal: AbortSignal.timeout(5_000) }));
    expect(page?.items).toEqual([
      { valid: true, value: { id: 'WB-1', severity: 'high', createdDateTime: '2026-03-01T11:10:00Z' }, raw: { id: 'WB-1', severity: 'high', createdDateTime: '2026-03-01T11:10:00Z' } },
      {
        valid: false,
        raw: { id: 'WB-2', severity: 'catastrophic', createdDateTime: '2026-03-01T11:20:00Z' },
        issues: 'severity: Invalid option: expected one of "low"|"medium"|"high"|"critical"',
      },
      {
        valid: false,
        raw: { severity: 'low', createdDateTime: '2026-03-01T11:30:00Z' },
        issues: 'id: Invalid input: expected string, received undefined',
      },
    ]);
  });

  it('waits the Retry-After of a 429 (seconds, then an HTTP-date) and retries 5xx with jittered back-off', async () => {
    const { sim, clock, logs, client } = await setup();
    sim.addWorkbenchAlerts(1, { to: NOW - 60_000 });
    sim.failNext(1, 429, 7);
    sim.failNext(1, 429, new Date(NOW + 7_000 + 30_000));
    sim.failNext(1, 500);
    sim.failNext(1, 503);

    const pages = await collect(client.list(WORKBENCH, { query: WINDOW, itemSchema: idSchema, signal: AbortSignal.timeout(5_000) }));

    expect(pages.map((p) => p.items.length)).toEqual([1]);
    // 7 s, then the date 30 s after the first wait ended, then 0.75 × 4 s and 0.75 × 8 s of back-off (random 0.5).
    expect(clock.sleeps).toEqual([7_000, 30_000, 3_000, 6_000]);
    expect(sim.requests.map((r) => r.status)).toEqual([429, 429, 500, 503, 200]);
    expect(logs.map((l) => [l.level, l.message, l.fields])).toEqual([
      ['warn', 'Vision One request failed; retrying.', { source: 'wb', request: `GET ${WORKBENCH}`, reason: 'HTTP 429 TooManyRequests: Too many API requests.', retry: 1, of: 5, delayMs: 7_000 }],
      ['warn', 'Vision One request failed; retrying.', { source: 'wb', request: `GET ${WORKBENCH}`, reason: 'HTTP 429 TooManyRequests: Too many API requests.', retry: 2, of: 5, delayMs: 30_000 }],
      ['warn', 'Vision One request failed; retrying.', { source: 'wb', request: `GET ${WORKBENCH}`, reason: 'HTTP 500 InternalServerError: An internal error occurred.', retry: 3, of: 5, delayMs: 3_000 }],
      ['warn', 'Vision One request failed; retrying.', { source: 'wb', request: `GET ${WORKBENCH}`, reason: 'HTTP 503 ServiceUnavailable: The service is temporarily unavailable.', retry: 4, of: 5, delayMs: 6_000 }],
    ]);
  });

  it('gives up after 5 retries with SOURCE_HTTP naming the last status', async () => {
    const { sim, clock, client } = await setup();
    sim.failNext(6, 503);
    const error = await failure(collect(client.list(WORKBENCH, { query: WINDOW, itemSchema: idSchema, signal: AbortSignal.timeout(5_000) })));
    expect([error.code, error.message, error.path]).toEqual([
      'SOURCE_HTTP',
      'GET /v3.0/workbench/alerts failed 6 time(s), last with HTTP 503 ServiceUnavailable: The service is temporarily unavailable.',
      'sources.wb.baseUrl',
    ]);
    expect(clock.sleeps).toEqual([750, 1_500, 3_000, 6_000, 12_000]);
    expect(sim.requests.length).toBe(6);
  });

  it('retries a request that gets no answer within requestTimeout', async () => {
    const { sim, clock, logs, client } = await setup({}, { requestTimeout: '150ms' });
    sim.stallNext(1);
    const pages = await collect(client.list(WORKBENCH, { query: WINDOW, itemSchema: idSchema, signal: AbortSignal.timeout(5_000) }));
    expect(pages.map((p) => p.last)).toEqual([true]);
    expect(clock.sleeps).toEqual([750]);
    expect(logs.map((l) => (l.fields as { reason: string }).reason)).toEqual(['no answer within 150 ms']);
  });

  it.each([
    [401, 'Vision One rejected the API key (HTTP 401 Unauthorized: The API key is missing, invalid or expired.)'],
    [403, 'The API key may not call /v3.0/workbench/alerts (HTTP 403 AccessDenied: The API key does not have the permission this API needs.)'],
  ] as const)('turns %i into one SOURCE_AUTH error with the fix, without retrying or showing the token', async (status, message) => {
    const { sim, clock, logs, client } = await setup();
    sim.failNext(1, status);
    const error = await failure(collect(client.list(WORKBENCH, { query: WINDOW, itemSchema: idSchema, signal: AbortSignal.timeout(5_000) })));
    expect([error.code, error.message, error.path, error.hint]).toEqual([
      'SOURCE_AUTH',
      message,
      'sources.wb.token',
      'create a new API key in Vision One (Administration → API Keys) with the needed role and set VISION_ONE_TOKEN',
    ]);
    expect(sim.requests.length).toBe(1);
    expect(clock.sleeps).toEqual([]);
    expect(`${error.describe()} ${JSON.stringify(error)} ${JSON.stringify(logs)}`).not.toContain(TOKEN);
  });

  it('answers a wrong token (the real 401 path) with SOURCE_AUTH', async () => {
    const { sim } = await setup();
    const clock = new ManualClock(NOW);
    const options = visionOneConnection.parse({ baseUrl: sim.baseUrl, token: 'wrong-token' });
    const client = new VisionOneClient(configPlace('sources', 'wb', process.cwd()), options, { clock, logger: new RecordingLogger([]) });
    const error = await failure(collect(client.list(WORKBENCH, { query: WINDOW, itemSchema: idSchema, signal: AbortSignal.timeout(5_000) })));
    expect([error.code, error.message]).toEqual(['SOURCE_AUTH', 'Vision One rejected the API key (HTTP 401 Unauthorized: The API key is missing, invalid or expired.)']);
    expect(error.message).not.toContain('wrong-token');
  });

  it('reports any other HTTP error as SOURCE_HTTP with Trend code and message, not retried', async () => {
    const { sim, client } = await setup();
    const error = await failure(
      collect(client.list(WORKBENCH, { query: { ...WINDOW, startDateTime: '2026-03-01T11:00:00.000Z' }, itemSchema: idSchema, signal: AbortSignal.timeout(5_000) })),
    );
    expect([error.code, error.message]).toEqual([
      'SOURCE_HTTP',
      'GET /v3.0/workbench/alerts failed with HTTP 400 InvalidParameter: startDateTime must be yyyy-MM-ddThh:mm:ssZ (UTC, no milliseconds); got "2026-03-01T11:00:00.000Z"',
    ]);
    expect(sim.requests.length).toBe(1);
  });

  it('refuses a nextLink to another origin, so the API key stays with the API', async () => {
    const { sim, client } = await setup({ pageSize: 1, nextLinkOrigin: 'https://collector.example.net' });
    sim.addWorkbenchAlerts(2, { from: NOW - 30 * 60_000, to: NOW - 60_000 });
    const pages: number[] = [];
    const error = await failure(
      (async () => {
        for await (const page of client.list(WORKBENCH, { query: WINDOW, itemSchema: idSchema, signal: AbortSignal.timeout(5_000) })) pages.push(page.page);
      })(),
    );
    expect([error.code, error.message]).toEqual([
      'SOURCE_RESPONSE',
      `Vision One sent a nextLink to https://collector.example.net, not ${sim.baseUrl}; the API key is not sent elsewhere`,
    ]);
    expect(pages).toEqual([]);
    expect(sim.requests.length).toBe(1);
  });

  it('reports a redirect as an error and never follows it with the API key (node:http, issue #20)', async () => {
    const target = await VisionOneSimulator.start({ token: TOKEN });
    simulators.push(target);
    const redirecting = createServer((_req, res) => res.writeHead(302, { location: `${target.baseUrl}${WORKBENCH}` }).end());
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    try {
      const baseUrl = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}`;
      const client = new VisionOneClient(configPlace('sources', 'wb', process.cwd()), visionOneConnection.parse({ baseUrl, token: TOKEN }), {
        clock: new ManualClock(NOW),
        logger: new RecordingLogger([]),
      });
      const error = await failure(collect(client.list(WORKBENCH, { query: WINDOW, itemSchema: idSchema, signal: AbortSignal.timeout(5_000) })));
      expect([error.code, error.message]).toEqual(['SOURCE_HTTP', 'GET /v3.0/workbench/alerts was redirected (HTTP 302); redirects are not followed']);
      expect(target.requests).toEqual([]);
    } finally {
      redirecting.closeAllConnections();
      await new Promise((resolve) => redirecting.close(resolve));
    }
  });

  it('reads the envelope without zod when it is one, and names what is wrong when it is not (issue #20); over IPv6 too', async () => {
    const bodies = ['{"totalCount":0,"count":0,"items":[]}', '{"totalCount":0,"count":"0","items":[]}', '{"count":0,"items":{}}', '[]'];
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.headers.host ?? ''} ${req.url ?? ''} ${req.headers.authorization === `Bearer ${TOKEN}` ? 'key' : 'no key'}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end(bodies.shift());
    });
    const host = await new Promise<string>((resolve) => {
      server.once('error', () => server.listen(0, '127.0.0.1', () => resolve('127.0.0.1')));
      server.listen(0, '::1', () => resolve('[::1]'));
    });
    try {
      const baseUrl = `http://${host}:${(server.address() as AddressInfo).port}/`;
      const client = new VisionOneClient(configPlace('sources', 'wb', process.cwd()), visionOneConnection.parse({ baseUrl, token: TOKEN }), {
        clock: new ManualClock(NOW),
        logger: new RecordingLogger([]),
      });
      const list = () => collect(client.list(WORKBENCH, { query: { ...WINDOW, skip: undefined }, itemSchema: idSchema, signal: AbortSignal.timeout(5_000) }));
      expect(await list()).toEqual([{ page: 1, items: [], deadLetters: [], totalCount: 0, last: true }]);
      const messages = [];
      for (let i = 0; i < 3; i += 1) messages.push((await failure(list())).message);
      expect(messages).toEqual([
        'GET /v3.0/workbench/alerts answered without the list envelope (count: Invalid input: expected number, received string)',
        'GET /v3.0/workbench/alerts answered without the list envelope (items: Invalid input: expected array, received object)',
        'GET /v3.0/workbench/alerts answered without the list envelope ((item): Invalid input: expected object, received array)',
      ]);
      expect(seen[0]).toBe(
        `${host}:${(server.address() as AddressInfo).port} /v3.0/workbench/alerts?startDateTime=2026-03-01T11%3A00%3A00Z&endDateTime=2026-03-01T12%3A00%3A00Z&orderBy=createdDateTime%20asc&top=200 key`,
      );
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('stops at once when the caller aborts during a back-off wait', async () => {
    const { sim } = await setup();
    sim.failNext(1, 500);
    const controller = new AbortController();
    const manual = new ManualClock(NOW);
    // Shutdown arrives while the client waits before its first retry.
    const clock = { now: () => manual.now(), sleep: (ms: number, signal?: AbortSignal) => (controller.abort(new Error('shutting down')), manual.sleep(ms, signal)) };
    const client = new VisionOneClient(configPlace('sources', 'wb', process.cwd()), visionOneConnection.parse({ baseUrl: sim.baseUrl, token: TOKEN }), { clock, logger: new RecordingLogger([]) });
    await expect(collect(client.list(WORKBENCH, { query: WINDOW, itemSchema: idSchema, signal: controller.signal }))).rejects.toThrow('shutting down');
    expect(sim.requests.map((r) => r.status)).toEqual([500]);
  });
});

describe('VisionOneClient.check', () => {
  const probe = { path: WORKBENCH, query: { startDateTime: '2026-03-01T11:00:00Z', endDateTime: '2026-03-01T12:00:00Z', top: 50 } };

  it('resolves the host and makes one authenticated request for the probe', async () => {
    const { sim, client } = await setup();
    sim.addWorkbenchAlerts(3, { from: NOW - 30 * 60_000, to: NOW - 60_000 });
    const steps = [];
    for await (const step of client.check(probe, AbortSignal.timeout(5_000))) steps.push({ ...step, durationMs: 0 });
    expect(steps).toEqual([
      { step: 'Resolve 127.0.0.1', ok: true, detail: '127.0.0.1', durationMs: 0 },
      { step: 'GET /v3.0/workbench/alerts with the API key', ok: true, detail: 'HTTP 200, 3 item(s) available', durationMs: 0 },
    ]);
    expect(sim.requests.map((r) => r.rawQuery)).toEqual(['startDateTime=2026-03-01T11%3A00%3A00Z&endDateTime=2026-03-01T12%3A00%3A00Z&top=50']);
  });

  it('reports a rejected key with the fix, without retrying', async () => {
    const { sim, client } = await setup();
    sim.failNext(2, 401);
    const steps = [];
    for await (const step of client.check(probe, AbortSignal.timeout(5_000))) steps.push({ ...step, durationMs: 0 });
    expect(steps[1]).toEqual({
      step: 'GET /v3.0/workbench/alerts with the API key',
      ok: false,
      detail: 'Vision One rejected the API key (HTTP 401 Unauthorized: The API key is missing, invalid or expired.)',
      hint: 'create a new API key in Vision One (Administration → API Keys) with the needed role and set VISION_ONE_TOKEN',
      durationMs: 0,
    });
    expect(sim.requests.length).toBe(1);
  });

  it('names a refused connection by its code (node:http), without retrying', async () => {
    // A port that was just free: nothing listens on it.
    const probeServer = createServer();
    await new Promise<void>((resolve) => probeServer.listen(0, '127.0.0.1', resolve));
    const port = (probeServer.address() as AddressInfo).port;
    await new Promise((resolve) => probeServer.close(resolve));
    const client = new VisionOneClient(configPlace('sources', 'wb', process.cwd()), visionOneConnection.parse({ baseUrl: `http://127.0.0.1:${port}`, token: TOKEN }), {
      clock: new ManualClock(NOW),
      logger: new RecordingLogger([]),
    });
    const steps = [];
    for await (const step of client.check(probe, AbortSignal.timeout(5_000))) steps.push(step);
    expect(steps[1]).toMatchObject({ ok: false, detail: 'GET /v3.0/workbench/alerts failed 1 time(s), last with a network error (ECONNREFUSED)' });
  });

  it('stops after a failed name resolution', async () => {
    const client = new VisionOneClient(configPlace('sources', 'wb', process.cwd()), visionOneConnection.parse({ baseUrl: 'https://vision-one.invalid', token: TOKEN }), {
      clock: new ManualClock(NOW),
      logger: new RecordingLogger([]),
    });
    const steps = [];
    for await (const step of client.check(probe, AbortSignal.timeout(5_000))) steps.push({ ...step, durationMs: 0 });
    expect(steps).toEqual([
      {
        step: 'Resolve vision-one.invalid',
        ok: false,
        detail: 'ENOTFOUND',
        hint: "check `region` / `baseUrl` of sources.wb and this machine's DNS or proxy settings",
        durationMs: 0,
      },
    ]);
  });
});
