import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describeError, type ListedDeadLetter, type Logger, SyslogConnectorError, z } from '@syslog-connector/core';
import { type ConnectorConfig } from '@syslog-connector/core/engine';
import { Document, isMap } from 'yaml';
import { checkDestination, checkSource } from '../commands/test-connection-command.js';
import { oneShotContainer } from '../commands/destination-selection.js';
import { sendTestMessage } from '../commands/send-test-command.js';
import type { ReloadOutcome } from '../config/config-reloader.js';
import { type LoadedConfig, loadConnectorConfig, validateDocument } from '../config/load-connector-config.js';
import type { ConnectorStatus, RecentLine } from '../connector.js';
import { hostSecrets } from '../logger.js';
import { type AdminResponse, type AdminRoute, type AdminStream, apiError, json } from './admin-router.js';
import {
  changedPaths,
  documentText,
  PendingFiles,
  parseConfigDocument,
  plainValue,
  readConfigFile,
  revisionOf,
  writeFileAtomic,
} from './console-config-file.js';
import { applyServerDraft, type EditContext, type FieldIssue, serverDraftSchema, type ServerStatus } from './console-servers.js';
import type { ConsoleSessions } from './console-session.js';
import { UploadError, UploadStore } from './console-uploads.js';
import { applyMdiSave, mdiDestination, mdiSaveSchema, mdiSyslogSchema, readMdiScreen } from './mdi-screen.js';
import { applyVisionOneSave, readVisionOneScreen, visionOneSaveSchema } from './vision-one-screen.js';

/** What the console reads from the running daemon (the `Connector`), or undefined while there is none. */
export interface ConsoleTarget {
  readonly config: ConnectorConfig;
  status(): Promise<ConnectorStatus>;
  recentLines(destination: string): readonly RecentLine[] | undefined;
  deadLetters(limit: number): Promise<readonly ListedDeadLetter[]>;
  redriveDeadLetter(id: number): Promise<{ readonly line: string } | { readonly missing: true } | { readonly gone: string }>;
}

/** What the console needs of the daemon besides the listener: the config file, and the reload path. */
export interface ConsoleOptions {
  readonly configPath: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Applies the saved file as SIGHUP does (`ConfigReloader.request('console')`). */
  readonly reload: () => Promise<ReloadOutcome>;
  /** Called with the text just written, before `reload` (the file watcher then ignores that change). */
  readonly written?: (text: string) => void;
  /** The console's built files; default `consoleAssetsDir()` of `@syslog-connector/console`. */
  readonly assetsDir?: string;
}

/** How often the status stream sends the status, and the most streams open at a time. */
export const STATUS_STREAM_INTERVAL_MS = 2_000;
const MAX_STATUS_STREAMS = 16;
const DEFAULT_DEAD_LETTERS = 100;
const MAX_DEAD_LETTERS = 1_000;
/** The start of an event's JSON shown with a dead letter. */
const EXCERPT_CHARS = 2_000;

/**
 * Every answer of the console API goes through the host's redactor: a server's error quoted in a step or a status
 * may echo part of a token, and nothing sent to a browser may hold a secret (issue #17).
 */
const reply = (status: number, value: unknown, headers?: AdminResponse['headers']): AdminResponse => json(status, hostSecrets.redactValue(value), headers);

/** Zod problems of a request body, each at its field (the body's own path). */
const bodyIssues = (error: z.ZodError): FieldIssue[] =>
  error.issues.map((issue) => {
    const field = issue.path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text === '' ? String(key) : `${text}.${String(key)}`), '');
    return { path: '', field, message: issue.message };
  });

const connected = (d: ConnectorStatus['destinations'][number]): boolean =>
  d.lastDeliveryAt !== undefined && (d.lastErrorAt === undefined || d.lastDeliveryAt >= d.lastErrorAt);

/**
 * The console's admin API (docs/console-api.md): session, the two vendors' screens on top of the config file,
 * uploads, Test Connection, send test, status (and its stream), the last lines sent, dead letters and Retry.
 * `target` is the running connector (undefined while starting or stopping).
 */
