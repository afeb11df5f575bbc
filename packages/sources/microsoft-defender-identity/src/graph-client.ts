import { lookup } from 'node:dns/promises';
import { performance } from 'node:perf_hooks';
import {
  apiHostGate,
  DEFAULT_MAX_CONCURRENT_REQUESTS,
  DEFAULT_SOURCE_LIMITS,
  describeError,
  inspectItem,
  itemDeadLetter,
  parseAnswerJson,
  parseJson,
  PollBudget,
  readBodyWithin,
  requestSignal,
  SourceLimitError,
  SyslogConnectorError,
  tenantKey,
  z,
  type ApiHostGate,
  type CheckStep,
  type Clock,
  type Logger,
  type PluginPlace,
  type SourceDeadLetter,
  type SourceLimits,
} from '@syslog-connector/core';
import { clientAssertion, type GraphCredential } from './graph-credential.js';
import { graphRequestBudget, parseRetryAfter, type GraphRequestBudget } from './graph-request-budget.js';

export interface GraphClientOptions {
  readonly tenantId: string;
  readonly clientId: string;
  readonly authorityHost: string;
  readonly graphHost: string;
  readonly requestTimeout: number;
  readonly requestsPerMinute: number;
  /** Requests in flight at once per host (Graph, and the authority for tokens), shared by every MDI source of it. */
  readonly maxConcurrentRequests?: number | undefined;
  readonly limits?: SourceLimits | undefined;
}

/**
 * Requests in flight at once to one Graph host (and to one Entra ID authority host), shared by every MDI source of
 * the daemon. Graph publishes rates, not a concurrency: 150 requests per minute per app per tenant on /security
 * (FACTS §D.3, kept per app and tenant by `requestsPerMinute`), 130,000 per 10 s per app across all tenants, and a 429 with
 * `Retry-After` "limits further requests from that client app for some time". So the host limit protects the daemon
 * rather than Graph: 16 bounds the sockets and the response buffers in flight (16 × `limits.bytesPerResponse`, 256
 * MiB at the 16 MiB default, at worst) however many tenants poll, and still serves 1,000 sources reading two lists
 * every 60 s (33 requests/s) at 0.5 s an answer. The same default as the Vision One sources.
 */
export { DEFAULT_MAX_CONCURRENT_REQUESTS };

/** Knobs for tests; the config does not expose them. */
export interface GraphClientTuning {
  readonly maxRetries?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Cap of a server-given Retry-After. */
  readonly maxRetryAfterMs?: number;
  readonly random?: () => number;
}

export interface GraphPage {
  readonly page: number;
  readonly items: readonly unknown[];
  /** Items set aside (not an object, nested too deep, too large), with their reasons: never events, never dropped. */
  readonly deadLetters: readonly SourceDeadLetter[];
  readonly last: boolean;
}

/** A token is renewed this long before it expires (FACTS §D.5: "request a new one before it expires"). */
export const TOKEN_RENEWAL_MS = 5 * 60_000;

const tokenResponse = z.object({ token_type: z.string(), expires_in: z.coerce.number().positive(), access_token: z.string().min(1) });
const tokenError = z.object({ error: z.string(), error_description: z.string().optional(), error_codes: z.array(z.number()).optional() });
const graphError = z.object({ error: z.object({ code: z.string().optional(), message: z.string().optional() }) });
const listEnvelope = z.object({ value: z.array(z.unknown()), '@odata.nextLink': z.string().optional() });

const RETRYABLE = new Set([429, 500, 502, 503, 504]);

/** An error answer (or a token answer) is read up to this size: it only carries a message or a token. */
const SMALL_BODY_BYTES = 64 * 1024;

const LIMIT_HINT =
  'Graph answered more than a poll may read; the source narrows its time window and goes on (see `limits` in the source README); if a real tenant reaches this, raise the limit';

type Attempt =
  | { readonly ok: true; readonly body: unknown }
  | { readonly ok: false; readonly reason: string; readonly retryAfter: string | null; readonly status?: number };

/** A host's gate and this client's tenant key at it (FACTS §D.3: Graph throttles per app per tenant). */
interface GateSeat {
  readonly gate: ApiHostGate;
  readonly tenant: string;
}

