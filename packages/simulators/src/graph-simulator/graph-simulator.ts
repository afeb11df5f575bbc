import { createHash, createPublicKey, randomBytes, verify, X509Certificate } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SeededRandom } from '../vision-one-simulator/seeded-random.js';
import { GraphItemGenerator, graphTime } from './graph-item-generator.js';
import type { GraphHealthIssue, GraphSecurityAlert } from './graph-items.js';
import { matchesODataFilter, ODataFilterSyntaxError, parseODataFilter, type ODataComparison } from './odata-filter.js';
import { misbehaviourApplies, withPoisonPlaceholder, writeMisbehaving, type Misbehaviour } from '../misbehaviour.js';
import { DemoFeed, LoopbackHttpServer, spreadTimes } from '../loopback-http-server.js';

export interface GraphSimulatorOptions {
  /** The directory (tenant) id the token endpoint answers for; default a fixed GUID. */
  readonly tenantId?: string;
  /** The application (client) id; default a fixed GUID. */
  readonly clientId?: string;
  /** The client secret accepted; default a random one (read it from `simulator.clientSecret`). */
  readonly clientSecret?: string;
  /** A PEM certificate whose key signs client assertions (FACTS §D.5); without it only secrets are accepted. */
  readonly certificate?: string;
  /** `expires_in` of issued tokens, in seconds (default 3599, as Entra ID). */
  readonly tokenLifetimeSeconds?: number;
  /** Graph requests allowed per 60 s, per app (FACTS §D.3: 150 for /security); beyond it, 429 + Retry-After. */
  readonly requestsPerMinute?: number;
  /** Server-side cap on items per page, whatever `$top` asks (default 100). */
  readonly pageSize?: number;
  readonly seed?: number;
  /** Share of generated alerts whose description carries a hostile string (default 0.25). */
  readonly hostileRatio?: number;
  /** The simulator's now: token expiry, the throttling window, generated times. Default the system time. */
  readonly clock?: { now(): number };
  readonly port?: number;
  /**
   * Every answer (token or Graph) waits this long before it is written (default 0): on loopback an instant answer
   * would hide how many requests a client keeps in flight (`peakConcurrentRequests`, issue #20).
   */
  readonly responseDelayMs?: number;
}

/**
 * Another tenant behind the same hosts (issue #20: a managed provider's connector reading many customers' tenants):
 * its own directory id, app registration, secret, alerts, health issues, throttling window and injected failures.
 * The simulator's own methods act on its default tenant (`tenantId`).
 */
export interface GraphTenantOptions {
  readonly tenantId: string;
  /** Default: the simulator's client id (one multitenant app consented in every tenant). */
  readonly clientId?: string;
  /** Default: a random one (read it from the tenant's `clientSecret`). */
  readonly clientSecret?: string;
}

export interface GraphTenant {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  addAlerts(count: number, spread?: { readonly from?: number; readonly to?: number }): GraphSecurityAlert[];
  addHealthIssues(count: number, spread?: { readonly from?: number; readonly to?: number }): GraphHealthIssue[];
  /** This tenant's next `count` Graph requests fail with `status` (a 429 with `Retry-After` when given); others are served. */
  failNext(count: number, status: GraphInjectedStatus, retryAfterSeconds?: number): void;
  /** Graph requests answered for this tenant (any status), token requests not counted. */
  readonly requestCount: number;
  /** Access tokens issued to this tenant. */
  readonly tokensIssued: number;
}

/** One Graph or token request as received; the bearer token, secret and assertion are never recorded. */
export interface GraphRecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Token requests: which client authentication was used. */
  readonly clientAuth?: 'secret' | 'assertion' | 'none';
  readonly status: number;
  readonly retryAfter?: string;
  /** The tenant it was for: the token URL's, or that of the bearer token's issue; absent when unknown. */
  readonly tenant?: string;
  /** When it arrived, on the simulator's clock (epoch ms): what its throttling window counts (issue #20). */
  readonly at: number;
}

/** What one tenant holds (issue #20). */
interface TenantData {
  readonly tenantId: string;
  readonly clientId: string;
  secret: string;
  secretExpired: boolean;
  readonly alerts: GraphSecurityAlert[];
  readonly health: GraphHealthIssue[];
  readonly injected: Array<{ status: GraphInjectedStatus; retryAfter: number | undefined }>;
  /** FACTS §D.3: the throttling window is per app per tenant. */
  readonly recent: number[];
  requests: number;
  issued: number;
}

