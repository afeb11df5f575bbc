import { open } from 'node:fs/promises';

/**
 * Follows a file a daemon appends one JSON object per line to. Reads only complete lines (a record is split at
 * byte level, never mid UTF-8 sequence) and keeps the parsed objects until `take` hands them out.
 */
export class JsonLinesTail {
  readonly #path: string;
  #offset = 0;
  #partial: Buffer = Buffer.alloc(0);
  readonly #records: unknown[] = [];
  readonly #unparsable: string[] = [];

  constructor(path: string) {
    this.#path = path;
  }

  /** Records read but not yet taken. */
  get pending(): number {
    return this.#records.length;
  }

  /** Lines that were not JSON (a daemon bug or a wrong template); reported by the oracle on timeout. */
  get unparsable(): readonly string[] {
    return this.#unparsable;
  }

  async poll(): Promise<void> {
    let handle;
    try {
      handle = await open(this.#path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // the daemon creates it on its first write
      throw error;
    }
    try {
      const chunks: Buffer[] = [this.#partial];
      for (;;) {
        const buffer = Buffer.allocUnsafe(256 * 1024);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.#offset);
        if (bytesRead === 0) break;
        this.#offset += bytesRead;
        chunks.push(buffer.subarray(0, bytesRead));
      }
      const data = Buffer.concat(chunks);
      let start = 0;
      for (let nl = data.indexOf(0x0a, start); nl !== -1; nl = data.indexOf(0x0a, start)) {
        const line = data.subarray(start, nl).toString('utf8');
        start = nl + 1;
        if (line.trim() === '') continue;
        try {
          this.#records.push(JSON.parse(line));
        } catch {
          this.#unparsable.push(line);
        }
      }
      this.#partial = Buffer.from(data.subarray(start));
    } finally {
      await handle.close();
    }
  }

  /** Everything read so far and not yet taken. */
  async takeAll(): Promise<unknown[]> {
    await this.poll();
    return this.#records.splice(0);
  }

  /** The next `count` records, or `undefined` if fewer than `count` are there yet (after polling once). */
  async takeIfReady(count: number): Promise<unknown[] | undefined> {
    await this.poll();
    return this.#records.length >= count ? this.#records.splice(0, count) : undefined;
  }
}