/**
 * Microsoft Graph for one app registration (FACTS §D): OAuth2 client credentials against
 * `{authorityHost}/{tenant}/oauth2/v2.0/token` with a secret or a certificate assertion (§D.5), the token cached
 * and renewed 5 minutes before `expires_in` runs out (or at once after a 401), GET with `@odata.nextLink` paging
 * followed verbatim (§D.1), 429/5xx/timeouts retried after `Retry-After` or capped jittered back-off, and every
 * request — retries included — inside a sliding per-minute budget (§D.3), shared by every client of the same Graph
 * host, tenant and client id in the process.
 *
 * Many tenants (issue #20): every client of one Graph host shares that host's gate (core `apiHostGate`), and every
 * client of one authority host that one's: at most `maxConcurrentRequests` in flight per host, a slot held only for
 * the request and its body, never while waiting. A 429 holds its own app and tenant (a hash of host, tenant id and
 * client id, no secret) for its `Retry-After`; the other tenants go on. Each client signs in for its own tenant and
 * keeps its own token. Connections come from Node's global fetch pool, one per origin, shared.
 *
 * Secrets: the client secret goes only into the token request body, the access token only into the
 * Authorization header; both are scrubbed from every message this client builds, and requests are logged by
 * path only. Auth failures become one `SOURCE_AUTH` error naming the setting to fix.
 */
export class GraphClient {
  readonly #sourceId: string;
  readonly #configPath: string;
  readonly #options: GraphClientOptions;
  readonly #credential: GraphCredential;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #budget: GraphRequestBudget;
  readonly #tuning: Required<GraphClientTuning>;
  readonly #tokenUrl: string;
  readonly #graph: GateSeat;
  readonly #login: GateSeat;
  #unregister: Array<() => void> = [];
  #token: { readonly value: string; readonly renewAt: number } | undefined;
  readonly limits: SourceLimits;

  constructor(place: PluginPlace, options: GraphClientOptions, credential: GraphCredential, deps: { clock: Clock; logger: Logger }, tuning: GraphClientTuning = {}) {
    this.#sourceId = place.id;
    this.#configPath = place.configPath;
    this.#options = options;
    this.#credential = credential;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
    this.#tuning = { maxRetries: 5, baseDelayMs: 1_000, maxDelayMs: 60_000, maxRetryAfterMs: 300_000, random: Math.random, ...tuning };
    this.#tokenUrl = `${options.authorityHost}/${encodeURIComponent(options.tenantId)}/oauth2/v2.0/token`;
    this.limits = options.limits ?? DEFAULT_SOURCE_LIMITS;
    // FACTS §D.3: Graph counts per app per tenant, so the cool-down after a 429 is keyed by both (hashed).
    this.#graph = { gate: apiHostGate(options.graphHost), tenant: tenantKey('graph', options.graphHost, options.tenantId, options.clientId) };
    this.#login = { gate: apiHostGate(options.authorityHost), tenant: tenantKey('token', options.authorityHost, options.tenantId, options.clientId) };
    const limit = options.maxConcurrentRequests ?? DEFAULT_MAX_CONCURRENT_REQUESTS;
    this.#unregister = [...new Set([this.#graph.gate, this.#login.gate])].map((gate) => gate.register(limit));
    // FACTS §D.3 again: the per-minute budget is the app's in the tenant, shared with every source of it (issue #20).
    this.#budget = graphRequestBudget(this.#graph.tenant, deps.clock.now());
    this.#unregister.push(this.#budget.register(options.requestsPerMinute));
  }

