import type { Transport } from '@syslog-connector/core';

/**
 * Where a destination sends, as its transport says (`Transport.describeTarget`: `tcp 10.0.0.5:6514`,
 * `unix /run/rsyslog.sock`); a transport that does not say is shown by its `protocol` alone — never as
 * `undefined:NaN` from keys it does not have.
 */
export const transportTarget = (transport: Transport, protocol: string): string => {
  const said = transport.describeTarget?.();
  return typeof said === 'string' && said.trim() !== '' ? said : protocol;
};
