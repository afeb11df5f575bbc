import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * One keep-alive agent per API origin, shared by every client of the process: the sources of one region reuse its
 * connections (how many are in use at once is the host gate's business, `maxConcurrentRequests`). A free
 * connection does not keep the process alive, and it is closed before the server's `Keep-Alive: timeout` ends it.
 * With `NODE_USE_ENV_PROXY=1` the agent takes `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` from the environment, as
 * Node's fetch does.
 */
const agents = new Map<string, HttpAgent>();

const agentFor = (url: URL): HttpAgent => {
  let agent = agents.get(url.origin);
  if (agent === undefined) {
    const options = { keepAlive: true, ...(process.env['NODE_USE_ENV_PROXY'] === '1' ? { proxyEnv: process.env } : {}) };
    agent = url.protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
    agents.set(url.origin, agent);
  }
  return agent;
};

/**
 * `GET url` with `node:http`/`node:https`: resolves with the answer once its head arrived (its body is the caller's
 * to read, `readBodyWithin`); a redirect is answered as it is, never followed. Not `fetch`: with 1,000 idle sources
 * (apps/connector bench, issue #20) fetch's Request/Response objects and web streams were most of a poll's CPU and
 * garbage. Aborting `signal` ends the request and its connection.
 */
export const httpGet = (url: URL, headers: Readonly<Record<string, string>>, signal: AbortSignal): Promise<IncomingMessage> =>
  new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    send(url, { method: 'GET', headers, agent: agentFor(url), signal }, resolve)
      .once('error', reject)
      .end();
  });
