import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { JsonValue } from '@syslog-connector/core';
import { SeededRandom } from './seeded-random.js';
import { matchesTmv1Filter, parseTmv1Filter, Tmv1FilterSyntaxError, tmv1FilterFields, type Tmv1FilterExpression } from './tmv1-filter.js';
import { isoSeconds, VisionOneItemGenerator } from './vision-one-item-generator.js';
import type { AuditLog, OatDetection, WorkbenchAlert } from './vision-one-items.js';
import { DemoFeed, LoopbackHttpServer, spreadTimes } from '../loopback-http-server.js';
import { misbehaviourApplies, withPoisonPlaceholder, writeMisbehaving, type Misbehaviour } from '../misbehaviour.js';

export interface VisionOneSimulatorOptions {
  /** The API key the simulator accepts (`Authorization: Bearer <token>`); default: a random one. */
  readonly token?: string;
  /** Default 0: an ephemeral port on 127.0.0.1. */
  readonly port?: number;
  /** Server-side cap on items per page, whatever `top` asks for (default 200): small values force many pages. */
  readonly pageSize?: number;
  /** Seed of the item generator (default 1): the same seed and calls give the same items. */
  readonly seed?: number;
  /** Share of generated items that carry a hostile string (pipes, CR/LF, NUL, emoji, 5 kB…); default 0.25. */
  readonly hostileRatio?: number;
  /** The simulator's notion of now (default windows, generated times); default the system time. */
  readonly clock?: { now(): number };
  /** Writes nextLinks with this origin instead of its own: a misbehaving API, to test that clients refuse it. */
  readonly nextLinkOrigin?: string;
  /**
   * Every answer waits this long before it is written (default 0): a real API takes tens to hundreds of ms, and on
   * loopback an instant answer would hide how many requests a client keeps in flight (`peakConcurrentRequests`).
   */
  readonly responseDelayMs?: number;
  /** Keep every request in `requests` (default true); a benchmark of thousands of sources turns it off. */
  readonly recordRequests?: boolean;
}

/**
 * One tenant of a multi-tenant simulator (issue #20): its own API key, items and injected failures, as one customer's
 * Vision One account behind the shared API host. The simulator's own methods act on its default tenant (`token`).
 */
export interface VisionOneTenant {
  readonly name: string;
  readonly token: string;
  addWorkbenchAlerts(count: number, spread?: TimeSpread): WorkbenchAlert[];
  addOatDetections(count: number, spread?: OatTimeSpread): OatDetection[];
  addAuditLogs(count: number, spread?: AuditTimeSpread): AuditLog[];
  /** This tenant's next `count` requests fail with `status` (a 429 with `Retry-After` when given); others are served. */
  failNext(count: number, status: InjectedFailureStatus, retryAfter?: number | Date): void;
  /** Requests answered for this tenant (any status) and when its first one arrived (epoch ms; undefined before). */
  readonly requestCount: number;
  readonly firstRequestAt: number | undefined;
}

/** One request as the simulator received it, with the API key redacted. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  /** Decoded query parameters (the last value wins). */
  readonly query: Readonly<Record<string, string>>;
  /** The query string exactly as it arrived on the wire. */
  readonly rawQuery: string;
  /** Lower-case header names; `authorization` is `Bearer [REDACTED]` (or absent), never the key. */
  readonly headers: Readonly<Record<string, string>>;
  /** The status answered; 0 for a request stalled by `stallNext`. */
  readonly status: number;
  /** Node's HTTP parser error code when the request line could not be parsed (e.g. a raw space in the URL). */
  readonly parseError?: string;
  /** The tenant whose API key it carried (`addTenant`); absent for an unknown key or an unparsed request. */
  readonly tenant?: string;
  /** When it arrived, epoch ms of the system clock. */
  readonly at?: number;
}

export type InjectedFailureStatus = 401 | 403 | 429 | 500 | 502 | 503 | 504;

/** How generated items are spread in time: evenly from `from` to `to` (epoch ms, whole seconds on the wire). */
export interface TimeSpread {
  readonly from?: number;
  readonly to?: number;
}

export interface OatTimeSpread extends TimeSpread {
  /** ingestedDateTime = detectedDateTime + this (default 30 s). */
  readonly ingestDelayMs?: number;
}

