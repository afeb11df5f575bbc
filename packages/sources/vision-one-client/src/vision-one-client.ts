import { lookup } from 'node:dns/promises';
import { performance } from 'node:perf_hooks';
import {
  describeError,
  SyslogConnectorError,
  z,
  type CheckStep,
  type Clock,
  type JsonValue,
  type Logger,
  type PluginPlace,
  parseJson,
  DEFAULT_SOURCE_LIMITS,
  inspectItem,
  parseAnswerJson,
  itemDeadLetter,
  PollBudget,
  readBodyWithin,
  SourceLimitError,
  type SourceDeadLetter,
  type SourceLimits,
  type SourceLimitName,
  apiHostGate,
  type ApiHostGate,
  tenantKey,
} from '@syslog-connector/core';
import { httpGet, type RequestUrl } from './vision-one-http.js';
import { DEFAULT_RETRY_POLICY, RetryAfterBackoff, type RetryPolicy } from './retry-after-backoff.js';
import { DEFAULT_MAX_CONCURRENT_REQUESTS, visionOneBaseUrl, type VisionOneConnectionOptions } from './vision-one-connection.js';

export interface VisionOneClientDeps {
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Knobs for tests and special cases; the config does not expose them. */
export interface VisionOneClientTuning {
  readonly retry?: Partial<RetryPolicy>;
  /** Jitter source, [0, 1); default Math.random. */
  readonly random?: () => number;
  readonly userAgent?: string;
}

export type VisionOneQuery = Readonly<Record<string, string | number | undefined>>;

export interface VisionOneListOptions<T> {
  readonly query: VisionOneQuery;
  /** The `TMV1-Filter` header, sent with the first request and again with every nextLink (FACTS §B.2). */
  readonly filter?: string | undefined;
  /** Validates each item; an item that fails is handed back as invalid, never dropped. */
  readonly itemSchema: z.ZodType<T>;
  readonly signal: AbortSignal;
  /** The poll's pages and bytes so far, shared by every list of one poll; default: a fresh one for this list. */
  readonly budget?: PollBudget;
  /** The item's id field, the key of its dead letter when it has to be set aside (`id`, `uuid`). */
  readonly idField?: string;
}

/** One item of a page: the vendor JSON untouched, and the validated value or a summary of what failed. */
export type VisionOneItem<T> =
  | { readonly valid: true; readonly value: T; readonly raw: JsonValue }
  | { readonly valid: false; readonly raw: JsonValue; readonly issues: string };

export interface VisionOnePage<T> {
  /** 1-based. */
  readonly page: number;
  readonly items: readonly VisionOneItem<T>[];
  /** Items set aside before validation (not an object, nested too deep, too large): never events, never dropped. */
  readonly deadLetters: readonly SourceDeadLetter[];
  readonly totalCount: number | undefined;
  /** True on the page without a nextLink: the list is complete once it is handled. */
  readonly last: boolean;
}

export interface VisionOneProbe {
  readonly path: string;
  readonly query: VisionOneQuery;
  readonly filter?: string | undefined;
}

/** FACTS §B.1: the list envelope; `nextLink` is absent on the last page. */
const envelopeSchema = z.object({
  totalCount: z.number().optional(),
  count: z.number().optional(),
  items: z.array(z.unknown()),
  nextLink: z.string().nullish(),
});

type Envelope = z.infer<typeof envelopeSchema>;

/**
 * The body as the list envelope when it is one, checked by hand: zod's object parse copied every envelope, an empty
 * page's included, once per poll of every source (issue #20). Undefined when it is not: `envelopeSchema` then
 * says why.
 */
const asEnvelope = (body: unknown): Envelope | undefined => {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const { totalCount, count, items, nextLink } = body as Record<string, unknown>;
  if (!Array.isArray(items)) return undefined;
  if ((totalCount !== undefined && typeof totalCount !== 'number') || (count !== undefined && typeof count !== 'number')) return undefined;
  if (nextLink !== undefined && nextLink !== null && typeof nextLink !== 'string') return undefined;
  return body as Envelope;
};

/** Trend's error body (PYTMV1 `core.py` `_validate` reads `error.code` / `error.message`). */
const errorBodySchema = z.object({
  error: z.object({ code: z.string().optional(), message: z.string().optional(), number: z.number().optional() }),
});

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/** An error answer is read for its message only. */
const ERROR_BODY_BYTES = 64 * 1024;

const LIMIT_HINT =
  'the API answered more than a poll may read; the source narrows its time window and goes on (see `limits` in the source README); if a real tenant reaches this, raise the limit';

const AUTH_HINT =
  'create a new API key in Vision One (Administration → API Keys) with the needed role and set VISION_ONE_TOKEN';

type Attempt =
  | { readonly ok: true; readonly body: unknown; readonly bytes: number }
  /** A failure worth retrying; anything else is thrown. */
  | { readonly ok: false; readonly reason: string; readonly retryAfter: string | null; readonly status: number | undefined };

/**
 * The Vision One API v3.0 client the Vision One sources share: bearer auth (FACTS §B.1), nextLink paging with the
 * filter re-sent (§B.2), and retries of 429 / 5xx / timeouts with Retry-After or capped, jittered back-off (§B.3).
 * 401/403 become one `SOURCE_AUTH` error, not retried. The API key is only ever written into the Authorization
 * header: it is scrubbed from every message this client builds, and requests are logged by path only.
 */
export class VisionOneClient {
  readonly baseUrl: string;
  readonly #base: URL;
  /** Per API path, its URL without a query (`#url`). */
  readonly #paths = new Map<string, Omit<RequestUrl, 'search'>>();
  /** The base URL without its trailing slashes: the API paths are appended to it. */
  readonly #prefix: string;
  readonly #sourceId: string;
  readonly #configPath: string;
  readonly #token: string;
  readonly #timeoutMs: number;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #backoff: RetryAfterBackoff;
  /**
   * The headers of every request, built once as node:http's flat list of names and values (it writes a list as it
   * is, where an object's headers are set one by one on every request, issue #20): without the filter, then the
   * host (every request goes to the base URL's origin, `#nextLink` sees to that), as node:http would add it.
   */
  readonly #headers: readonly string[];
  /** `#headers` without the host, for a request with a filter. */
  readonly #ownHeaders: readonly string[];
  /** Shared by every Vision One source of this API host in the process (issue #20). */
  readonly #gate: ApiHostGate;
  readonly #tenant: string;
  #unregister: (() => void) | undefined;
  readonly limits: SourceLimits;
  /** Where a body over a limit points, per limit: built once, not on every request. */
  readonly #limitDetails: Readonly<Record<SourceLimitName, { readonly path: string; readonly hint: string }>>;

