import { SyslogConnectorError } from '../errors.js';

const ROOTS = ['sources.', 'destinations.'];

/**
 * An error a plugin threw, placed at the plugin's config path (`sources.mdi`, `destinations.siem`): the host
 * prefixes it, so a plugin reports `port` or `tls.ca` (relative to its own options) and never rebuilds
 * `destinations.<id>`. A `SyslogConnectorError` without a path gets `configPath`; one whose path is relative gets
 * `configPath.` in front; one already under `sources.` / `destinations.` is returned as it is, as is anything that is
 * not a `SyslogConnectorError`. The copy keeps the error's class, brand, `code`, `hint`, `cause` and `written`.
 */
export const placeError = (error: unknown, configPath: string): unknown => {
  if (!SyslogConnectorError.is(error)) return error;
  const own = error.path;
  if (own !== undefined && (own === configPath || ROOTS.some((root) => own.startsWith(root)))) return error;
  const path = own === undefined || own === '' ? configPath : `${configPath}.${own}`;
  return Object.create(Object.getPrototypeOf(error) as object, {
    ...Object.getOwnPropertyDescriptors(error),
    path: { value: path, enumerable: true, writable: false, configurable: false },
  }) as unknown;
};
