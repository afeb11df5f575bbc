import type { CheckStep } from './source.js';

/** How many messages of a `send` call are confirmed (see the transport's README for what confirmed means). */
export interface Delivery {
  readonly written: number;
}

/**
 * Sends messages to one syslog server. Framing is the transport's job. `send` resolves once every message is
 * confirmed; on failure it throws a `TransportError` whose `written` says how many leading messages were
 * confirmed, and the caller re-sends the rest (the transport reconnects on the next `send`).
 */
export interface Transport {
  send(messages: readonly string[], signal: AbortSignal): Promise<Delivery>;
  /** DNS → connect → TLS handshake, each step reported (`test-connection`). */
  check(signal: AbortSignal): AsyncIterable<CheckStep>;
  close(): Promise<void>;
}
