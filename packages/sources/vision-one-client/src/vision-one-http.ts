import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * One keep-alive agent per API origin, shared by every client of the process: the sources of one region reuse its
 * connections (how many are in use at once is the host gate's business, `maxConcurrentRequests`). A free
 * connection does not keep the process alive, and it is closed before the server's `Keep-Alive: timeout` ends it.
 * With `NODE_USE_ENV_PROXY=1` the agent takes `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` from the environment, as
 * Node's fetch does.
 */
const targets = new Map<string, Target>();

/** Where the requests to one origin go: its agent and the parts of its URL `node:http` takes, worked out once. */
interface Target {
  readonly protocol: string;
  readonly hostname: string;
  readonly port: number | undefined;
  readonly agent: HttpAgent;
}

/** What a request needs of its URL: a `URL` has it all; the client's first pages are plain objects (`#url`). */
export interface RequestUrl {
  readonly origin: string;
  readonly href: string;
  readonly pathname: string;
  readonly search: string;
}

const targetFor = (request: RequestUrl): Target => {
  let target = targets.get(request.origin);
  if (target === undefined) {
    const url = new URL(request.origin);
    const options = { keepAlive: true, ...(process.env['NODE_USE_ENV_PROXY'] === '1' ? { proxyEnv: process.env } : {}) };
    const agent = url.protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
    // `[::1]` in a URL, `::1` for the socket (as node:http's own urlToHttpOptions does).
    target = { protocol: url.protocol, hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port === '' ? undefined : Number(url.port), agent };
    targets.set(url.origin, target);
  }
  return target;
};

/**
 * The requests in flight per poll signal, destroyed with the signal's reason when it aborts: one listener per signal
 * for its life, not one per request (issue #20).
 */
const inFlight = new WeakMap<AbortSignal, Set<ClientRequest>>();

const requestsOf = (signal: AbortSignal): Set<ClientRequest> => {
  let requests = inFlight.get(signal);
  if (requests === undefined) {
    const set = new Set<ClientRequest>();
    signal.addEventListener(
      'abort',
      () => {
        for (const request of set) request.destroy(signal.reason as Error);
        set.clear();
      },
      { once: true },
    );
    inFlight.set(signal, set);
    requests = set;
  }
  return requests;
};

/** One GET: its answer once the head arrived, whether its time ran out, and `done()` once its body is read. */
export interface HttpExchange {
  readonly response: Promise<IncomingMessage>;
  /** True once `timeoutMs` passed before `done()`: the request (and its connection) was destroyed then. */
  readonly timedOut: boolean;
  /** The exchange is over (its body read, or given up): clears its timer; the poll's signal no longer concerns it. */
  done(): void;
}

class Exchange implements HttpExchange {
  readonly response: Promise<IncomingMessage>;
  timedOut = false;
  readonly #request: ClientRequest;
  readonly #requests: Set<ClientRequest>;
  readonly #timer: NodeJS.Timeout;

  constructor(target: Target, path: string, headers: readonly string[], signal: AbortSignal, timeoutMs: number) {
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    let settle!: { resolve: (response: IncomingMessage) => void; reject: (error: Error) => void };
    this.response = new Promise<IncomingMessage>((resolve, reject) => {
      settle = { resolve, reject };
    });
    this.#request = send({ ...target, path, method: 'GET', headers }, settle.resolve);
    this.#request.once('error', settle.reject);
    this.#requests = requestsOf(signal);
    this.#timer = setTimeout(() => {
      this.timedOut = true;
      this.#request.destroy(new DOMException(`The request took longer than ${timeoutMs} ms`, 'TimeoutError'));
    }, timeoutMs);
    this.#timer.unref();
    if (signal.aborted) {
      this.#request.destroy(signal.reason as Error);
      return;
    }
    this.#requests.add(this.#request);
    this.#request.end();
  }

  done(): void {
    clearTimeout(this.#timer);
    this.#requests.delete(this.#request);
  }
}

/**
 * `GET url` with `node:http`/`node:https`, bounded by `timeoutMs` and the poll's `signal`: the answer resolves once
 * its head arrived (its body is the caller's to read, `readBodyWithin`, within the same time limit); a redirect is
 * answered as it is, never followed. Not `fetch`: with 1,000 idle sources (apps/connector bench, issue #20) fetch's
 * Request/Response objects and web streams were most of a poll's CPU and garbage. The request's options are built
 * from the origin's `Target` and the URL's path (not the URL object: node:http would take it apart again on every
 * request), and `headers` as node:http's flat list of names and values, the host among them (node:http writes a list
 * as it is; an object's headers it sets one by one). Running out of time or an abort of `signal` destroys the request and its connection (an answer being
 * read then fails). Neither an `AbortController` per request nor node:http's `signal` option: that option watches
 * the request with `eos` and an abort listener each time, and with the controller and its listener on the poll's
 * signal they were a tenth of an idle poll's garbage (issue #20).
 */
export const httpGet = (url: RequestUrl, headers: readonly string[], signal: AbortSignal, timeoutMs: number): HttpExchange =>
  new Exchange(targetFor(url), url.pathname + url.search, headers, signal, timeoutMs);
