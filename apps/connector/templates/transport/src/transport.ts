import { type FileHandle, open } from 'node:fs/promises';
import { type CheckStep, defineTransport, type Delivery, SyslogConnectorError, type Transport, TransportError, z } from '@syslog-connector/core';

/**
 * `__NAME__`: appends each message as one line to a file (a SIEM's collector tails it; rsyslog: `imfile`). A message
 * is confirmed once the write to the file returned. Sends run one after another, in the order they were called.
 */
export class __PASCAL__Transport implements Transport {
  readonly #path: string;
  #file: FileHandle | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(path: string) {
    this.#path = path;
  }

  describeTarget(): string {
    return `file ${this.#path}`;
  }

  send(messages: readonly string[], _signal: AbortSignal): Promise<Delivery> {
    const run = this.#queue.then(() => this.#append(messages));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async *check(_signal: AbortSignal): AsyncIterable<CheckStep> {
    const started = performance.now();
    try {
      await (await open(this.#path, 'a')).close();
      yield { step: 'open', ok: true, detail: `can append to ${this.#path}`, durationMs: Math.round(performance.now() - started) };
    } catch (error) {
      yield { step: 'open', ok: false, detail: (error as Error).message, hint: 'check that the folder exists and is writable', durationMs: Math.round(performance.now() - started) };
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue;
    const file = this.#file;
    this.#file = undefined;
    await file?.close();
  }

  async #append(messages: readonly string[]): Promise<Delivery> {
    if (this.#closed) throw new TransportError('TRANSPORT_CLOSED', `the transport to ${this.#path} is closed`, 0);
    if (messages.length === 0) return { written: 0 };
    try {
      this.#file ??= await open(this.#path, 'a', 0o640);
    } catch (cause) {
      // `path` is relative to this plugin's options: the host prefixes `destinations.<id>`.
      throw new TransportError('TRANSPORT_CONNECT', `cannot open ${this.#path}: ${(cause as Error).message}`, 0, { path: 'path', hint: 'check that the folder exists and is writable', cause });
    }
    let written = 0;
    // Groups of up to 500 lines per write: bounded memory, few system calls.
    for (let start = 0; start < messages.length; start += 500) {
      const group = messages.slice(start, start + 500);
      try {
        await this.#file.appendFile(`${group.join('\n')}\n`);
      } catch (cause) {
        throw new TransportError('TRANSPORT_WRITE', `writing to ${this.#path} failed after ${written} messages`, written, { path: 'path', cause });
      }
      written += group.length;
    }
    return { written };
  }
}

export const __CAMEL__Transport = defineTransport({
  type: '__NAME__',
  meta: { summary: '__NAME__: appends each message as one line to a file', stability: 'experimental', delivery: 'at-least-once' },
  options: z.strictObject({
    path: z.string().min(1).describe('The file to append to; relative to the config file.'),
  }),
  deps: {},
  create: ({ options, resolvePath }) => {
    if (options.path.includes('\0')) throw new SyslogConnectorError('CONFIG_INVALID', 'the path holds a NUL', { path: 'path' });
    return new __PASCAL__Transport(resolvePath(options.path));
  },
});
