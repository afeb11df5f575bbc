import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A small loopback RELP server (librelp's doc/relp.html) for transport tests: it answers `open`, acknowledges each
 * `syslog` transaction with `rsp 200 OK`, answers `close`, and can misbehave on purpose — delay its
 * acknowledgements, drop the connection after N messages, refuse the session or the messages, or say nothing at
 * all (a plain TCP syslog port would). Its frame reader is written from the spec on its own, not shared with the
 * transport it tests.
 */
export interface RelpSinkOptions {
  readonly host?: string;
  /** 0 (default): an ephemeral port, kept across `restart`. */
  readonly port?: number;
}

/** A `syslog` message the sink took in (and acknowledged, unless it was told to refuse). */
export interface RelpReceivedMessage {
  /** DATA of the `syslog` frame, UTF-8 decoded. */
  readonly raw: string;
  readonly bytes: Buffer;
  readonly txnr: number;
  /** 1 for the first connection accepted, 2 for the next… */
  readonly connection: number;
  /** Always null: the sink checks RELP framing, not the syslog message (same face as SyslogReceiver's). */
  readonly parseError: null;
}

/** Every frame a client sent, in order, for tests that check the protocol itself. */
export interface RelpSinkFrame {
  readonly connection: number;
  readonly txnr: number;
  readonly command: string;
  readonly data: string;
}

interface Connection {
  readonly id: number;
  readonly socket: Socket;
  buffer: Buffer;
  opened: boolean;
  /** Being dropped (dropAfterMessages): nothing more is read or taken. */
  dropped: boolean;
}

const LF = 0x0a;

export class RelpSink {
  /** Every message taken in, in arrival order (a re-sent one appears again). */
  readonly messages: RelpReceivedMessage[] = [];
  /** Every frame received. */
  readonly frames: RelpSinkFrame[] = [];
  /** Framing errors found in what clients sent, one line each. */
  readonly errors: string[] = [];
  /** Milliseconds to wait before each acknowledgement (answers stay in order). */
  ackDelayMs = 0;
  /** Destroy the connection when this many more `syslog` frames have been taken in (the next is neither taken nor answered); one-shot. */
  dropAfterMessages: number | undefined;
  /** `open`: answer `open` with 500; `messages`: answer every `syslog` with 500; `silent`: read, answer nothing. */
  refuse: 'none' | 'open' | 'messages' | 'silent' = 'none';
  readonly #host: string;
  #port: number;
  #server: Server | undefined;
  readonly #connections = new Set<Connection>();
  readonly #waiters = new Set<() => void>();
  #accepted = 0;
  #paused = false;

  private constructor(options: RelpSinkOptions) {
    this.#host = options.host ?? '127.0.0.1';
    this.#port = options.port ?? 0;
  }

  static async start(options: RelpSinkOptions = {}): Promise<RelpSink> {
    const sink = new RelpSink(options);
    await sink.#listen();
    return sink;
  }

  get address(): string {
    return this.#host;
  }

  /** The bound port (the same across `restart`). */
  get port(): number {
    return this.#port;
  }

  get acceptedConnections(): number {
    return this.#accepted;
  }

  /** Resolves with every message once at least `count` arrived; rejects after `timeoutMs`. */
  async waitFor(count: number, timeoutMs = 5_000): Promise<readonly RelpReceivedMessage[]> {
    if (this.messages.length >= count) return this.messages;
    const { promise, resolve, reject } = Promise.withResolvers<readonly RelpReceivedMessage[]>();
    const check = () => {
      if (this.messages.length < count) return;
      clearTimeout(timer);
      this.#waiters.delete(check);
      resolve(this.messages);
    };
    const timer = setTimeout(() => {
      this.#waiters.delete(check);
      reject(new Error(`RelpSink: ${this.messages.length} of ${count} messages after ${timeoutMs} ms${this.errors.length > 0 ? `; errors: ${this.errors.join('; ')}` : ''}`));
    }, timeoutMs);
    this.#waiters.add(check);
    return promise;
  }

  /** Stops reading from every connection (so nothing is acknowledged) until `resume`. */
  pause(): void {
    this.#paused = true;
    for (const c of this.#connections) c.socket.pause();
  }

  resume(): void {
    this.#paused = false;
    for (const c of this.#connections) c.socket.resume();
  }

  /** Sends `0 serverclose 0` on every session, as librelp does when its server shuts down, then closes them. */
  async serverClose(): Promise<void> {
    const closing: Array<Promise<unknown>> = [];
    for (const c of this.#connections) {
      if (c.socket.destroyed) continue;
      closing.push(once(c.socket, 'close'));
      c.socket.end('0 serverclose 0\n');
      setTimeout(() => c.socket.destroy(), 200).unref();
    }
    await Promise.all(closing);
  }

  /** Closes every connection and the listener, then listens again on the same port. */
  async restart(): Promise<void> {
    await this.stop();
    await this.#listen();
  }

  /** Closes the listener and every connection (RST, as a crashed server would). Idempotent. */
  async stop(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    this.#server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const closing: Array<Promise<unknown>> = [];
    for (const c of this.#connections) {
      if (!c.socket.destroyed) closing.push(once(c.socket, 'close'));
      c.socket.destroy();
    }
    await Promise.all(closing);
    await closed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  async #listen(): Promise<void> {
    const server = createServer((socket) => this.#accept(socket));
    server.listen(this.#port, this.#host);
    await once(server, 'listening');
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  #accept(socket: Socket): void {
    this.#accepted += 1;
    const connection: Connection = { id: this.#accepted, socket, buffer: Buffer.alloc(0), opened: false, dropped: false };
    this.#connections.add(connection);
    if (this.#paused) socket.pause();
    // Answers go out in order, each after ackDelayMs: a chain of promises per connection.
    let answering: Promise<void> = Promise.resolve();
    const answer = (text: string) => {
      answering = answering.then(async () => {
        if (this.ackDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.ackDelayMs));
        if (!socket.destroyed && socket.writable) socket.write(text);
      });
    };
    socket.on('data', (chunk: Buffer) => {
      if (connection.dropped) return;
      connection.buffer = connection.buffer.length === 0 ? chunk : Buffer.concat([connection.buffer, chunk]);
      for (;;) {
        let frame;
        try {
          frame = takeFrame(connection);
        } catch (error) {
          this.errors.push(`connection ${connection.id}: ${(error as Error).message}`);
          socket.destroy();
          return;
        }
        if (frame === undefined) return;
        const data = frame.data.toString('utf8');
        this.frames.push({ connection: connection.id, txnr: frame.txnr, command: frame.command, data });
        if (this.refuse === 'silent') continue;
        switch (frame.command) {
          case 'open':
            if (this.refuse === 'open') {
              answer(rsp(frame.txnr, '500 the sink refuses sessions (test)'));
            } else {
              connection.opened = true;
              answer(rsp(frame.txnr, '200 OK\nrelp_version=0\nrelp_software=syslog-connector-test-kit,1,-\ncommands=syslog'));
            }
            break;
          case 'syslog':
            if (!connection.opened) {
              // After the answers already due (a refused open's 500): the client learns why first.
              this.errors.push(`connection ${connection.id}: syslog before open`);
              connection.dropped = true;
              answering = answering.then(() => void socket.destroy());
              return;
            }
            if (this.dropAfterMessages !== undefined && this.dropAfterMessages <= 0) {
              // After the answers already due have gone out: the client sees exactly the taken ones acknowledged.
              this.dropAfterMessages = undefined;
              connection.dropped = true;
              answering = answering.then(() => void socket.destroy());
              return;
            }
            if (this.dropAfterMessages !== undefined) this.dropAfterMessages -= 1;
            if (this.refuse === 'messages') {
              answer(rsp(frame.txnr, '500 the sink refuses messages (test)'));
              break;
            }
            this.messages.push({ raw: data, bytes: Buffer.from(frame.data), txnr: frame.txnr, connection: connection.id, parseError: null });
            for (const waiter of [...this.#waiters]) waiter();
            answer(rsp(frame.txnr, '200 OK'));
            break;
          case 'close':
            answer(`${frame.txnr} rsp 0\n`);
            answering = answering.then(() => void socket.end());
            break;
          default:
            answer(rsp(frame.txnr, `500 unknown command ${frame.command}`));
        }
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => this.#connections.delete(connection));
  }
}

const rsp = (txnr: number, text: string): string => `${txnr} rsp ${Buffer.byteLength(text)} ${text}\n`;

/** `TXNR SP COMMAND SP DATALEN [SP DATA] LF` from the front of the connection's buffer, or undefined for more. */
const takeFrame = (c: Connection): { txnr: number; command: string; data: Buffer } | undefined => {
  const b = c.buffer;
  const firstSp = b.indexOf(0x20);
  if (firstSp < 0) {
    if (b.length > 10) throw new Error('no SP after TXNR');
    return undefined;
  }
  const secondSp = b.indexOf(0x20, firstSp + 1);
  if (secondSp < 0) {
    if (b.length > firstSp + 33) throw new Error('no SP after COMMAND');
    return undefined;
  }
  const txnrText = b.toString('latin1', 0, firstSp);
  const command = b.toString('latin1', firstSp + 1, secondSp);
  if (!/^[0-9]{1,9}$/.test(txnrText) || Number(txnrText) === 0) throw new Error(`bad TXNR ${JSON.stringify(txnrText)}`);
  if (!/^[A-Za-z]{1,32}$/.test(command)) throw new Error(`bad COMMAND ${JSON.stringify(command)}`);
  let i = secondSp + 1;
  while (i < b.length && b[i]! >= 0x30 && b[i]! <= 0x39) i++;
  if (i >= b.length) return undefined;
  const lengthText = b.toString('latin1', secondSp + 1, i);
  if (!/^[0-9]{1,9}$/.test(lengthText)) throw new Error(`bad DATALEN ${JSON.stringify(lengthText)}`);
  const length = Number(lengthText);
  let start: number;
  if (b[i] === 0x20 && length > 0) start = i + 1;
  else if (b[i] === LF && length === 0) start = i;
  else throw new Error(`DATALEN ${length} followed by byte ${b[i]}`);
  if (start + length >= b.length) return undefined;
  if (b[start + length] !== LF) throw new Error(`frame ${txnrText} not ended by LF`);
  c.buffer = b.subarray(start + length + 1);
  return { txnr: Number(txnrText), command, data: b.subarray(start, start + length) };
};

/**
 * A minimal RELP client for probes and tests: opens a session to `host:port`, sends `messages` one transaction
 * each, waits for every answer, closes. Resolves with the answers' codes; rejects on a broken session or after
 * `timeoutMs`.
 */
export const sendOverRelp = (host: string, port: number, messages: readonly string[], timeoutMs = 2_000): Promise<number[]> =>
  new Promise<number[]>((resolve, reject) => {
    const socket = connect({ host, port });
    const codes: number[] = [];
    let buffer = '';
    const expected = messages.length + 2;
    let answers = 0;
    const timer = setTimeout(() => finish(new Error(`RELP probe to ${host}:${port}: ${answers} of ${expected} answers in ${timeoutMs} ms`)), timeoutMs);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (error === undefined) resolve(codes);
      else reject(error);
    };
    socket.on('error', (error) => finish(error));
    socket.on('close', () => finish(answers === expected ? undefined : new Error(`RELP probe to ${host}:${port}: closed after ${answers} of ${expected} answers`)));
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      // Answers are short: `TXNR rsp LEN DATA\n`, DATA without LF except the open answer's offers.
      for (;;) {
        const match = /^(\d+) (\w+) (\d+)[ \n]/.exec(buffer);
        if (match === null) return;
        const head = match[0].length;
        const length = Number(match[3]);
        const end = length === 0 ? head - 1 : head + length;
        if (buffer.length <= end) return;
        const data = buffer.slice(length === 0 ? end : head, end);
        buffer = buffer.slice(end + 1);
        answers += 1;
        if (match[2] === 'rsp') codes.push(data === '' ? 200 : Number(data.slice(0, 3)));
        if (answers === expected) finish();
      }
    });
    socket.on('connect', () => {
      const frames = [`relp_version=0\nrelp_software=syslog-connector-probe,1,-\ncommands=syslog`].map((d) => `1 open ${Buffer.byteLength(d)} ${d}\n`);
      messages.forEach((m, i) => frames.push(`${i + 2} syslog ${Buffer.byteLength(m)} ${m}\n`));
      frames.push(`${messages.length + 2} close 0\n`);
      socket.write(frames.join(''));
    });
  });
