import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryJournal } from './in-memory-journal.js';
import { DEFAULT_SOURCE_LIMITS, inspectItem, itemDeadLetter, jsonExcerpt, parseAnswerJson, PollBudget, readBodyWithin, SourceLimitError, sourceLimitsOption } from './source-limits.js';

const deep = (depth: number): unknown => {
  let value: unknown = {};
  for (let i = 1; i < depth; i += 1) value = { a: value };
  return value;
};

const streamed = (parts: readonly string[], headers: Record<string, string> = {}): Response =>
  new Response(
    new ReadableStream({
      start(controller) {
        for (const part of parts) controller.enqueue(new TextEncoder().encode(part));
        controller.close();
      },
    }),
    { headers },
  );

describe('inspectItem', () => {
  it('accepts an object within the depth and size limits', () => {
    expect(inspectItem({ id: 'a', nested: deep(60) }, DEFAULT_SOURCE_LIMITS)).toEqual({ ok: true });
  });

  it('refuses an item nested 12,000 deep without overflowing the stack', () => {
    expect(inspectItem(deep(12_000), DEFAULT_SOURCE_LIMITS)).toEqual({ ok: false, reason: 'nested deeper than 64 levels (limits.itemDepth)' });
  });

  it('refuses what is not an object, naming what it is', () => {
    expect(inspectItem([1], DEFAULT_SOURCE_LIMITS)).toEqual({ ok: false, reason: 'not an object (an array)' });
    expect(inspectItem(null, DEFAULT_SOURCE_LIMITS)).toEqual({ ok: false, reason: 'not an object (null)' });
    expect(inspectItem('x', DEFAULT_SOURCE_LIMITS)).toEqual({ ok: false, reason: 'not an object (a string)' });
  });

  it('refuses an item over bytesPerItem', () => {
    expect(inspectItem({ big: 'x'.repeat(2048) }, { bytesPerItem: 1024, itemDepth: 64 })).toEqual({ ok: false, reason: '2 KiB of JSON, over 1 KiB (limits.bytesPerItem)' });
  });
});