export const consoleApiRoutes = (
  config: ConnectorConfig,
  options: ConsoleOptions,
  sessions: ConsoleSessions,
  logger: Logger,
  target: () => ConsoleTarget | undefined,
): AdminRoute[] => {
  const configPath = resolve(options.configPath);
  const configDir = config.configDir ?? dirname(configPath);
  const uploads = new UploadStore();
  const audit = logger.child({ component: 'console' });
  let streams = 0;
  // Saves run one at a time: each reads the file, checks its revision and writes it.
  let saving: Promise<unknown> = Promise.resolve();
  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const next = saving.then(work);
    saving = next.catch(() => undefined);
    return next;
  };
  const client = (request: IncomingMessage) => request.socket.remoteAddress ?? 'unknown';

  const statusOf = async (): Promise<Map<string, ServerStatus>> => {
    const running = target();
    if (running === undefined) return new Map();
    const status = await running.status().catch(() => undefined);
    return new Map(
      (status?.destinations ?? []).map((d) => [
        d.destination,
        { connected: connected(d), delivered: d.delivered, lag: d.lag, ...(d.lastError === undefined ? {} : { lastError: d.lastError }) },
      ]),
    );
  };

  const readScreen = async <T>(read: (document: Document, status: Map<string, ServerStatus>) => Promise<T> | T): Promise<AdminResponse> => {
    const { text, revision } = await readConfigFile(configPath);
    const document = parseConfigDocument(configPath, text);
    if (document.errors.length > 0) return reply(409, { error: `${configPath} is not valid YAML: ${document.errors[0]?.message.split('\n')[0] ?? ''}`, hint: 'fix the file, then reload the page', revision });
    return reply(200, { revision, ...(await read(document, await statusOf())) });
  };

  /**
   * A screen's save (docs/console-api.md "The YAML stays the one truth"): revision check, edit of the document,
   * validation as `validate` does it, secret files, the file written atomically, then the reload path.
   */
  const save = async <S extends { revision: string }>(
    request: IncomingMessage,
    screen: string,
    schema: z.ZodType<S>,
    body: unknown,
    apply: (document: Document, save: S, context: EditContext) => { readonly issues: FieldIssue[]; readonly field: (path: string) => string },
  ): Promise<AdminResponse> => {
    const parsed = schema.safeParse(body);
    if (!parsed.success) return reply(400, { error: 'the request is not valid: nothing was saved', issues: bodyIssues(parsed.error) });
    return serialized(async () => {
      const before = await readConfigFile(configPath);
      if (parsed.data.revision !== before.revision) {
        return reply(409, {
          error: 'the config file changed on disk since this page was loaded: nothing was saved',
          hint: 'reload the page to see the file as it is now, then make your change again',
          revision: before.revision,
        });
      }
      const document = parseConfigDocument(configPath, before.text);
      if (document.errors.length > 0) return reply(409, { error: `${configPath} is not valid YAML: fix it in the file first`, revision: before.revision });
      if (!isMap(document.contents)) document.contents = document.createNode({});
      const pending = new PendingFiles(configDir, config.stateDir);
      const plan = apply(document, parsed.data, { configDir, pending, uploads });
      if (plan.issues.length > 0) return reply(400, { error: 'the screen has problems: nothing was saved', issues: plan.issues });
      const text = documentText(configPath, document);
      const loaded = await validateDocument(plainValue(configPath, text), configDir, options.env, pending.read);
      if (!loaded.ok) {
        const issues = loaded.issues.map((issue) => ({ ...issue, field: plan.field(issue.path) }));
        return reply(400, { error: `the config would not be valid (${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}): nothing was saved`, issues });
      }
      await pending.commit();
      await writeFileAtomic(configPath, text);
      const changed = changedPaths(plainValue(configPath, before.text), plainValue(configPath, text));
      // What changed, by key: a secret's key is named, its value (and the file's content) never.
      audit.info({ screen, client: client(request), changed, secretFiles: pending.size }, `Console saved the config (${screen}): ${changed.join(', ') || 'no change'}.`);
      options.written?.(text);
      const outcome = await options.reload();
      return reply(200, { revision: revisionOf(text), applied: outcome.applied, ...(outcome.error === undefined ? {} : { reloadError: outcome.error }), changed });
    });
  };

  /**
   * A config for a one-shot check: the file as it is, its `destinations:` replaced by `destinations` (a draft),
   * validated like any config. Undefined with the problems when it is not valid.
   */
  const draftConfig = async (destinations: Record<string, unknown>, pending?: PendingFiles): Promise<{ loaded?: Extract<LoadedConfig, { ok: true }>; problems: string[] }> => {
    const { text } = await readConfigFile(configPath);
    const plain = plainValue(configPath, text) as Record<string, unknown>;
    const loaded = await validateDocument({ ...plain, destinations }, configDir, options.env, pending?.read);
    return loaded.ok ? { loaded, problems: [] } : { problems: loaded.issues.map((i) => `${i.path}: ${i.message}`) };
  };

  /** Runs `work` with a one-shot container of `loaded` (as `test-connection` and `send-test` do), then closes it. */
  const withContainer = async <T>(loaded: Extract<LoadedConfig, { ok: true }>, work: (container: ReturnType<typeof oneShotContainer>, signal: AbortSignal) => Promise<T>): Promise<T> => {
    const controller = new AbortController();
    const container = oneShotContainer(loaded.config, loaded.registry, logger.child({ component: 'console-check' }), controller.signal);
    try {
      return await work(container, controller.signal);
    } finally {
      controller.abort();
      await container.unbindAllAsync();
    }
  };

  const configProblem = (problems: readonly string[]) =>
    reply(200, { ok: false, steps: [{ step: 'config', ok: false, detail: problems.join('; '), hint: 'correct the fields named, then test again', durationMs: 0 }] });

  const testConnection = async (body: unknown): Promise<AdminResponse> => {
    const request = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (typeof request['destination'] === 'string' || typeof request['source'] === 'string') {
      const loaded = await loadConnectorConfig(configPath, options.env);
      if (!loaded.ok) return configProblem(loaded.issues.map((i) => `${i.path}: ${i.message}`));
      const id = String(request['destination'] ?? request['source']);
      if (typeof request['destination'] === 'string') {
        if (loaded.config.destinations[id] === undefined) return apiError(404, `destination "${id}" is not in the config`);
        return reply(200, await withContainer(loaded, (container, signal) => checkDestination(container, id, signal)));
      }
      if (loaded.config.sources[id] === undefined) return apiError(404, `source "${id}" is not in the config`);
      const checked = await withContainer(loaded, (container, signal) => checkSource(container, id, signal));
      return reply(200, { ok: checked.ok, steps: checked.steps, ...(checked.checked ? {} : { detail: 'this source type has no connection check; its first poll shows in the status' }) });
    }
    const draft = serverDraftSchema.safeParse(request['server']);
    if (!draft.success) return reply(400, { error: 'send { server }, { destination } or { source }', issues: bodyIssues(draft.error).map((i) => ({ ...i, field: `server.${i.field}` })) });
    // The draft's uploads go to a folder of their own for the check, removed after it.
    const scratch = await mkdtemp(join(tmpdir(), 'sc-console-test-'));
    try {
      const { text } = await readConfigFile(configPath);
      const plain = plainValue(configPath, text) as { destinations?: Record<string, unknown> };
      const id = draft.data.id ?? 'console-test';
      const kept = draft.data.id === undefined ? undefined : plain.destinations?.[draft.data.id];
      const document = new Document({ destinations: { [id]: kept ?? {} } });
      const pending = new PendingFiles(configDir, scratch);
      const issues = applyServerDraft(document, id, draft.data, { configDir, pending, uploads }, 'server');
      if (issues.length > 0) return configProblem(issues.map((i) => `${i.field}: ${i.message}`));
      const destination = (document.toJS() as { destinations: Record<string, Record<string, unknown>> }).destinations[id] ?? {};
      delete destination['sources'];
      const { loaded, problems } = await draftConfig({ [id]: destination }, pending);
      if (loaded === undefined) return configProblem(problems);
      await pending.commit();
      return reply(200, await withContainer(loaded, (container, signal) => checkDestination(container, id, signal)));
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  };

  const sendTest = async (body: unknown): Promise<AdminResponse> => {
    const parsed = z.object({ syslog: mdiSyslogSchema }).safeParse(body);
    if (!parsed.success) return reply(400, { error: 'the request is not valid', issues: bodyIssues(parsed.error) });
    const id = 'mdi-send-test';
    const { loaded, problems } = await draftConfig({ [id]: mdiDestination(parsed.data.syslog) });
    if (loaded === undefined) return reply(200, { ok: false, detail: problems.join('; '), hint: 'correct the fields named, then try again' });
    const now = Date.now();
    try {
      const { message: line } = await withContainer(loaded, (container, signal) => sendTestMessage(container, id, loaded.config.instance, now, signal));
      const { transport, endpoint, port } = parsed.data.syslog;
      audit.info({ endpoint, port, transport }, 'Console sent a test syslog message.');
      return reply(200, {
        ok: true,
        line,
        detail:
          `sent over ${transport} to ${endpoint}:${port}` +
          (transport === 'udp' ? ' (UDP cannot confirm arrival)' : ' (the syslog protocol has no acknowledgement: check the server)') +
          `; look for signature id syslog-connector-test, instance ${loaded.config.instance}, sent at ${new Date(now).toISOString()}`,
      });
    } catch (error) {
      const hint = SyslogConnectorError.is(error) ? error.hint : undefined;
      return reply(200, { ok: false, detail: `not sent: ${describeError(error)}`, ...(hint === undefined ? {} : { hint }) });
    }
  };

  const statusView = async () => {
    const running = target();
    if (running === undefined) return { at: Date.now(), running: false, sources: [], destinations: [] };
    const status = await running.status();
    const { sources, destinations } = running.config;
    return {
      at: status.at,
      running: true,
      sources: status.sources.map((s) => ({
        id: s.source,
        type: String(sources[s.source]?.type ?? ''),
        polls: s.polls,
        fetched: s.fetched,
        errors: s.errors,
        deadLettered: s.deadLettered,
        paused: s.paused,
        ...(s.lastPollAt === undefined ? {} : { lastPollAt: s.lastPollAt }),
        ...(s.lastError === undefined ? {} : { lastError: s.lastError }),
      })),
      destinations: status.destinations.map((d) => {
        const settings = destinations[d.destination];
        const address = String(settings?.address ?? '');
        return {
          id: d.destination,
          protocol: String(settings?.protocol ?? ''),
          target: `${address.includes(':') ? `[${address}]` : address}:${String(settings?.port ?? '')}`,
          connected: connected(d),
          delivered: d.delivered,
          lag: d.lag,
          lagMs: d.lagMs,
          reconnects: d.reconnects,
          sendErrors: d.sendErrors,
          deadLettered: d.deadLettered,
          ...(d.lastDeliveryAt === undefined ? {} : { lastDeliveryAt: d.lastDeliveryAt }),
          ...(d.lastError === undefined ? {} : { lastError: d.lastError }),
          ...(d.lastErrorAt === undefined ? {} : { lastErrorAt: d.lastErrorAt }),
          certificates: (d.certificates ?? []).map((c) => ({ role: c.role, subject: c.subject, notAfter: c.notAfter, daysLeft: c.daysLeft, expiresSoon: c.expiresSoon })),
        };
      }),
    };
  };

  const statusStream = (): AdminStream => ({
    stream: (response, request) => {
      if (streams >= MAX_STATUS_STREAMS) {
        response.statusCode = 503;
        response.setHeader('Content-Type', 'application/json; charset=utf-8');
        response.setHeader('Retry-After', '10');
        response.end(JSON.stringify({ error: `at most ${MAX_STATUS_STREAMS} status streams at a time; close another console tab` }));
        return;
      }
      streams += 1;
      response.statusCode = 200;
      response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
      response.setHeader('Connection', 'keep-alive');
      response.flushHeaders();
      let ticks = 0;
      const send = () => {
        statusView().then(
          (view) => response.write(`event: status\ndata: ${JSON.stringify(hostSecrets.redactValue(view))}\n\n`),
          (error: unknown) => response.write(`event: error\ndata: ${JSON.stringify({ error: hostSecrets.redact(describeError(error)) })}\n\n`),
        );
        ticks += 1;
        // A comment now and then keeps proxies from closing a quiet stream.
        if (ticks % 8 === 0) response.write(': ping\n\n');
      };
      send();
      const timer = setInterval(send, STATUS_STREAM_INTERVAL_MS);
      const end = () => {
        clearInterval(timer);
        streams -= 1;
      };
      request.once('close', end);
    },
  });

  const deadLetterView = (letter: ListedDeadLetter) =>
    letter.kind === 'destination'
      ? {
          id: `d-${letter.id}`,
          kind: 'destination',
          destination: letter.destination,
          source: letter.source,
          key: letter.key,
          reason: letter.reason,
          time: letter.time,
          excerpt: (JSON.stringify(letter.event.raw ?? letter.event) ?? '').slice(0, EXCERPT_CHARS),
          retriable: true,
        }
      : {
          id: `s-${Buffer.from(`${letter.source}\u0000${letter.key}`).toString('base64url')}`,
          kind: 'source',
          source: letter.source,
          key: letter.key,
          reason: letter.reason,
          time: letter.time,
          excerpt: letter.excerpt.slice(0, EXCERPT_CHARS),
          retriable: false,
        };

  const notRunning = () => apiError(503, 'the connector is not running (starting, or stopping)', { hint: 'wait a moment and try again' });

  return [
    {
      path: '/api/session',
      method: 'POST',
      access: 'public',
      handle: async (request, { body }) => {
        const answer = sessions.signIn(request, body);
        // Who signed in, or failed to, from where; never what was typed.
        if (answer.status === 200) audit.info({ client: client(request) }, 'Console sign-in.');
        else audit.warn({ client: client(request), status: answer.status }, answer.status === 429 ? 'Console sign-in refused: too many failed attempts.' : 'Console sign-in failed: wrong token.');
        return answer;
      },
    },
    {
      path: '/api/session',
      method: 'GET',
      access: 'session',
      handle: async (request) => reply(200, { csrfToken: sessions.session(request)?.csrf ?? '' }),
    },
    { path: '/api/session', method: 'DELETE', access: 'session', handle: async (request) => sessions.signOut(request) },
    {
      path: '/api/screens/vision-one',
      method: 'GET',
      access: 'session',
      handle: () => readScreen((document, status) => readVisionOneScreen(document, configDir, (id) => status.get(id))),
    },
    { path: '/api/screens/vision-one', method: 'PUT', access: 'session', handle: (request, { body }) => save(request, 'vision-one', visionOneSaveSchema, body, applyVisionOneSave) },
    { path: '/api/screens/mdi', method: 'GET', access: 'session', handle: () => readScreen((document, status) => readMdiScreen(document, (id) => status.get(id))) },
    { path: '/api/screens/mdi', method: 'PUT', access: 'session', handle: (request, { body }) => save(request, 'mdi', mdiSaveSchema, body, applyMdiSave) },
    { path: '/api/screens/mdi/send-test', method: 'POST', access: 'session', handle: (_request, { body }) => sendTest(body) },
    {
      path: '/api/uploads',
      method: 'POST',
      access: 'session',
      handle: async (request, { body }) => {
        try {
          const added = uploads.add(body);
          audit.info({ client: client(request), kind: (body as { kind?: unknown }).kind, subject: added.summary.subject, fingerprint: added.summary.fingerprint }, 'Console took an upload (checked; kept in memory until saved).');
          return reply(200, added);
        } catch (error) {
          if (error instanceof UploadError) return reply(400, { error: error.message, hint: error.hint });
          throw error;
        }
      },
    },
    { path: '/api/test-connection', method: 'POST', access: 'session', handle: (_request, { body }) => testConnection(body) },
    { path: '/api/status', method: 'GET', access: 'session', handle: async () => reply(200, await statusView()) },
    { path: '/api/status/stream', method: 'GET', access: 'session', handle: async () => statusStream() },
    {
      path: /^\/api\/destinations\/([^/]+)\/recent$/,
      method: 'GET',
      access: 'session',
      handle: async (_request, { params }) => {
        const running = target();
        if (running === undefined) return notRunning();
        const id = params[0] ?? '';
        const lines = running.recentLines(id);
        if (lines === undefined) return apiError(404, `destination "${id}" is not running`);
        return reply(200, { destination: id, lines });
      },
    },
    {
      path: '/api/dead-letters',
      method: 'GET',
      access: 'session',
      handle: async (request) => {
        const running = target();
        if (running === undefined) return notRunning();
        const asked = Number(new URL(request.url ?? '/', 'http://admin').searchParams.get('limit') ?? DEFAULT_DEAD_LETTERS);
        const limit = Number.isSafeInteger(asked) && asked > 0 ? Math.min(asked, MAX_DEAD_LETTERS) : DEFAULT_DEAD_LETTERS;
        return reply(200, { items: (await running.deadLetters(limit)).map(deadLetterView) });
      },
    },
    {
      path: /^\/api\/dead-letters\/([^/]+)\/retry$/,
      method: 'POST',
      access: 'session',
      handle: async (request, { params }) => {
        const running = target();
        if (running === undefined) return notRunning();
        const match = /^d-(\d+)$/.exec(params[0] ?? '');
        if (match === null) return apiError(409, 'only an event a destination dead-lettered can be retried; an item a source could not read has no event to send');
        try {
          const result = await running.redriveDeadLetter(Number(match[1]));
          if ('missing' in result) return apiError(404, 'no such dead letter (retried already?)');
          if ('gone' in result) return apiError(409, `destination "${result.gone}" is no longer in the config: the dead letter stays`);
          audit.info({ client: client(request), deadLetter: params[0] }, 'Console retried a dead letter: sent and removed.');
          return reply(200, { retried: true, line: result.line });
        } catch (error) {
          const reason = describeError(error);
          audit.warn({ deadLetter: params[0], error: hostSecrets.redact(reason) }, 'Console retry of a dead letter failed; it stays.');
          return reply(422, { error: `not sent: ${reason}`, hint: 'the dead letter stays; fix the cause (format, destination) and retry' });
        }
      },
    },
  ];
};
