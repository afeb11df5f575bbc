/**
 * Awaits a promise that must reject and returns what it rejected with. With `is`, the rejection must also pass that
 * type guard (`SyslogConnectorError.is`, `TransportError.is`): anything else is rethrown as it is,
 * so the test fails on the real error. A promise that resolves fails the test.
 *
 * ```ts
 * const error = await rejectionOf(transport.send(messages, signal), SyslogConnectorError.is);
 * expect(error.code).toBe('TRANSPORT_CONNECT');
 * ```
 */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown>;
export async function rejectionOf<E>(promise: Promise<unknown>, is: (error: unknown) => error is E): Promise<E>;
export async function rejectionOf(promise: Promise<unknown>, is?: (error: unknown) => boolean): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    if (is === undefined || is(error)) return error;
    throw error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