describe('jsonExcerpt and itemDeadLetter', () => {
  it('writes JSON like JSON.stringify, without recursion, cut at the limit', () => {
    const value = { id: 'x', list: [1, 'two', null, { ok: true }], empty: {} };
    expect(jsonExcerpt(value)).toBe(JSON.stringify(value));
    const cut = jsonExcerpt(deep(12_000), 100);
    expect(cut).toHaveLength(101);
    expect(cut.endsWith('…')).toBe(true);
  });

  it('keys a dead letter by the vendor id, else by a hash of its excerpt', () => {
    expect(itemDeadLetter({ id: 'WB-1', a: 1 }, 'r', 5, 'id')).toEqual({ key: 'WB-1', reason: 'r', excerpt: '{"id":"WB-1","a":1}', time: 5 });
    expect(itemDeadLetter([1], 'r', 5, 'id').key).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe('readBodyWithin', () => {
  it('reads a body within the limit', async () => {
    await expect(readBodyWithin(streamed(['{"a":', '1}']), 100, 'bytesPerResponse', 'GET /x')).resolves.toEqual({ text: '{"a":1}', bytes: 7 });
  });

  it('stops a streamed body past the limit with a SourceLimitError naming the limit', async () => {
    const error: unknown = await readBodyWithin(streamed(['x'.repeat(600), 'x'.repeat(600)]), 1024, 'bytesPerResponse', 'GET /x').catch((e: unknown) => e);
    expect(SourceLimitError.isLimit(error)).toBe(true);
    expect((error as SourceLimitError).limit).toBe('bytesPerResponse');
    expect((error as Error).message).toBe('GET /x answered more than 1 KiB, over the limit of one response (1 KiB, limits.bytesPerResponse); the read was stopped');
  });

  it('refuses a declared Content-Length over the limit before reading', async () => {
    const error: unknown = await readBodyWithin(streamed(['{}'], { 'content-length': String(5 * 1024 * 1024) }), 1024 * 1024, 'bytesPerPoll', 'GET /x').catch((e: unknown) => e);
    expect((error as Error).message).toContain('answered 5 MiB (Content-Length), over the bytes left of this poll (1 MiB, limits.bytesPerPoll)');
  });

  describe('of a node:http answer (a loopback server)', () => {
    let server: Server;
    let base: string;
    beforeAll(async () => {
      server = createServer((req, res) => {
        if (req.url === '/small') {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"a":1}');
          return;
        }
        if (req.url === '/cut') {
          // Half of the declared body, then the connection is gone.
          res.writeHead(200, { 'content-length': '100' }).write('x'.repeat(50), () => res.socket?.destroy());
          return;
        }
        if (req.url === '/declared') {
          res.writeHead(200, { 'content-length': String(5 * 1024 * 1024) }).write('{}');
          return;
        }
        // Chunked, without an end: only a reader that stops lets the test go on.
        res.writeHead(200);
        const timer = setInterval(() => res.write('x'.repeat(600)), 5);
        res.once('close', () => clearInterval(timer));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });
    const get = (path: string) => new Promise<IncomingMessage>((resolve, reject) => request(`${base}${path}`, resolve).once('error', reject).end());

    it('reads a body within the limit', async () => {
      await expect(readBodyWithin(await get('/small'), 100, 'bytesPerResponse', 'GET /small')).resolves.toEqual({ text: '{"a":1}', bytes: 7 });
    });

    it('stops an endless body past the limit and closes it', async () => {
      const message = await get('/endless');
      const error: unknown = await readBodyWithin(message, 1024, 'bytesPerResponse', 'GET /endless').catch((e: unknown) => e);
      expect((error as Error).message).toBe('GET /endless answered more than 1 KiB, over the limit of one response (1 KiB, limits.bytesPerResponse); the read was stopped');
      expect(message.destroyed).toBe(true);
    });

    it('rejects a body whose connection ends before the body does, never waits for it', async () => {
      const message = await get('/cut');
      const error: unknown = await readBodyWithin(message, 1024, 'bytesPerResponse', 'GET /cut').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(SourceLimitError.isLimit(error)).toBe(false);
      expect(message.destroyed).toBe(true);
    });

    it('refuses a declared Content-Length over the limit before reading, and closes it', async () => {
      const message = await get('/declared');
      const error: unknown = await readBodyWithin(message, 1024 * 1024, 'bytesPerPoll', 'GET /declared').catch((e: unknown) => e);
      expect(SourceLimitError.isLimit(error)).toBe(true);
      expect((error as Error).message).toContain('answered 5 MiB (Content-Length)');
      expect(message.destroyed).toBe(true);
    });
  });
});

describe('parseAnswerJson', () => {
  it('turns a text too deep for the key-safe reader into an itemDepth limit, not a "not JSON" refusal', () => {
    const text = `{"items":[{"k\\n":1},{"id":"p","n":${'{"a":'.repeat(12_000)}{}${'}'.repeat(12_000)}}]}`;
    expect(() => JSON.parse(text)).not.toThrow();
    const error: unknown = (() => {
      try {
        return parseAnswerJson(text, 'GET /x');
      } catch (e) {
        return e;
      }
    })();
    expect((error as SourceLimitError).limit).toBe('itemDepth');
    expect((error as Error).message).toBe('GET /x answered JSON nested too deep to read (limits.itemDepth)');
    expect(parseAnswerJson('{"k\\n":1}', 'GET /x')).toEqual({ 'k\n': 1 });
  });
});

describe('PollBudget and the limits option', () => {
  it('stops after pagesPerPoll pages and hands out what is left of bytesPerPoll', () => {
    const budget = new PollBudget({ ...DEFAULT_SOURCE_LIMITS, pagesPerPoll: 2, bytesPerPoll: 100, bytesPerResponse: 80 });
    budget.beforePage('GET /x');
    budget.read(50);
    expect(budget.responseAllowance()).toEqual({ bytes: 50, limit: 'bytesPerPoll' });
    budget.beforePage('GET /x');
    budget.read(10);
    expect(() => budget.beforePage('GET /x')).toThrow('GET /x: the API kept sending more pages; the poll stopped after 2 (limits.pagesPerPoll)');
  });

  it('defaults to 1000 pages, 256 MiB per poll, 16 MiB per response, 1 MiB per item, depth 64', () => {
    expect(sourceLimitsOption().parse(undefined)).toEqual({ ...DEFAULT_SOURCE_LIMITS });
    expect(DEFAULT_SOURCE_LIMITS).toEqual({ pagesPerPoll: 1000, bytesPerPoll: 256 * 1024 * 1024, bytesPerResponse: 16 * 1024 * 1024, bytesPerItem: 1024 * 1024, itemDepth: 64 });
    expect(sourceLimitsOption().parse({ bytesPerResponse: '64MiB' }).bytesPerResponse).toBe(64 * 1024 * 1024);
  });
});

describe('source dead letters in the in-memory journal', () => {
  it('keeps each (source, key) once and counts per source', async () => {
    const journal = new InMemoryJournal();
    const letter = { key: 'k', reason: 'r', excerpt: '{}', time: 1 };
    expect(await journal.deadLetterAtSource('a', [letter, { ...letter, key: 'k2' }])).toBe(2);
    expect(await journal.deadLetterAtSource('a', [letter])).toBe(0);
    expect(await journal.deadLetterAtSource('b', [letter])).toBe(1);
    expect(await journal.sourceDeadLetterCount('a')).toBe(2);
    expect(await journal.sourceDeadLetterCount('c')).toBe(0);
  });
});
