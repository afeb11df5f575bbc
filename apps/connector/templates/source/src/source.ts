import { open } from 'node:fs/promises';
import {
  type Checkpoint,
  defineSource,
  type Logger,
  type SecurityEvent,
  services,
  type Severity,
  type Source,
  type SourceBatch,
  type SourceDeadLetter,
  SyslogConnectorError,
  z,
} from '@syslog-connector/core';

/** What one line of the file holds: a JSON object with at least an `id`. */
const lineSchema = z.object({
  id: z.string().min(1).max(200),
  time: z.iso.datetime({ offset: true }),
  name: z.string().default('__NAME__ event'),
  severity: z.number().int().min(0).max(10).default(5),
  message: z.string().default(''),
});

const SOURCE_TYPE = '__NAME__';

/**
 * `__NAME__`: reads events from a file of JSON lines (one object per line, appended by another program), a page of
 * `pageSize` lines per batch. The checkpoint is the byte offset after the last whole line read, so a restart resumes
 * there; an event's key is its `id`, so a line read twice is stored once. A line that is not such an object is
 * dead-lettered with its reason; the rest of its page goes on.
 */
export class __PASCAL__Source implements Source {
  readonly pollIntervalMs: number;
  readonly #id: string;
  readonly #path: string;
  readonly #pageSize: number;
  readonly #logger: Logger;

  constructor(id: string, path: string, pageSize: number, pollIntervalMs: number, logger: Logger) {
    this.#id = id;
    this.#path = path;
    this.#pageSize = pageSize;
    this.pollIntervalMs = pollIntervalMs;
    this.#logger = logger;
  }

  describeTarget(): string {
    return `JSON lines from ${this.#path}`;
  }

  async *read(from: Checkpoint | undefined, signal: AbortSignal): AsyncIterable<SourceBatch> {
    let offset = typeof from?.offset === 'number' ? from.offset : 0;
    let file;
    try {
      file = await open(this.#path, 'r');
    } catch (cause) {
      // `path` is relative to this plugin's options: the host prefixes `sources.<id>`.
      throw new SyslogConnectorError('SOURCE_RESPONSE', `cannot read ${this.#path}: ${(cause as Error).message}`, { path: 'path', hint: 'check the path (relative to the config file)', cause });
    }
    try {
      const { size } = await file.stat();
      const data = Buffer.alloc(Math.max(0, size - offset));
      await file.read(data, 0, data.length, offset);
      let lines: Buffer[] = [];
      let start = 0;
      for (let end = data.indexOf(0x0a); end >= 0; end = data.indexOf(0x0a, start)) {
        lines.push(data.subarray(start, end));
        start = end + 1;
        if (lines.length === this.#pageSize) {
          signal.throwIfAborted();
          offset += lines.reduce((n, line) => n + line.length + 1, 0);
          yield this.#batch(lines, offset);
          lines = [];
        }
      }
      if (lines.length > 0) {
        signal.throwIfAborted();
        offset += lines.reduce((n, line) => n + line.length + 1, 0);
        yield this.#batch(lines, offset);
      }
    } finally {
      await file.close();
    }
  }

  async close(): Promise<void> {}

  #batch(lines: readonly Buffer[], offset: number): SourceBatch {
    const events: SecurityEvent[] = [];
    const deadLetters: SourceDeadLetter[] = [];
    for (const bytes of lines) {
      const text = bytes.toString('utf8');
      let parsed: ReturnType<typeof lineSchema.safeParse>;
      try {
        parsed = lineSchema.safeParse(JSON.parse(text));
      } catch (error) {
        deadLetters.push({ key: `offset-${offset}-${deadLetters.length}`, reason: `not JSON: ${(error as Error).message}`, excerpt: text.slice(0, 4096), time: Date.now() });
        continue;
      }
      if (!parsed.success) {
        deadLetters.push({ key: `offset-${offset}-${deadLetters.length}`, reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), excerpt: text.slice(0, 4096), time: Date.now() });
        continue;
      }
      const line = parsed.data;
      const time = Date.parse(line.time);
      events.push({
        key: line.id,
        source: this.#id,
        type: SOURCE_TYPE,
        time,
        raw: JSON.parse(text) as SecurityEvent['raw'],
        record: {
          vendor: 'Example',
          product: '__NAME__',
          version: '1',
          signatureId: SOURCE_TYPE,
          name: line.name,
          severity: line.severity as Severity,
          extensions: [
            ['rt', { epochMs: time, ticks: 0, form: 'iso8601' }],
            ['externalId', line.id],
            ['msg', line.message],
          ],
        },
      });
    }
    if (deadLetters.length > 0) this.#logger.warn({ source: this.#id, count: deadLetters.length }, 'Lines that are no event were dead-lettered.');
    return { events, checkpoint: { offset }, deadLetters };
  }
}

export const __CAMEL__Source = defineSource({
  type: '__NAME__',
  meta: { summary: '__NAME__: events from a file of JSON lines', stability: 'experimental' },
  options: z.strictObject({
    path: z.string().min(1).describe('The file of JSON lines to read; relative to the config file.'),
    pageSize: z.number().int().min(1).max(10_000).default(500).describe('Lines per batch (one journal transaction each).'),
    pollInterval: z.number().int().min(100).default(5_000).describe('Milliseconds between polls.'),
  }),
  deps: { logger: services.logger },
  create: ({ id, options, deps, resolvePath }) => new __PASCAL__Source(id, resolvePath(options.path), options.pageSize, options.pollInterval, deps.logger),
});
