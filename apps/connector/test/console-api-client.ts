import { request as httpsRequest } from 'node:https';

/** An answer of the admin listener: status, headers and body as text. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
  json<T = Record<string, unknown>>(): T;
}

/**
 * A browser-like client of the console API over real HTTP(S): it keeps the session cookie and the CSRF token as the
 * page does, and records every response body so a test can assert no secret was ever sent back.
 */
export class ConsoleClient {
  readonly bodies: string[] = [];
  cookie: string | undefined;
  csrf: string | undefined;
  readonly #base: string;
  readonly #ca: string | undefined;

  constructor(base: string, ca?: string) {
    this.#base = base;
    this.#ca = ca;
  }

  async signIn(token: string): Promise<Answer> {
    const answer = await this.send('POST', '/api/session', { token }, { csrf: false });
    if (answer.status === 200) {
      this.cookie = answer.headers.get('set-cookie')?.split(';')[0];
      this.csrf = answer.json<{ csrfToken: string }>().csrfToken;
    }
    return answer;
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
    return this.send('GET', path, undefined, { headers });
  }

  put(path: string, body: unknown): Promise<Answer> {
    return this.send('PUT', path, body);
  }

  post(path: string, body: unknown): Promise<Answer> {
    return this.send('POST', path, body);
  }

  async send(
    method: string,
    path: string,
    body?: unknown,
    options: { readonly csrf?: boolean; readonly headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = {
      ...(this.cookie === undefined ? {} : { cookie: this.cookie }),
      ...(options.csrf !== false && this.csrf !== undefined ? { 'x-csrf-token': this.csrf } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    };
    const text = body === undefined ? undefined : JSON.stringify(body);
    const answer = this.#ca === undefined ? await this.#fetch(method, path, headers, text) : await this.#https(method, path, headers, text);
    this.bodies.push(answer.body);
    return answer;
  }

  async #fetch(method: string, path: string, headers: Record<string, string>, body: string | undefined): Promise<Answer> {
    const response = await fetch(`${this.#base}${path}`, { method, headers, redirect: 'manual', signal: AbortSignal.timeout(20_000), ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text, json: () => JSON.parse(text) };
  }

  /** HTTPS with the test CA (fetch cannot take one). */
  #https(method: string, path: string, headers: Record<string, string>, body: string | undefined): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const request = httpsRequest(`${this.#base}${path}`, { method, headers, ca: this.#ca, timeout: 10_000 }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const out = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) out.append(name, v);
          }
          resolve({ status: response.statusCode ?? 0, headers: out, body: text, json: () => JSON.parse(text) });
        });
      });
      request.on('error', reject);
      request.end(body);
    });
  }
}
