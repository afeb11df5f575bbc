import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

// A child Node process that listens with a backlog of 1 and then blocks its event loop, so it never accepts.
// Atomics.wait on a fresh buffer sleeps until the process is killed.
const CHILD_SCRIPT = `
const net = require('node:net');
const server = net.createServer();
server.listen({ host: process.argv[1], port: 0, backlog: 1 }, () => {
  process.stdout.write(server.address().port + '\\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
});`;

/** How long a probe waits before it counts as "hanging": loopback handshakes take well under a millisecond. */
const PROBE_MS = 200;
const MAX_PROBES = 16;

/**
 * A TCP port on loopback where a connect never completes: the way to test a connect timeout without a
 * non-routable address or a firewall rule. A listener that never accepts keeps completing handshakes until its
 * accept queue is full (backlog + 1 on Linux); after that the kernel drops every SYN (`tcp_conn_request`:
 * `sk_acceptq_is_full` → drop, syncookies or not), so the client sits in SYN-SENT and retransmits — exactly what
 * a firewall that drops packets looks like. `start` fills the queue with its own connections before resolving.
 */
export class UnresponsiveListener {
  readonly host: string;
  readonly port: number;
  readonly #child: ChildProcess;
  readonly #fillers: Socket[];

  private constructor(host: string, port: number, child: ChildProcess, fillers: Socket[]) {
    this.host = host;
    this.port = port;
    this.#child = child;
    this.#fillers = fillers;
  }

  static async start(host = '127.0.0.1'): Promise<UnresponsiveListener> {
    const child = spawn(process.execPath, ['-e', CHILD_SCRIPT, host], { stdio: ['ignore', 'pipe', 'inherit'] });
    const fillers: Socket[] = [];
    try {
      const [line] = (await Promise.race([
        once(child.stdout as NodeJS.ReadableStream, 'data'),
        once(child, 'exit').then(() => {
          throw new Error('the unresponsive listener process exited before it listened');
        }),
      ])) as [Buffer];
      const port = Number(line.toString().trim());
      for (let probe = 0; probe < MAX_PROBES; probe++) {
        const socket = connect({ host, port });
        const connected = await new Promise<boolean>((resolve) => {
          // The verdict waits one more turn of the event loop after the timer: on a busy machine the timer can
          // fire in the same turn in which a completed handshake is still waiting to be read; counting that
          // connection as hanging would leave the accept queue one short of full, and the next connect succeed.
          const timer = setTimeout(() => setImmediate(() => resolve(false)), PROBE_MS);
          socket.once('connect', () => {
            clearTimeout(timer);
            resolve(true);
          });
          socket.once('error', () => {
            clearTimeout(timer);
            resolve(false);
          });
        });
        if (!connected) {
          socket.destroy();
          return new UnresponsiveListener(host, port, child, fillers);
        }
        // The child is killed at stop(); its connections then see a reset that nobody needs to hear about.
        socket.on('error', () => {});
        fillers.push(socket);
      }
      throw new Error(`the accept queue did not fill after ${MAX_PROBES} connections`);
    } catch (error) {
      for (const socket of fillers) socket.destroy();
      child.kill('SIGKILL');
      throw error;
    }
  }

  /** Kills the listener and closes the connections that filled its queue. */
  async stop(): Promise<void> {
    for (const socket of this.#fillers) socket.destroy();
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      const exited = once(this.#child, 'exit');
      this.#child.kill('SIGKILL');
      await exited;
    }
  }
}
