import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type AdminAccess, type AdminResponse, type AdminRoute, apiError, json, text } from './admin-router.js';
import { bearerTokenMatches } from './bearer-token.js';

export const SESSION_COOKIE = 'sc_session';
/** A session ends this long after sign-in, whatever happens. */
export const SESSION_MAX_AGE_MS = 8 * 3_600_000;
/** …or after this long without a request. */
export const SESSION_IDLE_MS = 30 * 60_000;
/** Failed sign-ins a minute from one client address, and from all together, before sign-in answers 429. */
export const SIGN_IN_FAILURES_PER_ADDRESS = 5;
export const SIGN_IN_FAILURES_OVERALL = 20;
const SIGN_IN_WINDOW_MS = 60_000;
/** Most sessions at a time: the oldest goes first (each is a few bytes; this only bounds memory). */
const MAX_SESSIONS = 1_000;

interface Session {
  readonly csrf: string;
  readonly created: number;
  used: number;
}

/** Both sides hashed first, so the comparison takes the same time whatever the length (as `bearerTokenMatches`). */
const sameSecret = (a: string, b: string): boolean =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

const cookieOf = (request: IncomingMessage, name: string): string | undefined => {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
};

/**
 * The console's sign-in: the admin token (`admin.token`) exchanged for a session cookie (HttpOnly, SameSite=Strict,
 * Secure with TLS) and a CSRF token the page sends back as `X-CSRF-Token` on every change. Failed sign-ins are
 * limited per client address and overall. Sessions live in memory: a restart signs everyone out.
 */
export class ConsoleSessions {
  readonly #token: string;
  readonly #secure: boolean;
  readonly #now: () => number;
  readonly #sessions = new Map<string, Session>();
  /** Times of failed sign-ins in the last minute, per client address and overall. */
  readonly #failures = new Map<string, number[]>();
  #allFailures: number[] = [];

  constructor(token: string, secure: boolean, now: () => number = Date.now) {
    this.#token = token;
    this.#secure = secure;
    this.#now = now;
  }

  /** The session of a request's cookie, if it is one that has not ended. */
  session(request: IncomingMessage): Session | undefined {
    const id = cookieOf(request, SESSION_COOKIE);
    if (id === undefined) return undefined;
    const key = hashId(id);
    const session = this.#sessions.get(key);
    if (session === undefined) return undefined;
    const now = this.#now();
    if (now - session.created > SESSION_MAX_AGE_MS || now - session.used > SESSION_IDLE_MS) {
      this.#sessions.delete(key);
      return undefined;
    }
    session.used = now;
    return session;
  }

  /**
   * `AdminAccess` for the listener: `public` routes to anyone; `token` routes with the bearer token; `session`
   * routes with the bearer token, or a session cookie plus, on a change, the CSRF header (and a same-origin `Origin`
   * when the browser sends one).
   */
  readonly access: AdminAccess = (request, route) => {
    if (route?.access === 'public') return undefined;
    const bearer = bearerTokenMatches(request.headers.authorization, this.#token);
    if (bearer) return undefined;
    const api = new URL(request.url ?? '/', 'http://admin').pathname.startsWith('/api/');
    if (route?.access === 'session') {
      const session = this.session(request);
      if (session !== undefined) return this.#checkChange(request, route, session);
    }
    // Never echo what was sent: the header may hold a token meant for something else.
    return api
      ? apiError(401, 'not signed in: sign in with the admin token (admin.token)', {}, { 'WWW-Authenticate': 'Bearer realm="syslog-connector"' })
      : {
          ...text(401, 'unauthorized: send the admin token as `Authorization: Bearer <token>` (admin.token)\n'),
          headers: { 'WWW-Authenticate': 'Bearer realm="syslog-connector"' },
        };
  };

  #checkChange(request: IncomingMessage, route: AdminRoute, session: Session): AdminResponse | undefined {
    if (route.method === 'GET') return undefined;
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== 'null') {
      let host: string | undefined;
      try {
        host = new URL(origin).host;
      } catch {
        host = undefined;
      }
      if (host !== request.headers.host) return apiError(403, 'cross-origin request refused');
    }
    const given = request.headers['x-csrf-token'];
    if (typeof given !== 'string' || !sameSecret(given, session.csrf)) {
      return apiError(403, 'missing or wrong CSRF token: send the X-CSRF-Token header the sign-in answered', { hint: 'reload the page' });
    }
    return undefined;
  }

  /** POST /api/session: the admin token for a session. */
  signIn(request: IncomingMessage, body: unknown): AdminResponse {
    const now = this.#now();
    const address = request.socket.remoteAddress ?? 'unknown';
    const waitMs = this.#blockedFor(address, now);
    if (waitMs > 0) {
      const seconds = Math.max(1, Math.ceil(waitMs / 1_000));
      return apiError(429, `too many failed sign-ins; try again in ${seconds} s`, {}, { 'Retry-After': String(seconds) });
    }
    const token = typeof body === 'object' && body !== null && typeof (body as { token?: unknown }).token === 'string' ? (body as { token: string }).token : '';
    if (token === '' || !sameSecret(token, this.#token)) {
      this.#failed(address, now);
      return apiError(401, 'wrong admin token', { hint: 'the token is admin.token of the config (e.g. ${SYSLOG_CONNECTOR_ADMIN_TOKEN})' });
    }
    const id = randomBytes(32).toString('base64url');
    const csrf = randomBytes(32).toString('base64url');
    if (this.#sessions.size >= MAX_SESSIONS) this.#sessions.delete(this.#sessions.keys().next().value as string);
    this.#sessions.set(hashId(id), { csrf, created: now, used: now });
    return json(200, { csrfToken: csrf }, { 'Set-Cookie': this.#cookie(id, Math.floor(SESSION_MAX_AGE_MS / 1_000)) });
  }

  /** DELETE /api/session. */
  signOut(request: IncomingMessage): AdminResponse {
    const id = cookieOf(request, SESSION_COOKIE);
    if (id !== undefined) this.#sessions.delete(hashId(id));
    return { status: 204, contentType: 'text/plain; charset=utf-8', body: '', headers: { 'Set-Cookie': this.#cookie('', 0) } };
  }

  #cookie(value: string, maxAge: number): string {
    return `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAge}${this.#secure ? '; Secure' : ''}`;
  }

  #recent(times: readonly number[] | undefined, now: number): number[] {
    return (times ?? []).filter((t) => now - t < SIGN_IN_WINDOW_MS);
  }

  /** How long sign-in stays refused for this address (0: not refused). */
  #blockedFor(address: string, now: number): number {
    const mine = this.#recent(this.#failures.get(address), now);
    this.#allFailures = this.#recent(this.#allFailures, now);
    const until = (times: readonly number[], limit: number) => (times.length >= limit ? (times[times.length - limit] as number) + SIGN_IN_WINDOW_MS - now : 0);
    return Math.max(until(mine, SIGN_IN_FAILURES_PER_ADDRESS), until(this.#allFailures, SIGN_IN_FAILURES_OVERALL));
  }

  #failed(address: string, now: number): void {
    // Forget addresses whose failures are all older than the window, so the map stays small.
    for (const [key, times] of this.#failures) if (this.#recent(times, now).length === 0) this.#failures.delete(key);
    this.#failures.set(address, [...this.#recent(this.#failures.get(address), now), now]);
    this.#allFailures.push(now);
  }
}

/** Sessions are kept by the hash of their id: a memory dump does not hand out live cookies. */
const hashId = (id: string): string => createHash('sha256').update(id).digest('base64url');
