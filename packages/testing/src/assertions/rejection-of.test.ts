import { SyslogConnectorError } from '@syslog-connector/core';
import { describe, expect, it } from 'vitest';
import { rejectionOf } from './rejection-of.js';

describe('rejectionOf', () => {
  const known = new SyslogConnectorError('CONFIG_INVALID', 'bad');

  it('returns the rejection, narrowed by the guard', async () => {
    expect(await rejectionOf(Promise.reject(known))).toBe(known);
    const error = await rejectionOf(Promise.reject(known), SyslogConnectorError.is);
    expect(error.code).toBe('CONFIG_INVALID');
  });

  it('rethrows a rejection the guard refuses, as it is', async () => {
    const other = new RangeError('other');
    await expect(rejectionOf(Promise.reject(other), SyslogConnectorError.is)).rejects.toBe(other);
  });

  it('fails when the promise resolves', async () => {
    await expect(rejectionOf(Promise.resolve(1))).rejects.toThrow('expected the promise to reject, but it resolved');
  });
});
