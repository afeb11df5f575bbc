import type { ApiError, FieldIssue } from '../api.js';

/** A non-2xx answer of the admin API, with its JSON body (`ApiError`) when it had one. */
export class ApiFailure extends Error {
  readonly status: number;
  readonly body: ApiError;
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, body: ApiError, retryAfterSeconds?: number) {
    super(body.error);
    this.name = 'ApiFailure';
    this.status = status;
    this.body = body;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  get issues(): readonly FieldIssue[] {
    return this.body.issues ?? [];
  }
}

/** Called when the session is gone (401 on any route but sign-in): the app shows the Sign in screen again. */
export type SignedOutListener = () => void;

const isApiError = (value: unknown): value is ApiError =>
  typeof value === 'object' && value !== null && typeof (value as { error?: unknown }).error === 'string';

/**
 * The browser's side of the admin API: same-origin fetches with the session cookie (HttpOnly, never read here) and
 * the CSRF token on every change. The admin token is sent once, to sign in, and never kept.
 */
export class ApiClient {
  private csrfToken: string | undefined;
  private onSignedOut: SignedOutListener = () => {};

  signedOut(listener: SignedOutListener): void {
    this.onSignedOut = listener;
  }

  /** GET /api/session: true when the cookie still holds a session (the page was reloaded). */
  async resume(): Promise<boolean> {
    try {
      const { csrfToken } = await this.request<{ csrfToken: string }>('GET', '/api/session', undefined, { quiet: true });
      this.csrfToken = csrfToken;
      return true;
    } catch (error) {
      if (error instanceof ApiFailure && error.status === 401) return false;
      throw error;
    }
  }

  async signIn(token: string): Promise<void> {
    const { csrfToken } = await this.request<{ csrfToken: string }>('POST', '/api/session', { token }, { quiet: true });
    this.csrfToken = csrfToken;
  }

  async signOut(): Promise<void> {
    try {
      await this.request('DELETE', '/api/session');
    } finally {
      this.csrfToken = undefined;
    }
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  private async request<T>(method: string, path: string, body?: unknown, options: { quiet?: boolean } = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && method !== 'HEAD' && this.csrfToken !== undefined) headers['X-CSRF-Token'] = this.csrfToken;
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers,
        credentials: 'same-origin',
        cache: 'no-store',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new ApiFailure(0, { error: `The connector did not answer (${(error as Error).message}).`, hint: 'Check that the daemon runs, then try again.' });
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (response.ok) return json as T;
    const failure = new ApiFailure(
      response.status,
      isApiError(json) ? json : { error: `The connector answered ${response.status} ${response.statusText}.` },
      Number(response.headers.get('Retry-After') ?? '') || undefined,
    );
    if (response.status === 401 && options.quiet !== true) {
      this.csrfToken = undefined;
      this.onSignedOut();
    }
    throw failure;
  }
}