export interface AuditTimeSpread extends TimeSpread {
  /** ingestedDateTime = loggedDateTime + this; default a seeded 1–30 s. A large value makes a late log. */
  readonly ingestDelayMs?: number;
}

type Injected = { readonly kind: 'fail'; readonly status: InjectedFailureStatus; readonly retryAfter?: number | Date } | { readonly kind: 'stall' };

/** What one tenant holds: its items and the failures injected for its requests. */
interface TenantData {
  readonly name: string;
  readonly token: string;
  readonly workbench: JsonValue[];
  readonly oat: JsonValue[];
  readonly audit: JsonValue[];
  readonly injected: Injected[];
  requests: number;
  firstRequestAt: number | undefined;
}

const tenantData = (name: string, token: string): TenantData => ({
  name,
  token,
  workbench: [],
  oat: [],
  audit: [],
  injected: [],
  requests: 0,
  firstRequestAt: undefined,
});

const injection = (status: InjectedFailureStatus, retryAfter: number | Date | undefined): Injected =>
  retryAfter === undefined ? { kind: 'fail', status } : { kind: 'fail', status, retryAfter };

interface Endpoint {
  readonly params: ReadonlySet<string>;
  readonly filterFields: Readonly<Record<string, (item: JsonValue) => readonly string[]>>;
  /** FACTS §B.4: header length limits (workbench 5000, OAT 4000; audit undocumented, 5000 assumed). */
  readonly filterMaxLength: number;
  readonly items: (tenant: TenantData) => readonly JsonValue[];
  /** Selects and orders the items for the query, or returns an error message for a 400. */
  readonly select: (params: URLSearchParams, items: readonly JsonValue[]) => JsonValue[] | string;
  /** Validates `top` and returns it, or an error message. */
  readonly top: (value: string | null) => number | string;
}

const WORKBENCH_PATH = '/v3.0/workbench/alerts';
const OAT_PATH = '/v3.0/oat/detections';
const AUDIT_PATH = '/v3.0/audit/logs';
const DAY_MS = 86_400_000;
/** FACTS §B.5: `yyyy-MM-ddThh:mm:ssZ`, no milliseconds. The simulator is strict so clients get the format right. */
const API_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const DOCUMENTED_TOPS = new Set([50, 100, 200]);

const field = (item: JsonValue, path: string): readonly string[] => {
  let values: JsonValue[] = [item];
  for (const key of path.split('.')) {
    const next: JsonValue[] = [];
    for (const value of values) {
      if (Array.isArray(value)) {
        for (const element of value as JsonValue[]) {
          if (element !== null && typeof element === 'object' && !Array.isArray(element)) {
            const child = (element as Record<string, JsonValue>)[key];
            if (child !== undefined) next.push(child);
          }
        }
      } else if (value !== null && typeof value === 'object') {
        const child = (value as Record<string, JsonValue>)[key];
        if (child !== undefined) next.push(child);
      }
    }
    values = next;
  }
  return values.flatMap((v) => (Array.isArray(v) ? (v as JsonValue[]) : [v])).filter((v): v is string => typeof v === 'string');
};

const timeOf = (item: JsonValue, key: string): number => {
  const value = field(item, key)[0];
  return value === undefined ? Number.NaN : Date.parse(value);
};

const fields = (names: readonly string[], paths: Readonly<Record<string, string>> = {}) =>
  Object.fromEntries(names.map((name) => [name, (item: JsonValue) => field(item, paths[name] ?? name)]));

/**
 * The Trend Vision One API v3.0, as far as the connector uses it (FACTS §B.1–§B.7), on a real `node:http` server
 * bound to 127.0.0.1: the workbench alerts, OAT detections and audit logs list endpoints with their date windows,
 * `top`, `orderBy`, the `TMV1-Filter` header, the `{ totalCount, count, items, nextLink }` envelope, bearer auth,
 * and injected 401/429/5xx failures and stalls.
 *
 * Deliberate strictness, so clients fail here rather than in production:
 * - `nextLink` carries LITERAL spaces in its query (FACTS §B.2, as the real API sometimes does); a client that
 *   sends them raw gets Node's own 400 (the HTTP parser rejects a space in the request target).
 * - A `nextLink` request must carry the same `TMV1-Filter` as the first page (FACTS §B.2), else 400.
 * - Dates must be `yyyy-MM-ddThh:mm:ssZ`; unknown query parameters are a 400.
 * Error bodies follow Trend's shape `{ "error": { "code", "message" } }` (PYTMV1 `core.py` `_validate`); the codes
 * themselves are the simulator's own.
 */