const tenantData = (tenantId: string, clientId: string, secret: string): TenantData => ({
  tenantId,
  clientId,
  secret,
  secretExpired: false,
  alerts: [],
  health: [],
  injected: [],
  recent: [],
  requests: 0,
  issued: 0,
});

export type GraphInjectedStatus = 429 | 500 | 502 | 503 | 504;

const ALERTS_PATH = '/v1.0/security/alerts_v2';
const HEALTH_PATH = '/v1.0/security/identities/healthIssues';
const WINDOW_MS = 60_000;
/** FACTS §D.1: the properties alerts_v2 can filter on; §D.4 for health issues. */
const ALERT_FILTER_FIELDS = new Set(['assignedTo', 'classification', 'determination', 'createdDateTime', 'lastUpdateDateTime', 'severity', 'serviceSource', 'status']);
const HEALTH_FILTER_FIELDS = new Set(['status', 'healthIssueType', 'severity', 'createdDateTime', 'lastModifiedDateTime', 'displayName', 'issueTypeId']);
const LIST_PARAMS = new Set(['$filter', '$top', '$skip', '$count', '$skiptoken']);

interface Snapshot {
  readonly items: readonly object[];
  readonly count: boolean;
  /** The time window of the first request's $filter (ge/gt … lt/le on a date), open ends as ±Infinity. */
  readonly window: readonly [number, number];
}

/**
 * Microsoft Graph and the Entra ID token endpoint as a Defender for Identity connector uses them (FACTS §D), on one
 * `node:http` server on 127.0.0.1 that plays both the authority host and the Graph host:
 *
 * - `POST /{tenant}/oauth2/v2.0/token`: client credentials with a client secret or a certificate-signed JWT
 *   assertion (RS256, `x5t` = SHA-1 thumbprint, `aud` = the token URL); Entra's error shape with AADSTS codes for an
 *   unknown tenant (90002) or client (700016), a wrong (7000215) or expired (7000222) secret, a bad assertion (700027).
 * - `GET /v1.0/security/alerts_v2` and `GET /v1.0/security/identities/healthIssues`: `$filter` (comparisons joined
 *   by `and`, bare DateTimeOffsets), `$top`, `$count`, `@odata.nextLink` paging over a snapshot taken at the first
 *   page; bearer tokens that expire on the simulator's clock (401 `InvalidAuthenticationToken`).
 * - Throttling: more than `requestsPerMinute` Graph requests of one tenant within 60 s get 429 with `Retry-After`
 *   (FACTS §D.3: per app per tenant), and `failNext` injects 429/5xx.
 * - Many tenants (issue #20): `addTenant` adds another directory with its own app, secret, items and throttling;
 *   a token is good only for the tenant it was issued in. `peakConcurrentRequests` counts what a client keeps in
 *   flight at this host.
 */
export class GraphSimulator {
  /** The authority host and the Graph host, both this server: `http://127.0.0.1:<port>`. */
  readonly baseUrl: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly requests: GraphRecordedRequest[] = [];
  /** The default tenant (`tenantId`): what the simulator's own methods act on. */
  readonly #default: TenantData;
  readonly #tenants = new Map<string, TenantData>();

  readonly #server: LoopbackHttpServer;
  readonly #clock: { now(): number };
  readonly #generator: GraphItemGenerator;
  readonly #random: SeededRandom;
  readonly #tokenLifetime: number;
  readonly #perMinute: number;
  readonly #pageSize: number;
  readonly #certificate: X509Certificate | undefined;
  /** Every issued access token: when it expires and the tenant it is good for. */
  readonly #tokens = new Map<string, { readonly expiry: number; readonly tenant: TenantData }>();
  readonly #injected: Array<{ status: GraphInjectedStatus; retryAfter: number | undefined }> = [];
  readonly #snapshots = new Map<string, Snapshot>();
  readonly #demoFeed = new DemoFeed();
  #misbehaviour: Misbehaviour | undefined;

