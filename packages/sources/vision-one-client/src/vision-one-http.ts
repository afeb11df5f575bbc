import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
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

const targetFor = (url: URL): Target => {
  let target = targets.get(url.origin);
  if (target === undefined) {
    const options = { keepAlive: true, ...(process.env['NODE_USE_ENV_PROXY'] === '1' ? { proxyEnv: process.env } : {}) };
    const agent = url.protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
    // `[::1]` in a URL, `::1` for the socket (as node:http's own urlToHttpOptions does).
    target = { protocol: url.protocol, hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port === '' ? undefined : Number(url.port), agent };
    targets.set(url.origin, target);
  }
  return target;
};

/**
 * `GET url` with `node:http`/`node:https`: resolves with the answer once its head arrived (its body is the caller's
 * to read, `readBodyWithin`); a redirect is answered as it is, never followed. Not `fetch`: with 1,000 idle sources
 * (apps/connector bench, issue #20) fetch's Request/Response objects and web streams were most of a poll's CPU and
 * garbage. The request's options are built from the origin's `Target` and the URL's path (not the URL object:
 * node:http would take it apart again on every request). Aborting `signal` ends the request and its connection.
 */
export const httpGet = (url: URL, headers: Readonly<Record<string, string>>, signal: AbortSignal): Promise<IncomingMessage> =>
  new Promise((resolve, reject) => {
    const target = targetFor(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    send({ ...target, path: url.pathname + url.search, method: 'GET', headers, signal }, resolve)
      .once('error', reject)
      .end();
  });
