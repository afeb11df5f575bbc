import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a route answers: a status, a content type and a text body. */
export interface AdminResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/**
 * Who may call a route. `public`: anyone who reaches the listener (probes); `token`: `Authorization: Bearer <token>`.
 */
export type RouteAccess = 'public' | 'token';

export interface AdminRoute {
  readonly path: string;
  readonly access: RouteAccess;
  /** GET (HEAD is answered from it, without the body). Routes of the admin API may add other methods. */
  readonly method: 'GET';
  handle(request: IncomingMessage): Promise<AdminResponse>;
}

export const text = (status: number, body: string): AdminResponse => ({ status, contentType: 'text/plain; charset=utf-8', body });

/**
 * The admin listener's routes, matched by exact path. Access is checked before anything else, and an unknown path
 * answers 401 to a caller without the token, so the route list itself is not public.
 *
 * The admin API for the web console belongs here, as more `token` routes under `/api/` (one file per resource
 * next to this one, added to the list in `admin-listener.ts`).
 */
export class AdminRouter {
  readonly #routes: ReadonlyMap<string, AdminRoute>;
  readonly #authorized: (request: IncomingMessage) => boolean;
  readonly #failed: (path: string, error: unknown) => void;

  /** `failed` hears a route's unexpected error; the caller gets a bare 500, never the error's text. */
  constructor(routes: readonly AdminRoute[], authorized: (request: IncomingMessage) => boolean, failed: (path: string, error: unknown) => void) {
    this.#routes = new Map(routes.map((route) => [route.path, route]));
    this.#authorized = authorized;
    this.#failed = failed;
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://admin').pathname;
    const route = this.#routes.get(path);
    const answer = await this.#answer(request, route).catch((error: unknown) => {
      this.#failed(path, error);
      return text(500, 'internal error; see the connector log\n');
    });
    response.statusCode = answer.status;
    response.setHeader('Content-Type', answer.contentType);
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    if (answer.status === 401) response.setHeader('WWW-Authenticate', 'Bearer realm="syslog-connector"');
    if (answer.status === 405) response.setHeader('Allow', 'GET, HEAD');
    response.end(request.method === 'HEAD' ? undefined : answer.body);
  }

  async #answer(request: IncomingMessage, route: AdminRoute | undefined): Promise<AdminResponse> {
    if (route?.access !== 'public' && !this.#authorized(request)) {
      // Never echo what was sent: the header may hold a token meant for something else.
      return text(401, 'unauthorized: send the admin token as `Authorization: Bearer <token>` (admin.token)\n');
    }
    if (route === undefined) return text(404, 'not found\n');
    if (request.method !== route.method && !(request.method === 'HEAD' && route.method === 'GET')) return text(405, 'method not allowed\n');
    return route.handle(request);
  }
}
