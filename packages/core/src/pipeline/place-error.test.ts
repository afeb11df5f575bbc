import { describe, expect, it } from 'vitest';
import { SyslogConnectorError, TransportError } from '../errors.js';
import { placeError } from './place-error.js';

describe('placeError', () => {
  it('prefixes a path relative to the plugin with its config path', () => {
    const placed = placeError(new SyslogConnectorError('CONFIG_INVALID', 'cannot read the CA', { path: 'tls.ca', hint: 'check the file' }), 'destinations.siem');
    expect(SyslogConnectorError.is(placed) && placed.describe()).toBe('destinations.siem.tls.ca: cannot read the CA — check the file');
  });

  it('gives an error without a path the plugin’s config path, keeping class, code and written', () => {
    const placed = placeError(new TransportError('TRANSPORT_CONNECT', 'refused', 3), 'destinations.siem');
    expect(TransportError.is(placed)).toBe(true);
    expect(placed).toBeInstanceOf(TransportError);
    expect(placed).toMatchObject({ path: 'destinations.siem', written: 3, code: 'TRANSPORT_CONNECT', message: 'refused' });
  });

  it('leaves a path already under sources. or destinations., and anything that is not ours', () => {
    const absolute = new SyslogConnectorError('SOURCE_AUTH', 'denied', { path: 'sources.mdi.clientSecret' });
    expect(placeError(absolute, 'sources.mdi')).toBe(absolute);
    const plain = new Error('boom');
    expect(placeError(plain, 'sources.mdi')).toBe(plain);
  });
});
