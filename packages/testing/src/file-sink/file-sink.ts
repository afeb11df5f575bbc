import { open, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConformanceServer } from '../conformance/transport-conformance.js';

let sinks = 0;

/**
 * A file as the sink of the transport suite: the transport appends lines to `address` (a new file in `dir`), and
 * the sink reads them back as they come (every 20 ms), one message per LF, decoded as UTF-8 whole lines only.
 * `pause` stops reading (a file takes every write regardless: no backpressure), `restart` keeps the file.
 */
export class FileSink implements ConformanceServer {
  readonly address: string;
  readonly port = 0;
  readonly messages: Array<{ readonly raw: string; readonly parseError: string | null }> = [];
  readonly errors: string[] = [];
  #offset = 0;
  #partial: Buffer = Buffer.alloc(0);
  #paused = false;
  #timer: NodeJS.Timeout | undefined;
  #reading: Promise<void> = Promise.resolve();

  private constructor(path: string) {
    this.address = path;
  }

  /** A new, empty file in `dir`, read from now on. */
  static async start(dir: string): Promise<FileSink> {
    sinks += 1;
    const sink = new FileSink(join(dir, `sink-${process.pid}-${sinks}.log`));
    await writeFile(sink.address, '');
    sink.#timer = setInterval(() => sink.#poll(), 20);
    return sink;
  }

  async waitFor(count: number, timeoutMs = 5_000): Promise<ReadonlyArray<{ readonly raw: string; readonly parseError: string | null }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.#poll();
      if (this.messages.length >= count) return this.messages;
      if (Date.now() > deadline) throw new Error(`read ${this.messages.length} of ${count} lines from ${this.address} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
  }

  async restart(): Promise<void> {
    await this.#poll();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#reading;
  }

  #poll(): Promise<void> {
    if (this.#paused) return this.#reading;
    this.#reading = this.#reading.then(() => this.#read()).catch((error: unknown) => void this.errors.push(`read: ${(error as Error).message}`));
    return this.#reading;
  }

  async #read(): Promise<void> {
    const { size } = await stat(this.address);
    if (size <= this.#offset) return;
    const file = await open(this.address, 'r');
    try {
      const chunk = Buffer.alloc(size - this.#offset);
      const { bytesRead } = await file.read(chunk, 0, chunk.length, this.#offset);
      this.#offset += bytesRead;
      let data = Buffer.concat([this.#partial, chunk.subarray(0, bytesRead)]);
      for (let end = data.indexOf(0x0a); end >= 0; end = data.indexOf(0x0a)) {
        this.messages.push({ raw: data.subarray(0, end).toString('utf8'), parseError: null });
        data = data.subarray(end + 1);
      }
      this.#partial = Buffer.from(data);
    } finally {
      await file.close();
    }
  }
}