  /** Takes this client's `maxConcurrentRequests` away from its hosts' gates, and its `requestsPerMinute` from its tenant's budget (the source closes). */
  close(): void {
    for (const unregister of this.#unregister) unregister();
    this.#unregister = [];
  }

  /**
   * Every page of a Graph list, following `@odata.nextLink` until there is none — within the poll's `budget`
   * (`limits`: pages and bytes per poll, bytes per response; past one a `SourceLimitError` ends the list). Each
   * item is checked first: one that is not an object, nests too deep or is too large comes back as a dead letter.
   */
  async *list(path: string, query: Readonly<Record<string, string>>, signal: AbortSignal, budget: PollBudget = new PollBudget(this.limits)): AsyncIterable<GraphPage> {
    const first = new URL(this.#options.graphHost + path);
    // encodeURIComponent, not URLSearchParams: spaces become %20 and `$` stays readable in logs.
    first.search = Object.entries(query).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
    let url: URL | undefined = first;
    let page = 0;
    const seen = new Set<string>();
    while (url !== undefined) {
      seen.add(url.href);
      budget.beforePage(`GET ${path}`, { path: this.#path('limits.pagesPerPoll'), hint: LIMIT_HINT });
      const { body, bytes } = await this.#get(url, signal, this.#tuning.maxRetries, budget);
      budget.read(bytes);
      const envelope = listEnvelope.safeParse(body);
      if (!envelope.success) {
        throw new SyslogConnectorError('SOURCE_RESPONSE', `GET ${url.pathname} answered without a Graph collection ({ value: [...] })`, {
          path: this.#path('graphHost'),
          hint: 'check that `graphHost` points at Microsoft Graph',
        });
      }
      page += 1;
      const link = envelope.data['@odata.nextLink'];
      const next = link === undefined ? undefined : this.#nextLink(link);
      if (next !== undefined && seen.has(next.href)) {
        throw new SyslogConnectorError('SOURCE_RESPONSE', `Graph sent an @odata.nextLink that loops back to an earlier page of ${path}`, { path: this.#path('graphHost') });
      }
      const items: unknown[] = [];
      const deadLetters: SourceDeadLetter[] = [];
      for (const raw of envelope.data.value) {
        const verdict = inspectItem(raw, this.limits);
        if (verdict.ok) items.push(raw);
        else deadLetters.push(itemDeadLetter(raw, verdict.reason, this.#clock.now(), 'id'));
      }
      yield { page, items, deadLetters, last: next === undefined };
      url = next;
    }
  }

  /** `test-connection`: resolve the authority and Graph hosts, get a token, then one small GET per probe path. */
  async *check(probes: ReadonlyArray<{ readonly path: string; readonly query: Readonly<Record<string, string>> }>, signal: AbortSignal): AsyncIterable<CheckStep> {
    for (const [key, origin] of [['authorityHost', this.#options.authorityHost], ['graphHost', this.#options.graphHost]] as const) {
      const host = new URL(origin).hostname.replace(/^\[(.*)\]$/, '$1');
      const started = performance.now();
      try {
        const addresses = await lookup(host, { all: true });
        yield { step: `Resolve ${host}`, ok: true, detail: addresses.map((a) => a.address).join(', '), durationMs: Math.round(performance.now() - started) };
      } catch (error) {
        yield {
          step: `Resolve ${host}`,
          ok: false,
          detail: (error as NodeJS.ErrnoException).code ?? describeError(error),
          hint: `check \`${key}\` of ${this.#configPath} and this machine's DNS or proxy settings`,
          durationMs: Math.round(performance.now() - started),
        };
        return;
      }
    }
    const steps: Array<{ step: string; run: () => Promise<string> }> = [
      { step: `Sign in to ${this.#options.authorityHost} as ${this.#options.clientId}`, run: async () => {
          await this.#accessToken(signal);
          return 'access token issued';
        },
      },
      ...probes.map((probe) => ({
        step: `GET ${probe.path}`,
        run: async () => {
          const url = new URL(this.#options.graphHost + probe.path);
          url.search = Object.entries(probe.query).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
          const { body } = await this.#get(url, signal, 0, new PollBudget(this.limits));
          const parsed = listEnvelope.safeParse(body);
          return parsed.success ? `HTTP 200, ${parsed.data.value.length} item(s) on the first page` : 'HTTP 200';
        },
      })),
    ];
    for (const { step, run } of steps) {
      const started = performance.now();
      try {
        const detail = await run();
        yield { step, ok: true, detail, durationMs: Math.round(performance.now() - started) };
      } catch (error) {
        const hint = SyslogConnectorError.is(error) ? error.hint : undefined;
        yield { step, ok: false, detail: this.#scrub(describeError(error)), ...(hint === undefined ? {} : { hint }), durationMs: Math.round(performance.now() - started) };
        return;
      }
    }
  }

  /** A valid access token: the cached one, or a new one when it is within TOKEN_RENEWAL_MS of expiry. */
  async #accessToken(signal: AbortSignal): Promise<string> {
    const now = this.#clock.now();
    if (this.#token !== undefined && now < this.#token.renewAt) return this.#token.value;
    const form = new URLSearchParams({ client_id: this.#options.clientId, scope: `${this.#options.graphHost}/.default`, grant_type: 'client_credentials' });
    if (this.#credential.kind === 'secret') {
      form.set('client_secret', this.#credential.secret);
    } else {
      form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      form.set('client_assertion', clientAssertion(this.#credential, this.#options.clientId, this.#tokenUrl, now));
    }
    const where = `POST ${new URL(this.#tokenUrl).pathname}`;
    for (let retry = 0; ; retry += 1) {
      signal.throwIfAborted();
      let response: Response;
      let text: string;
      try {
        // A slot of the authority host's gate for the request and its body only.
        ({ response, text } = await this.#exchange(this.#login, signal, async (timed) => {
          const answer = await fetch(this.#tokenUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
            body: form.toString(),
            signal: timed,
            redirect: 'manual',
          });
          return { response: answer, ...(await readBodyWithin(answer, SMALL_BODY_BYTES, 'bytesPerResponse', where, { path: this.#path('authorityHost') })) };
        }));
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        if (SourceLimitError.isLimit(error)) throw error;
        await this.#retryOrThrow(retry, where, { ok: false, reason: networkReason(error, this.#options.requestTimeout), retryAfter: null }, 'authorityHost', signal, this.#login);
        continue;
      }
      if (response.ok) {
        const parsed = tokenResponse.safeParse(parseJsonOrUndefined(text));
        if (!parsed.success) {
          throw new SyslogConnectorError('SOURCE_RESPONSE', `${where} answered without an access token`, { path: this.#path('authorityHost'), hint: 'check that `authorityHost` points at Microsoft Entra ID' });
        }
        const lifetime = parsed.data.expires_in * 1000;
        // Renew 5 minutes early, or halfway for very short lifetimes.
        this.#token = { value: parsed.data.access_token, renewAt: this.#clock.now() + Math.max(lifetime - TOKEN_RENEWAL_MS, lifetime / 2) };
        this.#logger.debug({ source: this.#sourceId, expiresInS: parsed.data.expires_in }, 'Signed in to Microsoft Entra ID.');
        return parsed.data.access_token;
      }
      if (RETRYABLE.has(response.status)) {
        await this.#retryOrThrow(retry, where, { ok: false, reason: `HTTP ${response.status}`, retryAfter: response.headers.get('retry-after'), status: response.status }, 'authorityHost', signal, this.#login);
        continue;
      }
      throw this.#signInError(response.status, parseJsonOrUndefined(text));
    }
  }

  /** FACTS §D.5: Entra's `{ error, error_description, error_codes }`, turned into one error naming the setting. */
  #signInError(status: number, body: unknown): SyslogConnectorError {
    const parsed = tokenError.safeParse(body);
    const code = parsed.success ? parsed.data.error_codes?.[0] : undefined;
    // The first sentence only: the rest is trace ids and timestamps.
    const said = parsed.success ? this.#scrub((parsed.data.error_description ?? parsed.data.error).split(/\r?\n| Trace ID:/)[0] ?? '') : `HTTP ${status}`;
    const secretKey = this.#credential.kind === 'secret' ? 'clientSecret' : 'certificate';
    const known: Record<number, { key: string; message: string; hint: string }> = {
      7000215: {
        key: secretKey,
        message: 'Microsoft Entra ID rejected the client secret',
        hint: 'set MDI_CLIENT_SECRET to the secret\'s Value (not its Secret ID) from Entra ID → App registrations → your app → Certificates & secrets',
      },
      7000222: {
        key: secretKey,
        message: 'The client secret has expired',
        hint: 'create a new client secret in Entra ID → App registrations → your app → Certificates & secrets, and set MDI_CLIENT_SECRET to its Value',
      },
      700016: { key: 'clientId', message: 'Microsoft Entra ID knows no application with this client ID in the tenant', hint: 'copy the Application (client) ID from the app registration\'s Overview page' },
      90002: { key: 'tenantId', message: 'Microsoft Entra ID knows no such tenant', hint: 'copy the Directory (tenant) ID from the app registration\'s Overview page, and check `authorityHost` for national clouds' },
      700027: { key: 'certificate', message: 'Microsoft Entra ID rejected the certificate assertion', hint: 'upload this certificate (public part) to the app registration\'s Certificates & secrets, and give its private key in certificate.key' },
    };
    const entry = code === undefined ? undefined : known[code];
    if (entry !== undefined) {
      return new SyslogConnectorError('SOURCE_AUTH', `${entry.message} (AADSTS${code}, HTTP ${status})`, { path: this.#path(entry.key), hint: entry.hint });
    }
    return new SyslogConnectorError('SOURCE_AUTH', `Microsoft Entra ID refused the sign-in (HTTP ${status}${said === '' ? '' : `: ${said}`})`, {
      path: this.#path(secretKey),
      hint: 'check tenantId, clientId and the credential of the app registration',
    });
  }

  /**
   * One GET with retries: the parsed body of a 2xx answer and its size. A body over the budget is a
   * `SourceLimitError`, thrown at once: asking again would download the same oversized answer again.
   */
  async #get(url: URL, signal: AbortSignal, maxRetries: number, budget: PollBudget): Promise<{ body: unknown; bytes: number }> {
    const where = `GET ${url.pathname}`;
    let renewed = false;
    for (let retry = 0; ; ) {
      signal.throwIfAborted();
      const token = await this.#accessToken(signal);
      await this.#budget.take(this.#clock, signal);
      let response: Response;
      let text: string;
      let bytes: number;
      try {
        // A slot of the Graph host's gate for the request and its body only: never held while waiting out a back-off.
        ({ response, text, bytes } = await this.#exchange(this.#graph, signal, async (timed) => {
          const answer = await fetch(url, {
            headers: { authorization: `Bearer ${token}`, accept: 'application/json', prefer: 'include-unknown-enum-members' },
            signal: timed,
            redirect: 'manual',
          });
          // Streamed under a limit, never `response.text()` (issue #16); an error body is read for its message only.
          const allowance = answer.ok ? budget.responseAllowance() : { bytes: SMALL_BODY_BYTES, limit: 'bytesPerResponse' as const };
          const read = await readBodyWithin(answer, allowance.bytes, allowance.limit, where, { path: this.#path(`limits.${allowance.limit}`), hint: LIMIT_HINT }).catch(
            (error: unknown) => {
              if (!answer.ok && SourceLimitError.isLimit(error)) return { text: '', bytes: 0 };
              throw error;
            },
          );
          return { response: answer, ...read };
        }));
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        if (SourceLimitError.isLimit(error)) throw error;
        await this.#retryOrThrow(retry, where, { ok: false, reason: networkReason(error, this.#options.requestTimeout), retryAfter: null }, 'graphHost', signal, this.#graph, maxRetries);
        retry += 1;
        continue;
      }
      if (response.ok) {
        let body: unknown;
        try {
          body = parseAnswerJson(text, where, { path: this.#path('limits.itemDepth'), hint: LIMIT_HINT });
        } catch (error) {
          if (SourceLimitError.isLimit(error)) throw error;
        }
        if (body === undefined) throw new SyslogConnectorError('SOURCE_RESPONSE', `${where} answered HTTP ${response.status} with a body that is not JSON`, { path: this.#path('graphHost') });
        return { body, bytes };
      }
      const graph = graphError.safeParse(parseJsonOrUndefined(text));
      const said = graph.success ? this.#scrub([graph.data.error.code, graph.data.error.message].filter((p) => p !== undefined && p !== '').join(': ')) : '';
      const reason = `HTTP ${response.status}${said === '' ? '' : ` ${said}`}`;
      if (response.status === 401 && !renewed) {
        // The token was revoked or expired early: sign in again once.
        renewed = true;
        this.#token = undefined;
        continue;
      }
      if (response.status === 401 || response.status === 403) {
        throw new SyslogConnectorError('SOURCE_AUTH', `Microsoft Graph refused ${where} (${reason})`, {
          path: this.#path('clientId'),
          hint: 'grant the app the application permissions SecurityAlert.Read.All and SecurityIdentitiesHealth.Read.All, with admin consent',
        });
      }
      if (RETRYABLE.has(response.status)) {
        await this.#retryOrThrow(retry, where, { ok: false, reason, retryAfter: response.headers.get('retry-after'), status: response.status }, 'graphHost', signal, this.#graph, maxRetries);
        retry += 1;
        continue;
      }
      throw new SyslogConnectorError('SOURCE_HTTP', `${where} failed with ${reason}`, {
        path: this.#path('graphHost'),
        hint: 'the request was refused as sent; this is a bug or an API change — report it with this message',
      });
    }
  }

  /**
   * One exchange (request and body) inside a slot of `seat`'s host gate, once its tenant is not cooling down; the
   * time limit `requestTimeout` starts when the request is sent, not while it waits for its slot.
   */
  async #exchange<T>(seat: GateSeat, signal: AbortSignal, task: (timed: AbortSignal) => Promise<T>): Promise<T> {
    return seat.gate.run(seat.tenant, this.#clock, signal, async () => {
      // Released once the body is read: AbortSignal.any on the long-lived poll signal kept each request alive (issue #20).
      const request = requestSignal(signal, this.#options.requestTimeout);
      try {
        return await task(request.signal);
      } finally {
        request.release();
      }
    });
  }

  async #retryOrThrow(
    retry: number,
    where: string,
    attempt: Extract<Attempt, { ok: false }>,
    key: string,
    signal: AbortSignal,
    seat: GateSeat,
    maxRetries = this.#tuning.maxRetries,
  ): Promise<void> {
    const now = this.#clock.now();
    const fromServer = parseRetryAfter(attempt.retryAfter, now);
    const step = Math.min(this.#tuning.maxDelayMs, this.#tuning.baseDelayMs * 2 ** retry);
    const delayMs = fromServer !== undefined ? Math.min(fromServer, this.#tuning.maxRetryAfterMs) : Math.round(step / 2 + (this.#tuning.random() * step) / 2);
    // Too many requests for this app in this tenant: every source of it waits, the other tenants go on — also when
    // this request gives up, so the tenant's next poll does not ask again before `Retry-After`.
    if (attempt.status === 429) seat.gate.holdTenant(seat.tenant, delayMs, now);
    if (retry >= maxRetries) {
      throw new SyslogConnectorError('SOURCE_HTTP', `${where} failed ${retry + 1} time(s), last with ${attempt.reason}`, {
        path: this.#path(key),
        hint: 'Microsoft Graph is unavailable or throttling; the source retries on its next poll',
      });
    }
    this.#logger.warn({ source: this.#sourceId, request: where, reason: attempt.reason, retry: retry + 1, of: maxRetries, delayMs }, 'Microsoft Graph request failed; retrying.');
    await this.#clock.sleep(delayMs, signal);
  }

  /** Follow nextLink verbatim, but only to the Graph host: the token is never sent elsewhere. */
  #nextLink(link: string): URL {
    let next: URL;
    try {
      next = new URL(link);
    } catch {
      throw new SyslogConnectorError('SOURCE_RESPONSE', 'Graph sent an @odata.nextLink that is not a URL', { path: this.#path('graphHost') });
    }
    if (next.origin !== this.#options.graphHost) {
      throw new SyslogConnectorError('SOURCE_RESPONSE', `Graph sent an @odata.nextLink to ${next.origin}, not ${this.#options.graphHost}; the token is not sent elsewhere`, {
        path: this.#path('graphHost'),
      });
    }
    return next;
  }

  #scrub(text: string): string {
    let out = text;
    if (this.#credential.kind === 'secret' && this.#credential.secret !== '') out = out.replaceAll(this.#credential.secret, '[REDACTED]');
    if (this.#token !== undefined) out = out.replaceAll(this.#token.value, '[REDACTED]');
    return out;
  }

  #path(key: string): string {
    return `${this.#configPath}.${key}`;
  }
}

const parseJsonOrUndefined = (text: string): unknown => {
  try {
    return parseJson(text);
  } catch {
    return undefined;
  }
};

const networkReason = (error: unknown, timeoutMs: number): string => {
  if (error instanceof DOMException && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
  return `a network error (${cause?.code ?? cause?.message ?? describeError(error)})`;
};