  private constructor(server: LoopbackHttpServer, options: GraphSimulatorOptions) {
    this.#server = server;
    this.baseUrl = server.baseUrl;
    this.tenantId = options.tenantId ?? '4b2462a4-bbee-495a-a0e1-f23ae524cc9c';
    this.clientId = options.clientId ?? '0f3e7a51-5c1d-4f2b-9d8e-6a7b8c9d0e1f';
    this.#default = tenantData(this.tenantId, this.clientId, options.clientSecret ?? randomSecret());
    this.#tenants.set(this.tenantId, this.#default);
    this.#clock = options.clock ?? { now: () => Date.now() };
    this.#random = new SeededRandom(options.seed ?? 1);
    this.#generator = new GraphItemGenerator(this.#random, options.hostileRatio ?? 0.25);
    this.#tokenLifetime = options.tokenLifetimeSeconds ?? 3599;
    this.#perMinute = options.requestsPerMinute ?? 150;
    this.#pageSize = options.pageSize ?? 100;
    this.#certificate = options.certificate === undefined ? undefined : new X509Certificate(options.certificate);
  }

  static async start(options: GraphSimulatorOptions = {}): Promise<GraphSimulator> {
    const server = await LoopbackHttpServer.listen(options.port);
    const simulator = new GraphSimulator(server, options);
    server.serve((req, res) => void simulator.#handle(req, res), options.responseDelayMs ?? 0);
    return simulator;
  }

  /** The secret the token endpoint accepts now. */
  get clientSecret(): string {
    return this.#default.secret;
  }

  /** Access tokens issued so far, to every tenant. */
  get tokensIssued(): number {
    let issued = 0;
    for (const tenant of this.#tenants.values()) issued += tenant.issued;
    return issued;
  }

  get alerts(): readonly GraphSecurityAlert[] {
    return [...this.#default.alerts];
  }

  get healthIssues(): readonly GraphHealthIssue[] {
    return [...this.#default.health];
  }

  /** The most requests (token and Graph) this host had in flight at one moment since it started (issue #20). */
  get peakConcurrentRequests(): number {
    return this.#server.peakConcurrentRequests;
  }

  /** Adds a tenant behind the same hosts, with its own app registration, secret, items and throttling (issue #20). */
  addTenant(options: GraphTenantOptions): GraphTenant {
    if (this.#tenants.has(options.tenantId)) throw new RangeError(`A tenant ${options.tenantId} exists already`);
    const data = tenantData(options.tenantId, options.clientId ?? this.clientId, options.clientSecret ?? randomSecret());
    this.#tenants.set(options.tenantId, data);
    const generator = this.#generator;
    const times = (count: number, spread: { readonly from?: number; readonly to?: number }) => this.#times(count, spread);
    return {
      tenantId: data.tenantId,
      clientId: data.clientId,
      get clientSecret() {
        return data.secret;
      },
      addAlerts: (count, spread = {}) => {
        const added = times(count, spread).map((t) => generator.alert(t));
        data.alerts.push(...added);
        return added;
      },
      addHealthIssues: (count, spread = {}) => {
        const added = times(count, spread).map((t) => generator.healthIssue(t));
        data.health.push(...added);
        return added;
      },
      failNext: (count, status, retryAfterSeconds) => {
        for (let i = 0; i < count; i += 1) data.injected.push({ status, retryAfter: retryAfterSeconds });
      },
      get requestCount() {
        return data.requests;
      },
      get tokensIssued() {
        return data.issued;
      },
    };
  }

  /** Adds generated MDI alerts created evenly over [from, to] (default: the last hour up to 5 minutes ago), or given ones. */
  addAlerts(count: number, spread?: { readonly from?: number; readonly to?: number }): GraphSecurityAlert[];
  addAlerts(alerts: readonly GraphSecurityAlert[]): GraphSecurityAlert[];
  addAlerts(input: number | readonly GraphSecurityAlert[], spread: { readonly from?: number; readonly to?: number } = {}): GraphSecurityAlert[] {
    const added = typeof input === 'number' ? this.#times(input, spread).map((t) => this.#generator.alert(t)) : [...input];
    this.#default.alerts.push(...added);
    return added;
  }

  /** Updates alerts at `at` (default now): `lastUpdateDateTime` moves, status becomes inProgress (or `changes`). */
  updateAlerts(ids: readonly string[], at: number = this.#clock.now(), changes: Partial<GraphSecurityAlert> = {}): void {
    for (const id of ids) {
      const index = this.#default.alerts.findIndex((a) => a.id === id);
      const alert = this.#default.alerts[index];
      if (alert === undefined) throw new RangeError(`No alert with id ${id}`);
      this.#default.alerts[index] = { ...alert, status: 'inProgress', ...changes, lastUpdateDateTime: graphTime(at) };
    }
  }

  /** Opens generated health issues created evenly over [from, to], or adds given ones. */
  addHealthIssues(count: number, spread?: { readonly from?: number; readonly to?: number }): GraphHealthIssue[];
  addHealthIssues(issues: readonly GraphHealthIssue[]): GraphHealthIssue[];
  addHealthIssues(input: number | readonly GraphHealthIssue[], spread: { readonly from?: number; readonly to?: number } = {}): GraphHealthIssue[] {
    const added = typeof input === 'number' ? this.#times(input, spread).map((t) => this.#generator.healthIssue(t)) : [...input];
    this.#default.health.push(...added);
    return added;
  }

  /** Closes a health issue at `at` (default now). */
  closeHealthIssue(id: string, at: number = this.#clock.now()): void {
    const index = this.#default.health.findIndex((h) => h.id === id);
    const issue = this.#default.health[index];
    if (issue === undefined) throw new RangeError(`No health issue with id ${id}`);
    this.#default.health[index] = { ...issue, status: 'closed', lastModifiedDateTime: graphTime(at) };
  }

  /** Replaces the accepted secret (a rotation); tokens already issued stay valid until they expire. */
  rotateSecret(secret: string): void {
    this.#default.secret = secret;
    this.#default.secretExpired = false;
  }

  /** From now on the token endpoint answers AADSTS7000222 (the secret has expired) to secret logins. */
  expireSecret(): void {
    this.#default.secretExpired = true;
  }

  /** Every issued access token stops working at once (as after a revocation). */
  revokeTokens(): void {
    this.#tokens.clear();
  }

  /**
   * From now on, list answers misbehave as given (endless nextLinks, a giant page, a slow body, a poison item),
   * those whose $filter window contains `misbehaviour.at` or all; `undefined` ends it (issue #16).
   */
  misbehave(misbehaviour: Misbehaviour | undefined): void {
    this.#misbehaviour = misbehaviour;
  }

  /** The next `count` Graph requests, of any tenant, fail with `status`; a 429 carries `Retry-After: retryAfterSeconds` when given. */
  failNext(count: number, status: GraphInjectedStatus, retryAfterSeconds?: number): void {
    for (let i = 0; i < count; i += 1) this.#injected.push({ status, retryAfter: retryAfterSeconds });
  }

  /** One new alert now; every second tick also updates an earlier alert, every fifth opens a health issue. */
  tick(): { readonly created: GraphSecurityAlert; readonly updated?: string; readonly healthIssue?: GraphHealthIssue } {
    const now = this.#clock.now();
    const earlier = this.#default.alerts.filter((a) => a.status !== 'resolved');
    const [created] = this.addAlerts(1, { from: now, to: now });
    const result: { created: GraphSecurityAlert; updated?: string; healthIssue?: GraphHealthIssue } = { created: created as GraphSecurityAlert };
    const ticks = this.#default.alerts.length;
    if (ticks % 2 === 0 && earlier.length > 0) {
      const target = this.#random.pick(earlier);
      this.updateAlerts([target.id], now);
      result.updated = target.id;
    }
    if (ticks % 5 === 0) {
      const [issue] = this.addHealthIssues(1, { from: now, to: now });
      if (issue !== undefined) result.healthIssue = issue;
    }
    return result;
  }

  startDemoFeed(intervalMs: number): void {
    this.#demoFeed.start(intervalMs, () => this.tick());
  }

  stopDemoFeed(): void {
    this.#demoFeed.stop();
  }

  async stop(): Promise<void> {
    this.stopDemoFeed();
    await this.#server.close();
  }

  #times(count: number, spread: { readonly from?: number; readonly to?: number }): number[] {
    return spreadTimes(count, spread, this.#clock.now());
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const query = Object.fromEntries(url.searchParams);
    const at = this.#clock.now();
    let tenant: TenantData | undefined;
    const send = (status: number, body: object, headers: Record<string, string> = {}, extra: Partial<GraphRecordedRequest> = {}): void => {
      this.requests.push({ method: req.method ?? '', path: url.pathname, query, status, ...(tenant === undefined ? {} : { tenant: tenant.tenantId }), at, ...extra });
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
      res.end(text);
    };
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (token !== null) {
      const body = await readBody(req);
      tenant = this.#tenants.get(decodeURIComponent(token[1] ?? ''));
      this.#token(req, url, tenant, new URLSearchParams(body), send);
      return;
    }
    const graphError = (status: number, code: string, message: string, headers: Record<string, string> = {}): void =>
      send(status, { error: { code, message, innerError: { date: new Date(this.#clock.now()).toISOString(), 'request-id': randomId(), 'client-request-id': randomId() } } }, headers, headers['retry-after'] === undefined ? {} : { retryAfter: headers['retry-after'] });

    const auth = req.headers.authorization ?? '';
    const bearer = auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
    const issued = bearer === undefined ? undefined : this.#tokens.get(bearer);
    // A request without a known token is throttled, as before, in the default tenant's window.
    tenant = issued?.tenant;
    const window = tenant ?? this.#default;
    if (tenant !== undefined) tenant.requests += 1;
    // FACTS §D.3: 150 requests per minute per app per tenant, counted over a sliding minute here.
    const now = this.#clock.now();
    while (window.recent.length > 0 && (window.recent[0] ?? 0) <= now - WINDOW_MS) window.recent.shift();
    const injected = this.#injected.shift() ?? tenant?.injected.shift();
    if (injected !== undefined) {
      const headers: Record<string, string> = injected.retryAfter === undefined ? {} : { 'retry-after': String(injected.retryAfter) };
      graphError(injected.status, injected.status === 429 ? 'TooManyRequests' : 'ServiceUnavailable', injected.status === 429 ? 'Too many requests.' : 'The service is temporarily unavailable.', headers);
      return;
    }
    if (window.recent.length >= this.#perMinute) {
      const wait = Math.max(1, Math.ceil(((window.recent[0] ?? now) + WINDOW_MS - now) / 1000));
      graphError(429, 'TooManyRequests', 'Too many requests.', { 'retry-after': String(wait) });
      return;
    }
    window.recent.push(now);

    const expiry = issued?.expiry;
    if (tenant === undefined || expiry === undefined) {
      graphError(401, 'InvalidAuthenticationToken', bearer === undefined ? 'Access token is empty.' : 'Access token validation failure. Invalid audience.');
      return;
    }
    if (expiry <= now) {
      graphError(401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.');
      return;
    }
    if (req.method !== 'GET') {
      graphError(405, 'Request_BadRequest', `${req.method ?? ''} is not supported on ${url.pathname}`);
      return;
    }
    const list = url.pathname === ALERTS_PATH ? tenant.alerts : url.pathname === HEALTH_PATH ? tenant.health : undefined;
    if (list === undefined) {
      graphError(404, 'UnknownError', `Resource not found for the segment '${url.pathname.split('/').at(-1) ?? ''}'.`);
      return;
    }
    const unknown = [...url.searchParams.keys()].filter((key) => !LIST_PARAMS.has(key));
    if (unknown.length > 0) {
      graphError(400, 'BadRequest', `Query option '${unknown[0] ?? ''}' is not allowed.`);
      return;
    }
    const top = url.searchParams.get('$top');
    if (top !== null && !(/^\d+$/.test(top) && Number(top) >= 1 && Number(top) <= 2000)) {
      graphError(400, 'BadRequest', `Invalid $top value '${top}'.`);
      return;
    }
    const size = Math.min(top === null ? this.#pageSize : Number(top), this.#pageSize);
    const skipToken = url.searchParams.get('$skiptoken');
    let snapshotId: string;
    let offset: number;
    if (skipToken !== null) {
      const [id = '', at = ''] = skipToken.split('.');
      if (!this.#snapshots.has(id) || !/^\d+$/.test(at)) {
        graphError(400, 'BadRequest', 'The $skiptoken is invalid or expired.');
        return;
      }
      snapshotId = id;
      offset = Number(at);
    } else {
      let comparisons: ODataComparison[] = [];
      const filter = url.searchParams.get('$filter');
      if (filter !== null) {
        try {
          comparisons = parseODataFilter(filter);
        } catch (error) {
          if (!(error instanceof ODataFilterSyntaxError)) throw error;
          graphError(400, 'BadRequest', `Invalid filter clause: ${error.message}`);
          return;
        }
        const allowed = list === tenant.alerts ? ALERT_FILTER_FIELDS : HEALTH_FILTER_FIELDS;
        const bad = comparisons.find((c) => !allowed.has(c.field));
        if (bad !== undefined) {
          graphError(400, 'BadRequest', `Invalid filter clause: the property '${bad.field}' cannot be filtered on.`);
          return;
        }
      }
      const skip = Number(url.searchParams.get('$skip') ?? '0');
      const matching = (list as readonly object[]).filter((item) => matchesODataFilter(comparisons, item as Record<string, unknown>));
      snapshotId = randomBytes(6).toString('hex');
      // Newest first, as the portal lists them; a client must not rely on any order.
      const dates = comparisons.filter((c) => c.value.kind === 'dateTime');
      const edge = (ops: readonly string[], fallback: number): number => {
        const found = dates.find((c) => ops.includes(c.operator));
        return found !== undefined && found.value.kind === 'dateTime' ? found.value.ms : fallback;
      };
      this.#snapshots.set(snapshotId, {
        items: matching.reverse(),
        count: url.searchParams.get('$count') === 'true',
        window: [edge(['ge', 'gt'], Number.NEGATIVE_INFINITY), edge(['lt', 'le'], Number.POSITIVE_INFINITY)],
      });
      offset = Number.isInteger(skip) && skip > 0 ? skip : 0;
    }
    const snapshot = this.#snapshots.get(snapshotId) as Snapshot;
    const misbehaviour =
      this.#misbehaviour !== undefined && misbehaviourApplies(this.#misbehaviour, snapshot.window[0], snapshot.window[1]) ? this.#misbehaviour : undefined;
    const real = snapshot.items.slice(offset, offset + size);
    const value = misbehaviour?.kind === 'poison-item' && offset === 0 ? withPoisonPlaceholder(real) : real;
    const body: Record<string, unknown> = { '@odata.context': `${this.baseUrl}/v1.0/$metadata#${url.pathname.split('/').slice(2).join('/')}` };
    if (snapshot.count) body['@odata.count'] = snapshot.items.length;
    body.value = value;
    if (misbehaviour !== undefined) {
      if (misbehaviour.kind === 'endless-pages' || offset + size < snapshot.items.length) {
        const next = new URL(url.pathname, this.baseUrl);
        if (top !== null) next.searchParams.set('$top', top);
        next.searchParams.set('$skiptoken', `${snapshotId}.${offset + size}`);
        body['@odata.nextLink'] = next.href;
      }
      this.requests.push({ method: req.method ?? '', path: url.pathname, query, status: 200, tenant: tenant.tenantId, at });
      writeMisbehaving(res, body, misbehaviour);
      return;
    }
    if (offset + size < snapshot.items.length) {
      const next = new URL(url.pathname, this.baseUrl);
      if (top !== null) next.searchParams.set('$top', top);
      next.searchParams.set('$skiptoken', `${snapshotId}.${offset + size}`);
      body['@odata.nextLink'] = next.href;
    } else {
      this.#snapshots.delete(snapshotId);
    }
    send(200, body);
  }

  #token(
    req: IncomingMessage,
    url: URL,
    tenant: TenantData | undefined,
    form: URLSearchParams,
    send: (status: number, body: object, headers?: Record<string, string>, extra?: Partial<GraphRecordedRequest>) => void,
  ): void {
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    const clientAuth = secret !== null ? 'secret' : assertion !== null ? 'assertion' : 'none';
    const fail = (status: number, error: string, code: number, description: string): void => {
      const now = new Date(this.#clock.now()).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
      const trace = randomId();
      send(
        status,
        {
          error,
          error_description: `AADSTS${code}: ${description} Trace ID: ${trace} Correlation ID: ${randomId()} Timestamp: ${now}`,
          error_codes: [code],
          timestamp: now,
          trace_id: trace,
          correlation_id: randomId(),
        },
        {},
        { clientAuth },
      );
    };
    if (req.method !== 'POST') return fail(400, 'invalid_request', 900561, 'The endpoint only accepts POST requests.');
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return fail(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
    }
    if (tenant === undefined) return fail(400, 'invalid_request', 90002, `Tenant '${decodeURIComponent(url.pathname.split('/')[1] ?? '')}' not found.`);
    if (form.get('grant_type') !== 'client_credentials') return fail(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    const scope = form.get('scope');
    if (scope !== `${this.baseUrl}/.default` && scope !== 'https://graph.microsoft.com/.default') {
      return fail(400, 'invalid_scope', 1002012, `The provided value for scope ${scope ?? ''} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.`);
    }
    const clientId = form.get('client_id');
    if (clientId !== tenant.clientId) {
      return fail(400, 'unauthorized_client', 700016, `Application with identifier '${clientId ?? ''}' was not found in the directory '${tenant.tenantId}'.`);
    }
    if (secret !== null) {
      if (secret !== tenant.secret) return fail(401, 'invalid_client', 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '" + tenant.clientId + "'.");
      if (tenant.secretExpired) return fail(401, 'invalid_client', 7000222, `The provided client secret keys for app '${tenant.clientId}' are expired. Visit the Azure portal to create new keys for your app.`);
    } else if (assertion !== null) {
      if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
        return fail(400, 'invalid_request', 700024, 'Client assertion type is not jwt-bearer.');
      }
      const problem = this.#assertionProblem(assertion, `${this.baseUrl}${url.pathname}`, tenant.clientId);
      if (problem !== undefined) return fail(401, 'invalid_client', 700027, `Client assertion failed signature validation. ${problem}`);
    } else {
      return fail(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    }
    const accessToken = `eyJ0eXAiOiJKV1QifQ.sim.${randomBytes(24).toString('base64url')}`;
    this.#tokens.set(accessToken, { expiry: this.#clock.now() + this.#tokenLifetime * 1000, tenant });
    tenant.issued += 1;
    send(200, { token_type: 'Bearer', expires_in: this.#tokenLifetime, ext_expires_in: this.#tokenLifetime, access_token: accessToken }, {}, { clientAuth });
  }

  /** RFC 7523 §3 and Entra's certificate credentials: RS256, x5t, aud = token URL, iss = sub = client id, live exp/nbf. */
  #assertionProblem(jwt: string, audience: string, clientId: string): string | undefined {
    if (this.#certificate === undefined) return 'No certificate is registered for the app.';
    const parts = jwt.split('.');
    if (parts.length !== 3) return 'The assertion is not a JWS.';
    const [h = '', p = '', s = ''] = parts;
    let header: Record<string, unknown>;
    let payload: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>;
      payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return 'The assertion is not valid JSON.';
    }
    if (header.alg !== 'RS256') return `Unsupported alg ${String(header.alg)}.`;
    const thumbprint = createHash('sha1').update(this.#certificate.raw).digest('base64url');
    if (header.x5t !== thumbprint) return 'Key was not found (x5t does not match the registered certificate).';
    const ok = verify('sha256', Buffer.from(`${h}.${p}`), createPublicKey(this.#certificate.publicKey.export({ type: 'spki', format: 'pem' })), Buffer.from(s, 'base64url'));
    if (!ok) return 'Signature is invalid.';
    const now = Math.floor(this.#clock.now() / 1000);
    if (payload.aud !== audience) return `Invalid audience ${String(payload.aud)}.`;
    if (payload.iss !== clientId || payload.sub !== clientId) return 'Invalid issuer or subject.';
    if (typeof payload.exp !== 'number' || payload.exp <= now) return 'The assertion has expired.';
    if (typeof payload.nbf === 'number' && payload.nbf > now + 300) return 'The assertion is not yet valid.';
    if (typeof payload.jti !== 'string' || payload.jti === '') return 'The assertion has no jti.';
    return undefined;
  }
}

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const randomSecret = (): string => `sim~${randomBytes(18).toString('base64url')}`;

const randomId = (): string => {
  const hex = randomBytes(16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
