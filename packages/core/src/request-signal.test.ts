import { describe, expect, it } from 'vitest';
import { requestSignal } from './request-signal.js';

describe('requestSignal', () => {
  it('aborts with the poll signal’s reason, or with a TimeoutError after its time', async () => {
    const poll = new AbortController();
    const first = requestSignal(poll.signal, 60_000);
    poll.abort(new Error('stopping'));
    expect(first.signal.aborted).toBe(true);
    expect(first.signal.reason).toEqual(new Error('stopping'));
    first.release();

    const timed = requestSignal(new AbortController().signal, 5);
    await new Promise((resolve) => timed.signal.addEventListener('abort', resolve, { once: true }));
    expect((timed.signal.reason as DOMException).name).toBe('TimeoutError');
    timed.release();
  });

  it('keeps nothing once released: a long-lived poll signal does not collect the requests made under it', async () => {
    const poll = new AbortController();
    const released = requestSignal(poll.signal, 60_000);
    released.release();
    poll.abort(new Error('later'));
    expect(released.signal.aborted).toBe(false);

    // 20,000 requests under one poll signal, each with a listener as fetch adds: the heap stays where it was.
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc === undefined) return;
    const signal = new AbortController().signal;
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 20_000; i += 1) {
      const request = requestSignal(signal, 60_000);
      request.signal.addEventListener('abort', () => undefined);
      request.release();
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
    gc();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(5 * 1024 * 1024);
  });
});