  constructor(
    place: Pick<PluginPlace, 'id' | 'configPath'>,
    options: Pick<VisionOneConnectionOptions, 'region' | 'baseUrl' | 'token' | 'requestTimeout'> & {
      readonly limits?: SourceLimits | undefined;
      readonly maxConcurrentRequests?: number | undefined;
    },
    deps: VisionOneClientDeps,
    tuning: VisionOneClientTuning = {},
  ) {
    this.#sourceId = place.id;
    this.#configPath = place.configPath;
    this.baseUrl = visionOneBaseUrl(options);
    this.#base = new URL(this.baseUrl);
    this.#prefix = this.#base.href.replace(/\/+$/, '');
    this.#token = options.token;
    this.#timeoutMs = options.requestTimeout;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
    this.#backoff = new RetryAfterBackoff({ ...DEFAULT_RETRY_POLICY, ...tuning.retry }, tuning.random);
    this.#ownHeaders = ['authorization', `Bearer ${this.#token}`, 'accept', 'application/json', 'user-agent', tuning.userAgent ?? 'syslog-connector'];
    this.#headers = [...this.#ownHeaders, 'Host', this.#base.host];
    this.limits = options.limits ?? DEFAULT_SOURCE_LIMITS;
    const limitDetails = (limit: SourceLimitName) => ({ path: this.#path(`limits.${limit}`), hint: LIMIT_HINT });
    this.#limitDetails = {
      pagesPerPoll: limitDetails('pagesPerPoll'),
      bytesPerPoll: limitDetails('bytesPerPoll'),
      bytesPerResponse: limitDetails('bytesPerResponse'),
      itemDepth: limitDetails('itemDepth'),
    };
    this.#gate = apiHostGate(this.#base.origin);
    // The rate limit is the API key's (FACTS §B.3): the sources of one key share a 429's wait, other keys do not.
    this.#tenant = tenantKey(this.#base.origin, this.#token);
    this.#unregister = this.#gate.register(options.maxConcurrentRequests ?? DEFAULT_MAX_CONCURRENT_REQUESTS);
  }

  /** Takes this client's `maxConcurrentRequests` away from its host's gate (the source closes). */
  close(): void {
    this.#unregister?.();
    this.#unregister = undefined;
  }

  /**
   * Every page of a list, following nextLink until the API sends none — within the poll's `budget`: past
   * `limits.pagesPerPoll` pages, `limits.bytesPerPoll` bytes, or a response over `limits.bytesPerResponse`, a
   * `SourceLimitError` ends the list (the pages yielded so far stay yielded). Each item is checked before it is
   * validated: one that is not an object, nests deeper than `limits.itemDepth` or is larger than
   * `limits.bytesPerItem` comes back as a dead letter with its reason, and the page goes on.
   */
  async *list<T>(path: string, options: VisionOneListOptions<T>): AsyncIterable<VisionOnePage<T>> {
    let url: RequestUrl | undefined = this.#url(path, options.query);
    const budget = options.budget ?? new PollBudget(this.limits);
    // The pages asked for so far, to catch a nextLink that loops: only made once there is a nextLink (an idle poll's
    // one page has none).
    let visited: Set<string> | undefined;
    let page = 0;
    while (url !== undefined) {
      budget.beforePage(`GET ${path}`, { path: this.#path('limits.pagesPerPoll'), hint: LIMIT_HINT });
      const answer = await this.#get(url, options.filter, options.signal, this.#backoff.maxRetries, budget);
      budget.read(answer.bytes);
      const envelope = this.#envelope(answer.body, url);
      page += 1;
      const next: URL | undefined = envelope.nextLink ? this.#nextLink(envelope.nextLink) : undefined;
      if (next !== undefined) (visited ??= new Set()).add(url.href);
      if (next !== undefined && visited?.has(next.href) === true) {
        throw new SyslogConnectorError('SOURCE_RESPONSE', `Vision One sent a nextLink that loops back to an earlier page of ${path}`, {
          path: this.#path('baseUrl'),
        });
      }
      const items: VisionOneItem<T>[] = [];
      const deadLetters: SourceDeadLetter[] = [];
      for (const raw of envelope.items) {
        const verdict = inspectItem(raw, this.limits);
        if (!verdict.ok) {
          deadLetters.push(itemDeadLetter(raw, verdict.reason, this.#clock.now(), options.idField));
          continue;
        }
        const result = options.itemSchema.safeParse(raw);
        items.push(
          result.success
            ? { valid: true, value: result.data, raw: raw as JsonValue }
            : { valid: false, raw: raw as JsonValue, issues: summarizeIssues(result.error) },
        );
      }
      yield { page, items, deadLetters, totalCount: envelope.totalCount, last: next === undefined };
      url = next;
    }
  }

  /**
   * `test-connection` for the API side: name resolution of the host, then one authenticated request for the
   * probe, without retries. The probe sets its own `top`: OAT and audit logs accept only 50, 100 or 200 (FACTS
   * §B.6, §B.7), so "one item" is not a value every endpoint takes.
   */
  async *check(probe: VisionOneProbe, signal: AbortSignal): AsyncIterable<CheckStep> {
    const host = this.#base.hostname.replace(/^\[(.*)\]$/, '$1');
    let started = performance.now();
    try {
      const addresses = await lookup(host, { all: true });
      yield {
        step: `Resolve ${host}`,
        ok: true,
        detail: addresses.map((a) => a.address).join(', '),
        durationMs: Math.round(performance.now() - started),
      };
    } catch (error) {
      yield {
        step: `Resolve ${host}`,
        ok: false,
        detail: (error as NodeJS.ErrnoException).code ?? describeError(error),
        hint: `check \`region\` / \`baseUrl\` of ${this.#configPath} and this machine's DNS or proxy settings`,
        durationMs: Math.round(performance.now() - started),
      };
      return;
    }
    started = performance.now();
    const step = `GET ${probe.path} with the API key`;
    try {
      const url = this.#url(probe.path, probe.query);
      const envelope = this.#envelope((await this.#get(url, probe.filter, signal, 0, new PollBudget(this.limits))).body, url);
      yield {
        step,
        ok: true,
        detail: `HTTP 200, ${envelope.totalCount ?? envelope.items.length} item(s) available`,
        durationMs: Math.round(performance.now() - started),
      };
    } catch (error) {
      const hint = SyslogConnectorError.is(error) ? error.hint : undefined;
      yield {
        step,
        ok: false,
        detail: this.#scrub(SyslogConnectorError.is(error) ? error.message : describeError(error)),
        ...(hint === undefined ? {} : { hint }),
        durationMs: Math.round(performance.now() - started),
      };
    }
  }

  /**
   * One GET with retries; resolves to the parsed JSON body of a 2xx answer and its size. A body over the budget
   * is a `SourceLimitError`, thrown at once: asking again would download the same oversized answer again.
   */
  async #get(url: RequestUrl, filter: string | undefined, signal: AbortSignal, maxRetries: number, budget: PollBudget): Promise<{ body: unknown; bytes: number }> {
    const where = `GET ${url.pathname}`;
    for (let retry = 0; ; retry += 1) {
      signal.throwIfAborted();
      // A slot of the host's gate for the request and its body only: never held while waiting out a back-off.
      const attempt = await this.#gate.run(this.#tenant, this.#clock, signal, () => this.#attempt(url, filter, signal, where, budget));
      if (attempt.ok) return { body: attempt.body, bytes: attempt.bytes };
      if (retry >= maxRetries) {
        throw new SyslogConnectorError(
          'SOURCE_HTTP',
          `${where} failed ${retry + 1} time(s), last with ${attempt.reason}`,
          attempt.status === undefined
            ? { path: this.#path('baseUrl'), hint: `check that this machine can reach ${this.#base.host} (firewall, proxy, DNS)` }
            : { path: this.#path('baseUrl'), hint: 'Vision One is unavailable or rate-limiting; the source retries on its next poll' },
        );
      }
      const delayMs = this.#backoff.delayMs(retry, attempt.retryAfter, this.#clock.now());
      // Too many requests for this API key: every source of the tenant waits, the others go on.
      if (attempt.status === 429) this.#gate.holdTenant(this.#tenant, delayMs, this.#clock.now());
      this.#logger.warn(
        { source: this.#sourceId, request: where, reason: attempt.reason, retry: retry + 1, of: maxRetries, delayMs },
        'Vision One request failed; retrying.',
      );
      await this.#clock.sleep(delayMs, signal);
    }
  }

  async #attempt(url: RequestUrl, filter: string | undefined, signal: AbortSignal, where: string, budget: PollBudget): Promise<Attempt> {
    const headers = filter === undefined ? this.#headers : [...this.#ownHeaders, 'tmv1-filter', filter, 'Host', this.#base.host];
    let status: number;
    let retryAfter: string | null;
    let text: string;
    let bytes: number;
    // The whole exchange, body included, shares one time limit; its timer is cleared as soon as it ends.
    const exchange = httpGet(url, headers, signal, this.#timeoutMs);
    try {
      // node:http, not fetch (a fraction of its cost per request, issue #20); a redirect is reported, never followed
      // with the API key to wherever it points.
      const response = await exchange.response;
      status = response.statusCode ?? 0;
      const header = response.headers['retry-after'];
      retryAfter = header === undefined ? null : String(header);
      // Streamed under a limit, never read whole: a 2xx body may be as large as the poll has left; an error body is
      // only read for its message.
      const ok = status >= 200 && status < 300;
      const allowance = ok ? budget.responseAllowance() : { bytes: ERROR_BODY_BYTES, limit: 'bytesPerResponse' as const };
      try {
        ({ text, bytes } = await readBodyWithin(response, allowance.bytes, allowance.limit, where, this.#limitDetails[allowance.limit]));
      } catch (error) {
        if (ok || !SourceLimitError.isLimit(error)) throw error;
        text = '';
        bytes = 0;
      }
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (SourceLimitError.isLimit(error)) throw error;
      const reason = exchange.timedOut ? `no answer within ${this.#timeoutMs} ms` : `a network error (${networkCause(error)})`;
      return { ok: false, reason, retryAfter: null, status: undefined };
    } finally {
      exchange.done();
    }

    if (status >= 200 && status < 300) {
      try {
        return { ok: true, body: parseAnswerJson(text, where, { path: this.#path('limits.itemDepth'), hint: LIMIT_HINT }), bytes };
      } catch (error) {
        if (SourceLimitError.isLimit(error)) throw error;
        throw new SyslogConnectorError('SOURCE_RESPONSE', `${where} answered HTTP ${status} with a body that is not JSON`, {
          path: this.#path('baseUrl'),
          hint: 'check that `baseUrl` points at the Vision One API (https://api.<region>.xdr.trendmicro.com)',
        });
      }
    }

    const trend = this.#trendError(text);
    const reason = `HTTP ${status}${trend}`;
    if (status === 401 || status === 403) {
      throw new SyslogConnectorError(
        'SOURCE_AUTH',
        status === 401
          ? `Vision One rejected the API key (${reason})`
          : `The API key may not call ${url.pathname} (${reason})`,
        { path: this.#path('token'), hint: AUTH_HINT },
      );
    }
    if (RETRYABLE_STATUS.has(status)) {
      return { ok: false, reason, retryAfter: retryAfter, status: status };
    }
    if (status >= 300 && status < 400) {
      throw new SyslogConnectorError('SOURCE_HTTP', `${where} was redirected (HTTP ${status}); redirects are not followed`, {
        path: this.#path('baseUrl'),
        hint: 'set `baseUrl` (or `region`) to the API host itself',
      });
    }
    throw new SyslogConnectorError('SOURCE_HTTP', `${where} failed with ${reason}`, {
      path: this.#path('baseUrl'),
      hint: 'the request was refused as sent; this is a bug or an API change — report it with this message',
    });
  }

  #envelope(body: unknown, url: RequestUrl): Envelope {
    const envelope = asEnvelope(body);
    if (envelope !== undefined) return envelope;
    // Not the envelope: zod says what is wrong with it.
    const result = envelopeSchema.safeParse(body);
    if (!result.success) {
      throw new SyslogConnectorError('SOURCE_RESPONSE', `GET ${url.pathname} answered without the list envelope (${summarizeIssues(result.error)})`, {
        path: this.#path('baseUrl'),
        hint: 'check that `baseUrl` points at the Vision One API',
      });
    }
    return result.data;
  }

  /**
   * The URL of a first page: the path's part parsed once per path (`#paths`), the query appended as text — a
   * `RequestUrl` as `new URL` would make it, without parsing the whole of it again on every poll (issue #20).
   */
  #url(path: string, query: VisionOneQuery): RequestUrl {
    // encodeURIComponent, not URLSearchParams: a space becomes %20, never `+` (`orderBy=createdDateTime%20asc`); and
    // `'` as %27, as the URL parser writes it in a query.
    let search = '';
    for (const key in query) {
      const value = query[key];
      if (value !== undefined) search += `${search === '' ? '?' : '&'}${encodeURIComponent(key)}=${encodeURIComponent(String(value)).replaceAll("'", '%27')}`;
    }
    let base = this.#paths.get(path);
    if (base === undefined) {
      const url = new URL(this.#prefix + path);
      // A path with a query or a fragment of its own is parsed with the query each time.
      if (url.search !== '' || url.hash !== '') return new URL(this.#prefix + path + search);
      base = { origin: url.origin, href: url.href, pathname: url.pathname };
      this.#paths.set(path, base);
    }
    return { origin: base.origin, href: base.href + search, pathname: base.pathname, search };
  }

  /**
   * FACTS §B.2: follow nextLink exactly, but encode the literal spaces it may contain (as Elastic's integration
   * does); a raw space in the request line is a 400. Only the API's own origin gets the API key.
   */
  #nextLink(link: string): URL {
    let next: URL;
    try {
      next = new URL(link.replaceAll(' ', '%20'), this.#base);
    } catch {
      throw new SyslogConnectorError('SOURCE_RESPONSE', 'Vision One sent a nextLink that is not a URL', { path: this.#path('baseUrl') });
    }
    if (next.origin !== this.#base.origin) {
      throw new SyslogConnectorError(
        'SOURCE_RESPONSE',
        `Vision One sent a nextLink to ${next.origin}, not ${this.#base.origin}; the API key is not sent elsewhere`,
        { path: this.#path('baseUrl'), hint: 'set `baseUrl` (or `region`) to the host the API answers from' },
      );
    }
    return next;
  }

  #trendError(text: string): string {
    let parsed: unknown;
    try {
      parsed = parseJson(text);
    } catch {
      return '';
    }
    const result = errorBodySchema.safeParse(parsed);
    if (!result.success) return '';
    const { code, message } = result.data.error;
    const parts = [code, message].filter((p): p is string => p !== undefined && p !== '');
    return parts.length === 0 ? '' : ` ${this.#scrub(parts.join(': '))}`;
  }

  #scrub(text: string): string {
    return this.#token === '' ? text : text.replaceAll(this.#token, '[REDACTED]');
  }

  #path(key: string): string {
    return `${this.#configPath}.${key}`;
  }
}

/** `path: message` per zod issue, without the offending values (they may be hostile or huge). */
const summarizeIssues = (error: z.ZodError): string =>
  error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length === 0 ? '(item)' : issue.path.join('.')}: ${issue.message}`)
    .join('; ') + (error.issues.length > 5 ? `; and ${error.issues.length - 5} more` : '');

/** node:http's errors carry their code (ECONNREFUSED, ECONNRESET); fetch's carried it in their cause. */
const networkCause = (error: unknown): string => {
  const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
  return (error as NodeJS.ErrnoException | undefined)?.code ?? cause?.code ?? cause?.message ?? describeError(error);
};
