import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../vision-one-simulator/manual-clock.js';
import { GraphSimulator } from './graph-simulator.js';
import { parseODataFilter } from './odata-filter.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
let sims: GraphSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.map((s) => s.stop()));
  sims = [];
});

const token = async (sim: GraphSimulator, secret: string) => {
  const response = await fetch(`${sim.baseUrl}/${sim.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: sim.clientId, client_secret: secret, scope: `${sim.baseUrl}/.default`, grant_type: 'client_credentials' }).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('GraphSimulator', () => {
  it('issues a token, pages filtered alerts over a snapshot, and expires the token on its clock', async () => {
    const clock = new ManualClock(NOW);
    const sim = await GraphSimulator.start({ clock, clientSecret: 's3cret', pageSize: 2, tokenLifetimeSeconds: 60 });
    sims.push(sim);
    sim.addAlerts(5);
    const { status, body } = await token(sim, 's3cret');
    expect([status, body.token_type, body.expires_in]).toEqual([200, 'Bearer', 60]);
    const headers = { authorization: `Bearer ${String(body.access_token)}` };
    const ids: string[] = [];
    let url: string | undefined = `${sim.baseUrl}/v1.0/security/alerts_v2?$filter=${encodeURIComponent("serviceSource eq 'microsoftDefenderForIdentity' and lastUpdateDateTime ge 2026-03-01T10:00:00.000Z")}`;
    while (url !== undefined) {
      const page = (await (await fetch(url, { headers })).json()) as { value: Array<{ id: string }>; '@odata.nextLink'?: string };
      ids.push(...page.value.map((a) => a.id));
      url = page['@odata.nextLink'];
    }
    expect(ids.sort()).toEqual(sim.alerts.map((a) => a.id).sort());
    clock.advance(60_000);
    const expired = await fetch(`${sim.baseUrl}/v1.0/security/alerts_v2`, { headers });
    expect([expired.status, ((await expired.json()) as { error: { code: string } }).error.code]).toEqual([401, 'InvalidAuthenticationToken']);
  });

  it('answers AADSTS7000215 to a wrong secret, and AADSTS7000222 once the secret expired', async () => {
    const sim = await GraphSimulator.start({ clientSecret: 's3cret' });
    sims.push(sim);
    expect((await token(sim, 'nope')).body.error_codes).toEqual([7000215]);
    sim.expireSecret();
    const { status, body } = await token(sim, 's3cret');
    expect([status, body.error, body.error_codes]).toEqual([401, 'invalid_client', [7000222]]);
    expect(JSON.stringify(sim.requests)).not.toContain('s3cret');
  });

  it('throttles beyond requestsPerMinute with Retry-After', async () => {
    const clock = new ManualClock(NOW);
    const sim = await GraphSimulator.start({ clock, clientSecret: 's', requestsPerMinute: 2 });
    sims.push(sim);
    const headers = { authorization: `Bearer ${String((await token(sim, 's')).body.access_token)}` };
    const statuses: Array<[number, string | null]> = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await fetch(`${sim.baseUrl}/v1.0/security/identities/healthIssues`, { headers });
      statuses.push([response.status, response.headers.get('retry-after')]);
    }
    expect(statuses).toEqual([[200, null], [200, null], [429, '60']]);
  });

  it('parses the OData filter subset and rejects a quoted DateTimeOffset', () => {
    expect(parseODataFilter("status eq 'open' and createdDateTime ge 2026-03-01T10:00:00.000Z").map((c) => [c.field, c.operator, c.value.kind])).toEqual([
      ['status', 'eq', 'string'],
      ['createdDateTime', 'ge', 'dateTime'],
    ]);
    expect(() => parseODataFilter('createdDateTime ge')).toThrow(/expected/);
  });
});
