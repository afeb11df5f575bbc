import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a route answers: a status, a content type and a body (text, JSON text or a file's bytes). */
export interface AdminResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string | Buffer;
  /** More headers (Set-Cookie, Location, Retry-After, …). */
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
}

/** A route that keeps the response open (server-sent events): it writes to `response` itself. */
export interface AdminStream {
  readonly stream: (response: ServerResponse, request: IncomingMessage) => void;
}

/**
 * Who may call a route. `public`: anyone who reaches the listener (probes, the console's static files);
 * `token`: `Authorization: Bearer <token>`; `session`: the bearer token, or the console's session cookie — with the
 * session's CSRF token on every method but GET/HEAD (see `AdminAccess`).
 */
export type RouteAccess = 'public' | 'token' | 'session';

export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** What a route's handler gets besides the request: the path's captured parts (decoded) and the JSON body. */
export interface RouteInput {
  readonly params: readonly string[];
  /** The parsed JSON body of POST/PUT (undefined for GET/DELETE). */
  readonly body: unknown;
}

export interface AdminRoute {
  /** An exact path, or a pattern whose groups become `params` (matched against the whole path). */
  readonly path: string | RegExp;
  readonly access: RouteAccess;
  /** GET is also answered for HEAD, without the body. */
  readonly method: RouteMethod;
  handle(request: IncomingMessage, input: RouteInput): Promise<AdminResponse | AdminStream>;
}

/** Decides whether a request may call a route: undefined when it may, else the answer to send (401, 403, …). */
export type AdminAccess = (request: IncomingMessage, route: AdminRoute | undefined) => AdminResponse | undefined;

export const text = (status: number, body: string): AdminResponse => ({ status, contentType: 'text/plain; charset=utf-8', body });

export const json = (status: number, value: unknown, headers?: AdminResponse['headers']): AdminResponse => ({
  status,
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify(value),
  ...(headers === undefined ? {} : { headers }),
});

/** A JSON error answer of the console API (`ApiError`). */
export const apiError = (status: number, error: string, more: Record<string, unknown> = {}, headers?: AdminResponse['headers']): AdminResponse =>
  json(status, { error, ...more }, headers);

/** Largest JSON body the admin API reads (a certificate chain and key fit many times over). */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The console's content security policy: files of this origin only, no inline script or style, no frame, no
 * asset from anywhere else (many SOCs have no internet).
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** Headers on every answer of the admin listener. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

class BodyError extends Error {
  readonly answer: AdminResponse;
  constructor(answer: AdminResponse) {
    super(typeof answer.body === 'string' ? answer.body : 'bad body');
    this.answer = answer;
  }
}

/**
 * The admin listener's routes, matched by exact path or pattern, then method. Access is checked before anything
 * else, and an unknown path answers 401 to a caller without the token, so the route list itself is not public.
 * Every answer carries `SECURITY_HEADERS` and `Cache-Control: no-store`.
 */
export class AdminRouter {
  readonly #routes: readonly AdminRoute[];
  readonly #access: AdminAccess;
  readonly #failed: (path: string, error: unknown) => void;

  /** `failed` hears a route's unexpected error; the caller gets a bare 500, never the error's text. */
  constructor(routes: readonly AdminRoute[], access: AdminAccess, failed: (path: string, error: unknown) => void) {
    this.#routes = routes;
    this.#access = access;
    this.#failed = failed;
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://admin').pathname;
    const answer = await this.#answer(request, path).catch((error: unknown) => {
      if (error instanceof BodyError) return error.answer;
      this.#failed(path, error);
      return path.startsWith('/api/') ? apiError(500, 'internal error; see the connector log') : text(500, 'internal error; see the connector log\n');
    });
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    response.setHeader('Cache-Control', 'no-store');
    if ('stream' in answer) {
      answer.stream(response, request);
      return;
    }
    response.statusCode = answer.status;
    response.setHeader('Content-Type', answer.contentType);
    for (const [name, value] of Object.entries(answer.headers ?? {})) response.setHeader(name, value as string | string[]);
    response.end(request.method === 'HEAD' ? undefined : answer.body);
  }

  async #answer(request: IncomingMessage, path: string): Promise<AdminResponse | AdminStream> {
    const matching = this.#routes.flatMap((route) => {
      if (typeof route.path === 'string') return route.path === path ? [{ route, params: [] as string[] }] : [];
      const match = route.path.exec(path);
      return match === null || match[0] !== path ? [] : [{ route, params: match.slice(1).map((p) => safeDecode(p ?? '')) }];
    });
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const found = matching.find((m) => m.route.method === method);
    const denied = this.#access(request, found?.route ?? matching[0]?.route);
    if (denied !== undefined) return denied;
    if (matching.length === 0) return path.startsWith('/api/') ? apiError(404, 'not found') : text(404, 'not found\n');
    if (found === undefined) {
      const allow = [...new Set(matching.flatMap((m) => (m.route.method === 'GET' ? ['GET', 'HEAD'] : [m.route.method])))].join(', ');
      return { ...apiError(405, 'method not allowed'), headers: { Allow: allow } };
    }
    const body = method === 'POST' || method === 'PUT' ? await readJsonBody(request) : undefined;
    return found.route.handle(request, { params: found.params, body });
  }
}

const safeDecode = (part: string): string => {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
};

/** Reads a JSON body: `application/json`, at most `MAX_BODY_BYTES`; an empty body is `{}`. */
const readJsonBody = async (request: IncomingMessage): Promise<unknown> => {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  const length = Number(request.headers['content-length'] ?? 0);
  if (length > MAX_BODY_BYTES) throw new BodyError(apiError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`));
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyError(apiError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`));
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  // Only JSON: a cross-site form cannot send it without a CORS preflight the listener never grants.
  if (type !== 'application/json') throw new BodyError(apiError(415, 'send the body as Content-Type: application/json'));
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new BodyError(apiError(400, 'the body is not valid JSON'));
  }
};
