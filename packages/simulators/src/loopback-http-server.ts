import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * What the HTTP simulators (Vision One, Graph) share: a server on 127.0.0.1 that knows its open sockets, so `close`
 * ends keep-alive connections too instead of waiting for them, and counts the requests it has in flight (issue #20:
 * what a client keeps open at one API host).
 */
export class LoopbackHttpServer {
  readonly server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #delays = new Set<NodeJS.Timeout>();
  #inFlight = 0;
  #peakInFlight = 0;

  private constructor(server: Server) {
    this.server = server;
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  /** Listens on 127.0.0.1:`port` (0: any free port). */
  static async listen(port = 0): Promise<LoopbackHttpServer> {
    const server = createServer();
    const loopback = new LoopbackHttpServer(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return loopback;
  }

  /**
   * Answers every request with `handle`, after `delayMs` when set (on loopback an instant answer would hide how many
   * requests a client keeps in flight), counting it in flight until its answer is written or its connection closes.
   */
  serve(handle: (req: IncomingMessage, res: ServerResponse) => void, delayMs = 0): void {
    this.server.on('request', (req, res) => {
      this.#inFlight += 1;
      this.#peakInFlight = Math.max(this.#peakInFlight, this.#inFlight);
      res.once('close', () => {
        this.#inFlight -= 1;
      });
      if (delayMs <= 0) {
        handle(req, res);
        return;
      }
      const timer = setTimeout(() => {
        this.#delays.delete(timer);
        if (!res.destroyed) handle(req, res);
      }, delayMs);
      this.#delays.add(timer);
    });
  }

  /** Requests being answered right now: received, not yet answered (or closed). */
  get concurrentRequests(): number {
    return this.#inFlight;
  }

  /** The most requests in flight at one moment, since the start or `resetPeakConcurrency()`. */
  get peakConcurrentRequests(): number {
    return this.#peakInFlight;
  }

  resetPeakConcurrency(): void {
    this.#peakInFlight = this.#inFlight;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Stops listening and destroys every open connection. */
  async close(): Promise<void> {
    for (const timer of this.#delays) clearTimeout(timer);
    this.#delays.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }
}

/** Calls `tick` every `intervalMs` until `stop()`; the timer never keeps the process alive. */
export class DemoFeed {
  #timer: NodeJS.Timeout | undefined;

  start(intervalMs: number, tick: () => void): void {
    this.stop();
    this.#timer = setInterval(tick, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * `count` times spread evenly from `spread.from` to `spread.to` (default: the hour ending 5 minutes before `now`);
 * a single one is `to`.
 */
export const spreadTimes = (count: number, spread: { readonly from?: number; readonly to?: number }, now: number): number[] => {
  const to = spread.to ?? now - 5 * 60_000;
  const from = spread.from ?? to - 60 * 60_000;
  if (count === 1) return [to];
  return Array.from({ length: count }, (_, i) => from + Math.floor(((to - from) * i) / Math.max(count - 1, 1)));
};
