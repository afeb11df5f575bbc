import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HOSTILE_STRINGS } from './hostile-strings.js';
import { ManualClock } from './manual-clock.js';
import { VisionOneSimulator, type VisionOneSimulatorOptions } from './vision-one-simulator.js';
import type { AuditLog, OatDetection, WorkbenchAlert } from './vision-one-items.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const TOKEN = 'test-token-3f9a1c0b7d';

let simulators: VisionOneSimulator[] = [];
afterEach(async () => {
  await Promise.all(simulators.map((s) => s.stop()));
  simulators = [];
});

const start = async (options: VisionOneSimulatorOptions = {}): Promise<VisionOneSimulator> => {
  const simulator = await VisionOneSimulator.start({ token: TOKEN, clock: new ManualClock(NOW), ...options });
  simulators.push(simulator);
  return simulator;
};

interface Envelope {
  totalCount: number;
  count: number;
  items: Array<Record<string, unknown>>;
  nextLink?: string;
}

const get = async (url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: unknown }> => {
  const response = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}`, ...headers } });
  return { status: response.status, headers: response.headers, body: await response.json() };
};

/** Sends a request line byte for byte, as a client that does not encode spaces would. */
const rawRequest = (port: number, target: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString('utf8')));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
    socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`);
  });

describe('VisionOneSimulator workbench alerts', () => {
  it('pages a window in createdDateTime order, with nextLink absent on the last page', async () => {
    const sim = await start({ pageSize: 10 });
    const alerts = sim.addWorkbenchAlerts(25, { from: NOW - 25 * 60_000, to: NOW - 60_000 });
    const query = 'startDateTime=2026-03-01T11:00:00Z&endDateTime=2026-03-01T12:00:00Z&orderBy=createdDateTime%20asc';

    const seen: string[] = [];
    const counts: Array<[number, number, boolean]> = [];
    let url: string | undefined = `${sim.baseUrl}/v3.0/workbench/alerts?${query}`;
    while (url !== undefined) {
      const page = (await get(url.replaceAll(' ', '%20'))).body as Envelope;
      counts.push([page.totalCount, page.count, page.nextLink !== undefined]);
      seen.push(...page.items.map((item) => item.id as string));
      url = page.nextLink;
    }

    expect(counts).toEqual([
      [25, 10, true],
      [25, 10, true],
      [25, 5, false],
    ]);
    expect(seen).toEqual(alerts.map((a) => a.id));
    expect(alerts[0]?.id).toBe('WB-9002-20260301-00001');
    expect(alerts[0]?.createdDateTime).toBe('2026-03-01T11:35:00Z');
    expect(alerts[24]?.createdDateTime).toBe('2026-03-01T11:59:00Z');
  });

  it('puts a literal space in nextLink, which Node rejects with 400 when sent raw', async () => {
    const sim = await start({ pageSize: 2 });
    sim.addWorkbenchAlerts(3, { from: NOW - 3 * 60_000, to: NOW - 60_000 });
    const first = (await get(`${sim.baseUrl}/v3.0/workbench/alerts?startDateTime=2026-03-01T11:00:00Z&orderBy=createdDateTime%20asc&top=200`)).body as Envelope;

    const nextLink = first.nextLink ?? '';
    expect(nextLink).toBe(
      `${sim.baseUrl}/v3.0/workbench/alerts?startDateTime=2026-03-01T11:00:00Z&orderBy=createdDateTime asc&top=200&skipToken=eyJvZmZzZXQiOjIsImZpbHRlciI6IiJ9`,
    );

    const port = Number(new URL(sim.baseUrl).port);
    const raw = await rawRequest(port, nextLink.slice(sim.baseUrl.length));
    expect(raw.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(sim.requests.at(-1)).toEqual({
      method: '',
      path: '',
      query: {},
      rawQuery: '',
      headers: {},
      status: 400,
      parseError: 'HPE_INVALID_CONSTANT',
    });

    const second = await get(nextLink.replaceAll(' ', '%20'));
    expect(second.status).toBe(200);
    expect((second.body as Envelope).items.length).toBe(1);
    expect(sim.requests.at(-1)?.query).toEqual({
      startDateTime: '2026-03-01T11:00:00Z',
      orderBy: 'createdDateTime asc',
      top: '200',
      skipToken: 'eyJvZmZzZXQiOjIsImZpbHRlciI6IiJ9',
    });
  });

  it('selects by updatedDateTime when dateTimeTarget asks for it', async () => {
    const sim = await start();
    const [a, b] = sim.addWorkbenchAlerts(2, { from: NOW - 2 * DAY, to: NOW - DAY });
    sim.updateWorkbenchAlerts([b?.id ?? ''], NOW - 30_000);
    const page = (await get(
      `${sim.baseUrl}/v3.0/workbench/alerts?dateTimeTarget=updatedDateTime&startDateTime=2026-03-01T11:00:00Z&endDateTime=2026-03-01T12:00:00Z`,
    )).body as Envelope;
    expect(page.items.map((i) => [i.id, i.status, i.updatedDateTime])).toEqual([[b?.id, 'In Progress', '2026-03-01T11:59:30Z']]);
    expect(a?.status).toBe('Open');
  });

  it('filters on severity with TMV1-Filter', async () => {
    const sim = await start();
    const alerts = sim.addWorkbenchAlerts(40);
    const page = (await get(`${sim.baseUrl}/v3.0/workbench/alerts`, { 'TMV1-Filter': "severity eq 'critical' or severity eq 'high'" })).body as Envelope;
    const expected = alerts.filter((a) => a.severity === 'critical' || a.severity === 'high').map((a) => a.id);
    expect(expected.length).toBeGreaterThan(0);
    // Default order: createdDateTime desc (FACTS §B.5).
    expect(page.items.map((i) => i.id)).toEqual(expected.reverse());
  });

  it('rejects times with milliseconds, unknown parameters and a bad orderBy', async () => {
    const sim = await start();
    const cases = [
      ['startDateTime=2026-03-01T11:00:00.000Z', 'startDateTime must be yyyy-MM-ddThh:mm:ssZ (UTC, no milliseconds); got "2026-03-01T11:00:00.000Z"'],
      ['since=1h', 'Unknown query parameter(s): since'],
      ['orderBy=createdDateTime%20up', 'orderBy must be one of createdDateTime, updatedDateTime, id, score, severity, optionally followed by " asc" or " desc"; got "createdDateTime up"'],
      ['top=0', 'top must be an integer from 1 to 200'],
    ] as const;
    for (const [query, message] of cases) {
      const response = await get(`${sim.baseUrl}/v3.0/workbench/alerts?${query}`);
      expect([response.status, response.body]).toEqual([400, { error: { code: 'InvalidParameter', message } }]);
    }
  });
});

const DAY = 86_400_000;

describe('VisionOneSimulator OAT detections', () => {
  const riskFilter = "(riskLevel eq 'medium') or (riskLevel eq 'high') or (riskLevel eq 'critical')";

  it('filters on riskLevel with eq, or and parentheses, newest first, and needs the filter again on nextLink', async () => {
    const sim = await start({ pageSize: 4 });
    const detections = sim.addOatDetections(30, { from: NOW - 3_600_000, to: NOW - 120_000 });
    const wanted = detections
      .filter((d) => ['medium', 'high', 'critical'].includes(d.filters[0]?.riskLevel ?? ''))
      .map((d) => d.uuid)
      .reverse();
    expect(wanted.length).toBeGreaterThan(4);

    const seen: string[] = [];
    let url: string | undefined = `${sim.baseUrl}/v3.0/oat/detections?detectedStartDateTime=2026-03-01T10:00:00Z&detectedEndDateTime=2026-03-01T12:00:00Z&top=50`;
    while (url !== undefined) {
      const page = (await get(url, { 'TMV1-Filter': riskFilter })).body as Envelope;
      expect(page.totalCount).toBe(wanted.length);
      seen.push(...page.items.map((item) => item.uuid as string));
      url = page.nextLink;
    }
    expect(seen).toEqual(wanted);

    const first = (await get(`${sim.baseUrl}/v3.0/oat/detections?top=50`, { 'TMV1-Filter': riskFilter })).body as Envelope;
    const withoutFilter = await get(first.nextLink ?? '');
    expect([withoutFilter.status, withoutFilter.body]).toEqual([
      400,
      { error: { code: 'InvalidHeader', message: 'TMV1-Filter must be sent again, unchanged, with every nextLink request' } },
    ]);
    expect(sim.requests.at(-1)?.headers['tmv1-filter']).toBeUndefined();
    expect(sim.requests.at(-2)?.headers['tmv1-filter']).toBe(riskFilter);
  });

  it('selects by ingested time, so late-ingested detections are found', async () => {
    const sim = await start();
    const [late] = sim.addOatDetections(1, { from: NOW - 2 * DAY, to: NOW - 2 * DAY, ingestDelayMs: 2 * DAY - 60_000 });
    const page = (await get(`${sim.baseUrl}/v3.0/oat/detections?ingestedStartDateTime=2026-03-01T11:50:00Z&ingestedEndDateTime=2026-03-01T12:00:00Z`)).body as Envelope;
    expect(page.items.map((i) => [i.uuid, i.detectedDateTime, i.ingestedDateTime])).toEqual([
      [late?.uuid, '2026-02-27T12:00:00Z', '2026-03-01T11:59:00Z'],
    ]);
  });

  it('rejects filter syntax errors, unknown filter fields, undocumented top values and future ends', async () => {
    const sim = await start();
    const cases: Array<[string, Record<string, string>, string, string]> = [
      ['', { 'TMV1-Filter': "riskLevel eq 'high" }, 'InvalidHeader', 'TMV1-Filter: unterminated string literal at position 13'],
      ['', { 'TMV1-Filter': "riskLevel = 'high'" }, 'InvalidHeader', 'TMV1-Filter: unexpected character "=" at position 10'],
      ['', { 'TMV1-Filter': "severity eq 'high'" }, 'InvalidHeader', expect.stringMatching(/^TMV1-Filter: unsupported field\(s\) severity; use uuid, riskLevel/) as unknown as string],
      ['?top=75', {}, 'InvalidParameter', 'top must be one of 50, 100, 200'],
      ['?detectedEndDateTime=2026-03-01T12:00:01Z', {}, 'InvalidParameter', 'the end of a time range may not lie in the future'],
    ];
    for (const [query, headers, code, message] of cases) {
      const response = await get(`${sim.baseUrl}/v3.0/oat/detections${query}`, headers);
      expect([response.status, response.body]).toEqual([400, { error: { code, message } }]);
    }
  });
});

describe('VisionOneSimulator audit logs', () => {
  it('filters on category and orders by loggedDateTime asc on request', async () => {
    const sim = await start();
    const logs = sim.addAuditLogs(20);
    const page = (await get(`${sim.baseUrl}/v3.0/audit/logs?orderBy=loggedDateTime%20asc&top=100`, {
      'TMV1-Filter': "category eq 'Sign in and sign out'",
    })).body as Envelope;
    expect(page.items.map((i) => i.loggedDateTime)).toEqual(logs.filter((l) => l.category === 'Sign in and sign out').map((l) => l.loggedDateTime));
    expect(page.items.length).toBeGreaterThan(0);
  });
});

describe('VisionOneSimulator audit ingestion times', () => {
  it('writes ingestedDateTime = loggedDateTime + ingestDelayMs, and selects a late log by ingestion time only', async () => {
    const sim = await start();
    const [late] = sim.addAuditLogs(1, { from: NOW - 2 * DAY, to: NOW - 2 * DAY, ingestDelayMs: 2 * DAY - 60_000 });
    expect([late?.loggedDateTime, late?.ingestedDateTime]).toEqual(['2026-02-27T12:00:00Z', '2026-03-01T11:59:00Z']);
    const byLogged = (await get(`${sim.baseUrl}/v3.0/audit/logs?startDateTime=2026-03-01T11:00:00Z&endDateTime=2026-03-01T12:00:00Z`)).body as Envelope;
    const byIngested = (
      await get(`${sim.baseUrl}/v3.0/audit/logs?startDateTime=2026-03-01T11:00:00Z&endDateTime=2026-03-01T12:00:00Z&dateTimeTarget=ingestedDateTime`)
    ).body as Envelope;
    expect([byLogged.totalCount, byIngested.items]).toEqual([0, [late]]);
  });

  it('keeps the seeded sequence when no delay is given', async () => {
    const [a, b] = await Promise.all([start({ seed: 7 }), start({ seed: 7 })]);
    const plain = a.addAuditLogs(3, { from: NOW - 60_000, to: NOW });
    const delayed = b.addAuditLogs(3, { from: NOW - 60_000, to: NOW, ingestDelayMs: 5_000 });
    expect(delayed.map(({ ingestedDateTime: _, ...rest }) => rest)).toEqual(plain.map(({ ingestedDateTime: _, ...rest }) => rest));
    expect(delayed.map((l) => Date.parse(l.ingestedDateTime) - Date.parse(l.loggedDateTime))).toEqual([5_000, 5_000, 5_000]);
  });
});

describe('VisionOneSimulator auth and injected failures', () => {
  it('answers 401 with Trend error JSON for a missing or wrong token, and never records the token', async () => {
    const sim = await start();
    const missing = await fetch(`${sim.baseUrl}/v3.0/workbench/alerts`);
    const wrong = await fetch(`${sim.baseUrl}/v3.0/workbench/alerts`, { headers: { authorization: 'Bearer not-the-token' } });
    const right = await get(`${sim.baseUrl}/v3.0/workbench/alerts`);
    const unauthorized = { error: { code: 'Unauthorized', message: 'The API key is missing, invalid or expired.' } };
    expect([missing.status, await missing.json()]).toEqual([401, unauthorized]);
    expect([wrong.status, await wrong.json()]).toEqual([401, unauthorized]);
    expect(right.status).toBe(200);
    expect(sim.requests.map((r) => [r.status, r.headers.authorization])).toEqual([
      [401, undefined],
      [401, 'Bearer [REDACTED]'],
      [200, 'Bearer [REDACTED]'],
    ]);
    expect(JSON.stringify(sim.requests)).not.toContain(TOKEN);
  });

  it('injects 429 with Retry-After in seconds or as an HTTP-date, then 500, then serves normally', async () => {
    const sim = await start();
    sim.failNext(1, 429, 7);
    sim.failNext(1, 429, new Date('2026-03-01T12:00:30Z'));
    sim.failNext(1, 500);
    const url = `${sim.baseUrl}/v3.0/workbench/alerts`;
    const first = await get(url);
    const second = await get(url);
    const third = await get(url);
    const fourth = await get(url);
    expect([first.status, first.headers.get('retry-after'), first.body]).toEqual([
      429,
      '7',
      { error: { code: 'TooManyRequests', message: 'Too many API requests.' } },
    ]);
    expect([second.status, second.headers.get('retry-after')]).toEqual([429, 'Sun, 01 Mar 2026 12:00:30 GMT']);
    expect([third.status, third.headers.get('retry-after'), third.body]).toEqual([
      500,
      null,
      { error: { code: 'InternalServerError', message: 'An internal error occurred.' } },
    ]);
    expect(fourth.status).toBe(200);
  });

  it('stalls a request until the client gives up', async () => {
    const sim = await start();
    sim.stallNext(1);
    await expect(fetch(`${sim.baseUrl}/v3.0/workbench/alerts`, { signal: AbortSignal.timeout(100) })).rejects.toThrow(/aborted/);
    expect((await get(`${sim.baseUrl}/v3.0/workbench/alerts`)).status).toBe(200);
    expect(sim.requests.map((r) => r.status)).toEqual([0, 200]);
  });
});

describe('VisionOneSimulator generator', () => {
  it('is deterministic for a seed and puts hostile strings into some items', async () => {
    const a = await start({ seed: 42 });
    const b = await start({ seed: 42 });
    const c = await start({ seed: 43 });
    const spread = { from: NOW - 3_600_000, to: NOW - 60_000 };
    const fromA = a.addWorkbenchAlerts(50, spread);
    expect(b.addWorkbenchAlerts(50, spread)).toEqual(fromA);
    expect(c.addWorkbenchAlerts(50, spread)).not.toEqual(fromA);

    const text = JSON.stringify(fromA);
    const hostile = Object.values(HOSTILE_STRINGS).filter((value) => text.includes(JSON.stringify(value).slice(1, -1)));
    expect(hostile.length).toBeGreaterThan(3);
    expect(fromA.map((alert) => alert.alertProvider)).toContain('TI');
    expect(fromA.map((alert) => alert.alertProvider)).toContain('SAE');
  });

  it('puts a hostile string into every item at hostileRatio 1, and none at 0', async () => {
    const all = await start({ hostileRatio: 1 });
    const none = await start({ hostileRatio: 0 });
    const hostileValues = Object.values(HOSTILE_STRINGS);
    const carries = (item: WorkbenchAlert | OatDetection | AuditLog): boolean => {
      const text = JSON.stringify(item);
      return hostileValues.some((value) => text.includes(JSON.stringify(value).slice(1, -1)));
    };
    expect([...all.addWorkbenchAlerts(10), ...all.addOatDetections(10), ...all.addAuditLogs(10)].every(carries)).toBe(true);
    expect([...none.addWorkbenchAlerts(10), ...none.addOatDetections(10), ...none.addAuditLogs(10)].some(carries)).toBe(false);
  });

  it('tick() adds one alert, detection and audit log stamped now', async () => {
    const sim = await start();
    const { alert, detection, auditLog } = sim.tick();
    expect([alert.createdDateTime, detection.detectedDateTime, auditLog.loggedDateTime]).toEqual([
      '2026-03-01T12:00:00Z',
      '2026-03-01T12:00:00Z',
      '2026-03-01T12:00:00Z',
    ]);
    expect([sim.workbenchAlerts.length, sim.oatDetections.length, sim.auditLogs.length]).toEqual([1, 1, 1]);
  });
});

describe('VisionOneSimulator tenants and concurrency (issue #20)', () => {
  const list = (sim: VisionOneSimulator, token: string) =>
    fetch(`${sim.baseUrl}/v3.0/workbench/alerts?startDateTime=2026-03-01T00:00:00Z&endDateTime=2026-03-01T12:00:00Z`, {
      headers: { authorization: `Bearer ${token}` },
    });

  it('serves each tenant its own alerts under its own key, and injects a failure for one tenant only', async () => {
    const sim = await start();
    const acme = sim.addTenant('acme-key-0123456789', 'acme');
    const globex = sim.addTenant('globex-key-987654321', 'globex');
    const acmeAlerts = acme.addWorkbenchAlerts(3, { from: NOW - 3_600_000, to: NOW - 60_000 });
    globex.addWorkbenchAlerts(1, { from: NOW - 3_600_000, to: NOW - 60_000 });
    acme.failNext(1, 429, 30);

    const throttled = await list(sim, acme.token);
    expect([throttled.status, throttled.headers.get('retry-after')]).toEqual([429, '30']);
    expect(((await (await list(sim, globex.token)).json()) as Envelope).count).toBe(1);
    const page = (await (await list(sim, acme.token)).json()) as Envelope;
    expect(page.items.map((i) => i.id).sort()).toEqual(acmeAlerts.map((a) => a.id).sort());
    expect((await list(sim, TOKEN)).status).toBe(200);
    expect((await list(sim, 'nobody-key')).status).toBe(401);

    expect([acme.requestCount, globex.requestCount]).toEqual([2, 1]);
    expect(acme.firstRequestAt).toBeGreaterThan(0);
    expect(sim.requests.map((r) => [r.tenant, r.status])).toEqual([
      ['acme', 429],
      ['globex', 200],
      ['acme', 200],
      ['default', 200],
      [undefined, 401],
    ]);
    expect(() => sim.addTenant('acme-key-0123456789')).toThrow(RangeError);
  });

  it('counts the requests in flight at once, each held for responseDelayMs', async () => {
    const sim = await start({ responseDelayMs: 200 });
    await Promise.all(Array.from({ length: 5 }, () => list(sim, TOKEN).then((r) => r.arrayBuffer())));
    expect(sim.peakConcurrentRequests).toBeGreaterThanOrEqual(2);
    expect(sim.peakConcurrentRequests).toBeLessThanOrEqual(5);
    expect(sim.concurrentRequests).toBe(0);
    sim.resetPeakConcurrency();
    expect(sim.peakConcurrentRequests).toBe(0);
  });
});
