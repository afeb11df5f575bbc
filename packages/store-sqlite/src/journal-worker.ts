import { parentPort, workerData } from 'node:worker_threads';
import type { Logger } from '@syslog-connector/core';
import { toThreadError, type JournalCall, type JournalReply } from './journal-thread-protocol.js';
import { SqliteJournal, type SqliteJournalOptions } from './sqlite-journal.js';

/**
 * The thread that owns the store's SQLite connection for `ThreadedJournal`: every statement — inserts, commits,
 * queries — runs here, off the event loop that formats and sends. Calls are answered in the order they arrive,
 * which is the order the host made them.
 */
const port = parentPort;
if (port === null) throw new Error('journal-worker runs as a worker thread of ThreadedJournal');
const send = (reply: JournalReply): void => port.postMessage(reply);

// The store logs a few things (opened, drops, a mislabelled source): passed on to the host's logger.
const logger: Logger = {
  debug: (fields, message) => send({ log: { level: 'debug', fields, message } }),
  info: (fields, message) => send({ log: { level: 'info', fields, message } }),
  warn: (fields, message) => send({ log: { level: 'warn', fields, message } }),
  error: (fields, message) => send({ log: { level: 'error', fields, message } }),
  child: () => logger,
};

let journal: SqliteJournal;
try {
  journal = await SqliteJournal.open({ ...(workerData as Omit<SqliteJournalOptions, 'logger' | 'clock'>), logger, recentEvents: 0 });
  send({ opened: true, head: await journal.head() });
} catch (error) {
  send({ openFailed: toThreadError(error) });
  process.exit(0);
}

const call = (method: JournalCall['method'], args: readonly unknown[]): Promise<unknown> => {
  switch (method) {
    case 'stateGet': {
      const [namespace, key] = args as [string, string];
      return journal.state.get(namespace, key);
    }
    case 'stateSet': {
      const [namespace, key, value] = args as [string, string, string];
      return journal.state.set(namespace, key, value);
    }
    default:
      return (journal[method] as (...parameters: readonly unknown[]) => Promise<unknown>).apply(journal, [...args]);
  }
};

// One call at a time, in arrival order: an ack must not overtake the append it follows.
let queue: Promise<void> = Promise.resolve();
port.on('message', ({ id, method, args }: JournalCall) => {
  queue = queue.then(async () => {
    try {
      send({ id, ok: true, value: await call(method, args) });
    } catch (error) {
      send({ id, ok: false, error: toThreadError(error) });
    }
    if (method === 'close') port.close();
  });
});
