/**
 * The signal of one HTTP request: aborted when the poll's `signal` aborts or after `timeoutMs` (with a
 * `TimeoutError` DOMException, as `AbortSignal.timeout` does). `release()` — call it once the body is read — removes
 * the listener from the poll's signal and clears the timer, so nothing of the request outlives it.
 *
 * Not `AbortSignal.any([signal, AbortSignal.timeout(ms)])`: Node keeps a composite signal that has listeners (fetch
 * adds one) alive until it aborts, so with a long-lived poll signal each request's signal, its fetch state and
 * whatever that holds stayed in memory until the timeout fired a minute later — 2,000 requests' worth with 1,000
 * sources polling every 30 s, most of the daemon's heap (issue #20, apps/connector/bench).
 */
export const requestSignal = (signal: AbortSignal, timeoutMs: number): { readonly signal: AbortSignal; release(): void } => {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  if (signal.aborted) controller.abort(signal.reason);
  else signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new DOMException(`The request took longer than ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
  timer.unref();
  return {
    signal: controller.signal,
    release: () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
  };
};