export class VisionOneSimulator {
  readonly baseUrl: string;
  readonly token: string;
  readonly requests: RecordedRequest[] = [];

  readonly #server: LoopbackHttpServer;
  readonly #pageSize: number;
  readonly #nextLinkOrigin: string;
  readonly #clock: { now(): number };
  readonly #generator: VisionOneItemGenerator;
  /** The default tenant (`token`): what the simulator's own add/fail methods act on. */
  readonly #default: TenantData;
  readonly #workbench: JsonValue[];
  readonly #oat: JsonValue[];
  readonly #audit: JsonValue[];
  /** Failures for the next requests of any tenant, before the API key is looked at. */
  readonly #injected: Injected[] = [];
  /** Every tenant by its API key. */
  readonly #tenants = new Map<string, TenantData>();
  readonly #endpoints: ReadonlyMap<string, Endpoint>;
  readonly #demoFeed = new DemoFeed();
  readonly #record: boolean;
  #misbehaviour: Misbehaviour | undefined;

  private constructor(server: LoopbackHttpServer, options: VisionOneSimulatorOptions, token: string) {
    this.#server = server;
    this.token = token;
    this.#default = tenantData('default', token);
    this.#tenants.set(token, this.#default);
    ({ workbench: this.#workbench, oat: this.#oat, audit: this.#audit } = this.#default);
    this.#record = options.recordRequests ?? true;
    this.#pageSize = options.pageSize ?? 200;
    this.#clock = options.clock ?? { now: () => Date.now() };
    this.#generator = new VisionOneItemGenerator(new SeededRandom(options.seed ?? 1), options.hostileRatio ?? 0.25);
    this.baseUrl = server.baseUrl;
    this.#nextLinkOrigin = options.nextLinkOrigin ?? this.baseUrl;
    this.#endpoints = this.#defineEndpoints();
  }

  static async start(options: VisionOneSimulatorOptions = {}): Promise<VisionOneSimulator> {
    const server = await LoopbackHttpServer.listen(options.port);
    const simulator = new VisionOneSimulator(server, options, options.token ?? `sim-${randomBytes(16).toString('hex')}`);
    server.serve((req, res) => simulator.#handle(req, res), options.responseDelayMs ?? 0);
    server.server.on('clientError', (error: NodeJS.ErrnoException, socket) => simulator.#clientError(error, socket));
    return simulator;
  }

  /** Adds generated alerts (spread evenly over `spread`, default the last hour up to 5 minutes ago) or given items. */
  addWorkbenchAlerts(count: number, spread?: TimeSpread): WorkbenchAlert[];
  addWorkbenchAlerts(alerts: readonly JsonValue[]): JsonValue[];
  addWorkbenchAlerts(input: number | readonly JsonValue[], spread: TimeSpread = {}): JsonValue[] {
    const added = typeof input === 'number' ? this.#times(input, spread).map((t) => this.#generator.workbenchAlert(t)) : [...input];
    this.#workbench.push(...added);
    return added;
  }

  /** Marks alerts as updated at `at` (default now): `updatedDateTime` moves, `status` becomes `In Progress`. */
  updateWorkbenchAlerts(ids: readonly string[], at: number = this.#clock.now()): void {
    for (const id of ids) {
      const index = this.#workbench.findIndex((item) => field(item, 'id')[0] === id);
      const alert = this.#workbench[index];
      if (alert === undefined || alert === null || typeof alert !== 'object' || Array.isArray(alert)) {
        throw new RangeError(`No workbench alert with id ${id}`);
      }
      this.#workbench[index] = { ...alert, status: 'In Progress', updatedDateTime: isoSeconds(at) };
    }
  }

  addOatDetections(count: number, spread?: OatTimeSpread): OatDetection[];
  addOatDetections(detections: readonly JsonValue[]): JsonValue[];
  addOatDetections(input: number | readonly JsonValue[], spread: OatTimeSpread = {}): JsonValue[] {
    const delay = spread.ingestDelayMs ?? 30_000;
    const added =
      typeof input === 'number' ? this.#times(input, spread).map((t) => this.#generator.oatDetection(t, t + delay)) : [...input];
    this.#oat.push(...added);
    return added;
  }

  /** Adds generated audit logs (spread like alerts; `ingestDelayMs` default a seeded 1–30 s) or given items. */
  addAuditLogs(count: number, spread?: AuditTimeSpread): AuditLog[];
  addAuditLogs(logs: readonly JsonValue[]): JsonValue[];
  addAuditLogs(input: number | readonly JsonValue[], spread: AuditTimeSpread = {}): JsonValue[] {
    const added =
      typeof input === 'number' ? this.#times(input, spread).map((t) => this.#generator.auditLog(t, spread.ingestDelayMs)) : [...input];
    this.#audit.push(...added);
    return added;
  }

  get workbenchAlerts(): readonly JsonValue[] {
    return [...this.#workbench];
  }

  get oatDetections(): readonly JsonValue[] {
    return [...this.#oat];
  }

  get auditLogs(): readonly JsonValue[] {
    return [...this.#audit];
  }

  /**
   * The next `count` requests (any endpoint, before the auth check) fail with `status`. A 429 carries
   * `Retry-After` when `retryAfter` is given: seconds as a number, or an HTTP-date for a `Date`.
   */
  failNext(count: number, status: InjectedFailureStatus, retryAfter?: number | Date): void {
    for (let i = 0; i < count; i += 1) this.#injected.push(injection(status, retryAfter));
  }

  /**
   * Adds a tenant: another customer's account behind the same API host, with its own API key and items (issue #20,
   * a managed provider running one connector for many tenants). Its name labels its recorded requests.
   */
  addTenant(token: string, name = `tenant-${this.#tenants.size}`): VisionOneTenant {
    if (this.#tenants.has(token)) throw new RangeError(`A tenant with this API key exists already (${name})`);
    const data = tenantData(name, token);
    this.#tenants.set(token, data);
    const times = (count: number, spread: TimeSpread) => this.#times(count, spread);
    const generator = this.#generator;
    return {
      name,
      token,
      addWorkbenchAlerts: (count, spread = {}) => {
        const added = times(count, spread).map((t) => generator.workbenchAlert(t));
        data.workbench.push(...added);
        return added;
      },
      addOatDetections: (count, spread = {}) => {
        const added = times(count, spread).map((t) => generator.oatDetection(t, t + (spread.ingestDelayMs ?? 30_000)));
        data.oat.push(...added);
        return added;
      },
      addAuditLogs: (count, spread = {}) => {
        const added = times(count, spread).map((t) => generator.auditLog(t, spread.ingestDelayMs));
        data.audit.push(...added);
        return added;
      },
      failNext: (count, status, retryAfter) => {
        for (let i = 0; i < count; i += 1) data.injected.push(injection(status, retryAfter));
      },
      get requestCount() {
        return data.requests;
      },
      get firstRequestAt() {
        return data.firstRequestAt;
      },
    };
  }

  /** Requests this host is answering right now: received, not yet answered (or closed). */
  get concurrentRequests(): number {
    return this.#server.concurrentRequests;
  }

  /** The most requests this host has had in flight at one moment, since the start or `resetPeakConcurrency()`. */
  get peakConcurrentRequests(): number {
    return this.#server.peakConcurrentRequests;
  }

  resetPeakConcurrency(): void {
    this.#server.resetPeakConcurrency();
  }

  /**
   * From now on, list answers misbehave as given (endless nextLinks, a giant page, a slow body, a poison item),
   * those whose time window contains `misbehaviour.at` or all; `undefined` ends it (issue #16).
   */
  misbehave(misbehaviour: Misbehaviour | undefined): void {
    this.#misbehaviour = misbehaviour;
  }

  /** The next `count` requests get no answer at all (until the client gives up or the simulator stops). */
  stallNext(count: number): void {
    for (let i = 0; i < count; i += 1) this.#injected.push({ kind: 'stall' });
  }

  /** Creates one new alert, OAT detection and audit log, stamped now (the demo's live feed). */
  tick(): { readonly alert: WorkbenchAlert; readonly detection: OatDetection; readonly auditLog: AuditLog } {
    const now = this.#clock.now();
    const alert = this.#generator.workbenchAlert(now);
    const detection = this.#generator.oatDetection(now, now);
    const auditLog = this.#generator.auditLog(now);
    this.#workbench.push(alert);
    this.#oat.push(detection);
    this.#audit.push(auditLog);
    return { alert, detection, auditLog };
  }

  /** Calls `tick()` every `intervalMs` until `stopDemoFeed()` or `stop()`. */
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

  #times(count: number, spread: TimeSpread): number[] {
    return spreadTimes(count, spread, this.#clock.now());
  }

  #defineEndpoints(): ReadonlyMap<string, Endpoint> {
    const window = (params: URLSearchParams, startKey: string, endKey: string, defaultStart: boolean): [number, number] | string => {
      const now = this.#clock.now();
      const start = params.get(startKey);
      const end = params.get(endKey);
      for (const [key, value] of [[startKey, start], [endKey, end]] as const) {
        if (value !== null && !API_TIME.test(value)) return `${key} must be yyyy-MM-ddThh:mm:ssZ (UTC, no milliseconds); got "${value}"`;
      }
      const from = start === null ? (defaultStart ? now - DAY_MS : Number.NEGATIVE_INFINITY) : Date.parse(start);
      const to = end === null ? (defaultStart ? now : Number.POSITIVE_INFINITY) : Date.parse(end);
      if (from > to) return `${startKey} must not be later than ${endKey}`;
      return [from, to];
    };
    const ordered = (items: JsonValue[], key: string, direction: 'asc' | 'desc', tieBreak: string): JsonValue[] =>
      items.sort((a, b) => {
        const primary = key.endsWith('DateTime') ? timeOf(a, key) - timeOf(b, key) : compareValues(a, b, key);
        const order = primary !== 0 && !Number.isNaN(primary) ? primary : (field(a, tieBreak)[0] ?? '').localeCompare(field(b, tieBreak)[0] ?? '');
        return direction === 'asc' ? order : -order;
      });
    const orderBy = (value: string | null, allowed: readonly string[], fallback: string): [string, 'asc' | 'desc'] | string => {
      // FACTS §B.5: "field" or "field asc|desc"; several fields joined by commas — the simulator orders by the first.
      const first = (value ?? fallback).split(',')[0]?.trim() ?? '';
      const [key = '', direction = 'desc', extra] = first.split(/\s+/);
      if (!allowed.includes(key) || (direction !== 'asc' && direction !== 'desc') || extra !== undefined) {
        return `orderBy must be one of ${allowed.join(', ')}, optionally followed by " asc" or " desc"; got "${value ?? ''}"`;
      }
      return [key, direction];
    };

    const workbench: Endpoint = {
      params: new Set(['startDateTime', 'endDateTime', 'dateTimeTarget', 'orderBy', 'top', 'skipToken']),
      filterFields: fields(['id', 'status', 'investigationStatus', 'investigationResult', 'alertProvider', 'modelId', 'model', 'modelType', 'severity', 'incidentId']),
      filterMaxLength: 5000,
      items: (tenant) => tenant.workbench,
      select: (params, items) => {
        const target = params.get('dateTimeTarget') ?? 'createdDateTime';
        if (target !== 'createdDateTime' && target !== 'updatedDateTime') {
          return `dateTimeTarget must be createdDateTime or updatedDateTime; got "${target}"`;
        }
        const range = window(params, 'startDateTime', 'endDateTime', true);
        if (typeof range === 'string') return range;
        const order = orderBy(params.get('orderBy'), ['createdDateTime', 'updatedDateTime', 'id', 'score', 'severity'], 'createdDateTime desc');
        if (typeof order === 'string') return order;
        const inWindow = items.filter((item) => {
          const t = timeOf(item, target);
          return t >= range[0] && t <= range[1];
        });
        return ordered(inWindow, order[0], order[1], 'id');
      },
      // The workbench `top` values are [UNCONFIRMED] (FACTS §B.5); third-party collectors send 200.
      top: (value) => topValue(value, this.#pageSize, (n) => n >= 1 && n <= 200, 'an integer from 1 to 200'),
    };

    const oat: Endpoint = {
      params: new Set(['detectedStartDateTime', 'detectedEndDateTime', 'ingestedStartDateTime', 'ingestedEndDateTime', 'top', 'skipToken']),
      filterFields: fields(
        ['uuid', 'riskLevel', 'filterName', 'filterMitreTacticId', 'filterMitreTechniqueId', 'endpointName', 'agentGuid', 'endpointIp', 'productCode', 'containerName'],
        {
          riskLevel: 'filters.riskLevel',
          filterName: 'filters.name',
          filterMitreTacticId: 'filters.mitreTacticIds',
          filterMitreTechniqueId: 'filters.mitreTechniqueIds',
          endpointName: 'endpoint.endpointName',
          agentGuid: 'endpoint.agentGuid',
          endpointIp: 'endpoint.ips',
          productCode: 'detail.productCode',
          containerName: 'detail.containerName',
        },
      ),
      filterMaxLength: 4000,
      items: (tenant) => tenant.oat,
      select: (params, items) => {
        // FACTS §B.6: without any time parameter the API answers the last 24 h of detections (PYTMV1's default).
        const anyTime = ['detectedStartDateTime', 'detectedEndDateTime', 'ingestedStartDateTime', 'ingestedEndDateTime'].some((k) => params.has(k));
        const detected = window(params, 'detectedStartDateTime', 'detectedEndDateTime', !anyTime);
        if (typeof detected === 'string') return detected;
        const ingested = window(params, 'ingestedStartDateTime', 'ingestedEndDateTime', false);
        if (typeof ingested === 'string') return ingested;
        // FACTS §B.6: at most 365 days, and the end may not lie in the future.
        const now = this.#clock.now();
        for (const [from, to] of [detected, ingested]) {
          if (Number.isFinite(to) && to > now) return 'the end of a time range may not lie in the future';
          if (Number.isFinite(from) && Number.isFinite(to) && to - from > 365 * DAY_MS) return 'a time range may not exceed 365 days';
        }
        const selected = items.filter((item) => {
          const d = timeOf(item, 'detectedDateTime');
          const i = timeOf(item, 'ingestedDateTime');
          return d >= detected[0] && d <= detected[1] && (!anyIngested(params) || (i >= ingested[0] && i <= ingested[1]));
        });
        // FACTS §B.6: newest first, and the order cannot be changed.
        return ordered(selected, 'detectedDateTime', 'desc', 'uuid');
      },
      top: (value) => topValue(value, Math.min(50, this.#pageSize), (n) => DOCUMENTED_TOPS.has(n), 'one of 50, 100, 200'),
    };

    const audit: Endpoint = {
      params: new Set(['startDateTime', 'endDateTime', 'dateTimeTarget', 'orderBy', 'top', 'labels', 'skipToken']),
      filterFields: fields(['loggedUser', 'loggedRole', 'loggedUserId', 'loggedUserMailAddress', 'accessType', 'category', 'activity', 'result']),
      filterMaxLength: 5000,
      items: (tenant) => tenant.audit,
      select: (params, items) => {
        const target = params.get('dateTimeTarget') ?? 'loggedDateTime';
        if (target !== 'loggedDateTime' && target !== 'ingestedDateTime') {
          return `dateTimeTarget must be loggedDateTime or ingestedDateTime; got "${target}"`;
        }
        const labels = params.get('labels');
        if (labels !== null && !['none', 'matched', 'all'].includes(labels)) return `labels must be none, matched or all; got "${labels}"`;
        const range = window(params, 'startDateTime', 'endDateTime', true);
        if (typeof range === 'string') return range;
        const order = orderBy(params.get('orderBy'), ['loggedDateTime'], 'loggedDateTime desc');
        if (typeof order === 'string') return order;
        const inWindow = items.filter((item) => {
          const t = timeOf(item, target);
          return t >= range[0] && t <= range[1];
        });
        return ordered(inWindow, order[0], order[1], 'loggedUserId');
      },
      top: (value) => topValue(value, Math.min(50, this.#pageSize), (n) => DOCUMENTED_TOPS.has(n), 'one of 50, 100, 200'),
    };

    return new Map([
      [WORKBENCH_PATH, workbench],
      [OAT_PATH, oat],
      [AUDIT_PATH, audit],
    ]);
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const target = req.url ?? '/';
    const at = Date.now();
    const tenant = this.#tenants.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (tenant !== undefined) {
      tenant.requests += 1;
      tenant.firstRequestAt ??= at;
    }
    const url = new URL(target, this.baseUrl);
    const rawQuery = target.includes('?') ? target.slice(target.indexOf('?') + 1) : '';
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      headers[name] = name === 'authorization' ? redact(String(value)) : Array.isArray(value) ? value.join(', ') : value;
    }
    const record = (status: number): void => {
      if (!this.#record) return;
      this.requests.push({
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        rawQuery,
        headers,
        status,
        ...(tenant === undefined ? {} : { tenant: tenant.name }),
        at,
      });
    };
    const reply = (status: number, body: JsonValue, extra: Record<string, string> = {}): void => {
      record(status);
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...extra });
      res.end(text);
    };
    const error = (status: number, code: string, message: string, extra: Record<string, string> = {}): void =>
      reply(status, { error: { code, message } }, extra);

    const injected = this.#injected.shift() ?? tenant?.injected.shift();
    if (injected?.kind === 'stall') {
      record(0);
      return;
    }
    if (injected?.kind === 'fail') {
      const { status, retryAfter } = injected;
      const extra: Record<string, string> =
        retryAfter === undefined ? {} : { 'retry-after': typeof retryAfter === 'number' ? String(retryAfter) : retryAfter.toUTCString() };
      const [code, message] = INJECTED_ERRORS[status];
      error(status, code, message, extra);
      return;
    }

    if (tenant === undefined) {
      error(401, 'Unauthorized', 'The API key is missing, invalid or expired.');
      return;
    }
    const endpoint = this.#endpoints.get(url.pathname);
    if (endpoint === undefined) {
      error(404, 'NotFound', `No such API: ${url.pathname}`);
      return;
    }
    if (req.method !== 'GET') {
      error(405, 'MethodNotAllowed', `${req.method ?? ''} is not allowed on ${url.pathname}`, { allow: 'GET' });
      return;
    }

    const unknown = [...url.searchParams.keys()].filter((key) => !endpoint.params.has(key));
    if (unknown.length > 0) {
      error(400, 'InvalidParameter', `Unknown query parameter(s): ${unknown.join(', ')}`);
      return;
    }

    const filterText = req.headers['tmv1-filter'];
    const filter = typeof filterText === 'string' && filterText.trim() !== '' ? filterText : undefined;
    let expression: Tmv1FilterExpression | undefined;
    if (filter !== undefined) {
      if (filter.length > endpoint.filterMaxLength) {
        error(400, 'InvalidHeader', `TMV1-Filter is longer than ${endpoint.filterMaxLength} characters`);
        return;
      }
      try {
        expression = parseTmv1Filter(filter);
      } catch (e) {
        if (!(e instanceof Tmv1FilterSyntaxError)) throw e;
        error(400, 'InvalidHeader', `TMV1-Filter: ${e.message}`);
        return;
      }
      const bad = tmv1FilterFields(expression).filter((name) => endpoint.filterFields[name] === undefined);
      if (bad.length > 0) {
        error(400, 'InvalidHeader', `TMV1-Filter: unsupported field(s) ${bad.join(', ')}; use ${Object.keys(endpoint.filterFields).join(', ')}`);
        return;
      }
    }

    let offset = 0;
    const skipToken = url.searchParams.get('skipToken');
    if (skipToken !== null) {
      const decoded = decodeSkipToken(skipToken);
      if (decoded === undefined) {
        error(400, 'InvalidParameter', 'skipToken is not valid');
        return;
      }
      if (decoded.filter !== (filter ?? '')) {
        error(400, 'InvalidHeader', 'TMV1-Filter must be sent again, unchanged, with every nextLink request');
        return;
      }
      offset = decoded.offset;
    }

    const top = endpoint.top(url.searchParams.get('top'));
    if (typeof top === 'string') {
      error(400, 'InvalidParameter', `top must be ${top}`);
      return;
    }
    const selected = endpoint.select(url.searchParams, endpoint.items(tenant));
    if (typeof selected === 'string') {
      error(400, 'InvalidParameter', selected);
      return;
    }
    const matching =
      expression === undefined
        ? selected
        : selected.filter((item) => matchesTmv1Filter(expression, (name) => endpoint.filterFields[name]?.(item) ?? []));

    const size = Math.min(top, this.#pageSize);
    const items = matching.slice(offset, offset + size);
    const [from, to] = requestWindow(url.searchParams);
    const misbehaviour = this.#misbehaviour !== undefined && misbehaviourApplies(this.#misbehaviour, from, to) ? this.#misbehaviour : undefined;
    const pageItems = misbehaviour?.kind === 'poison-item' && offset === 0 ? withPoisonPlaceholder(items) : items;
    const body: { [key: string]: JsonValue } = { totalCount: matching.length, count: pageItems.length, items: pageItems };
    if (offset + size < matching.length || misbehaviour?.kind === 'endless-pages') body.nextLink = this.#nextLink(url, offset + size, filter ?? '');
    record(200);
    writeMisbehaving(res, body, misbehaviour);
  }

  /**
   * FACTS §B.2: the nextLink repeats the original parameters plus a skip token. Values keep LITERAL spaces
   * (`orderBy=createdDateTime asc`), as the real API sometimes sends them, so the client has to encode them;
   * `:` and `,` stay literal too (legal in a query, and how the API writes times).
   */
  #nextLink(url: URL, offset: number, filter: string): string {
    const parts: string[] = [];
    for (const [key, value] of url.searchParams) {
      if (key !== 'skipToken') parts.push(`${key}=${encodeURIComponent(value).replace(/%20|%3A|%2C/g, decodeURIComponent)}`);
    }
    parts.push(`skipToken=${Buffer.from(JSON.stringify({ offset, filter })).toString('base64url')}`);
    return `${this.#nextLinkOrigin}${url.pathname}?${parts.join('&')}`;
  }

  /** Node's HTTP parser rejected the request (e.g. a raw space in the request target): record it, answer 400. */
  #clientError(error: NodeJS.ErrnoException, socket: Duplex): void {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    this.requests.push({ method: '', path: '', query: {}, rawQuery: '', headers: {}, status: 400, parseError: error.code ?? 'unknown' });
    const body = JSON.stringify({ error: { code: 'BadRequest', message: `The request could not be parsed (${error.code ?? 'unknown'})` } });
    socket.end(
      `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  }
}

const INJECTED_ERRORS: Readonly<Record<InjectedFailureStatus, readonly [string, string]>> = {
  401: ['Unauthorized', 'The API key is missing, invalid or expired.'],
  403: ['AccessDenied', 'The API key does not have the permission this API needs.'],
  // FACTS §B.3: "Too many API requests".
  429: ['TooManyRequests', 'Too many API requests.'],
  500: ['InternalServerError', 'An internal error occurred.'],
  502: ['BadGateway', 'The upstream service failed.'],
  503: ['ServiceUnavailable', 'The service is temporarily unavailable.'],
  504: ['GatewayTimeout', 'The request took longer than 60 seconds.'],
};

/** The time window a list request asks about (any endpoint's start/end parameters), open ends as ±Infinity. */
const requestWindow = (params: URLSearchParams): [number, number] => {
  const first = (keys: readonly string[], fallback: number): number => {
    for (const key of keys) {
      const value = params.get(key);
      if (value !== null && !Number.isNaN(Date.parse(value))) return Date.parse(value);
    }
    return fallback;
  };
  return [
    first(['startDateTime', 'ingestedStartDateTime', 'detectedStartDateTime'], Number.NEGATIVE_INFINITY),
    first(['endDateTime', 'ingestedEndDateTime', 'detectedEndDateTime'], Number.POSITIVE_INFINITY),
  ];
};

const redact = (authorization: string): string => (authorization.startsWith('Bearer ') ? 'Bearer [REDACTED]' : '[REDACTED]');

const anyIngested = (params: URLSearchParams): boolean => params.has('ingestedStartDateTime') || params.has('ingestedEndDateTime');

const compareValues = (a: JsonValue, b: JsonValue, key: string): number => {
  const left = a !== null && typeof a === 'object' && !Array.isArray(a) ? (a as Record<string, JsonValue>)[key] : undefined;
  const right = b !== null && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, JsonValue>)[key] : undefined;
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  return String(left ?? '').localeCompare(String(right ?? ''));
};

const topValue = (value: string | null, fallback: number, allowed: (n: number) => boolean, what: string): number | string => {
  if (value === null) return fallback;
  const n = Number(value);
  return /^\d+$/.test(value) && allowed(n) ? n : what;
};

const decodeSkipToken = (token: string): { offset: number; filter: string } | undefined => {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { offset, filter } = value as Record<string, unknown>;
    if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0 || typeof filter !== 'string') return undefined;
    return { offset, filter };
  } catch {
    return undefined;
  }
};
