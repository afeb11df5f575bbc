import type { AnyPluginDefinition } from '@syslog-connector/core';
import { cefFormatter } from '@syslog-connector/format-cef';
import { visionOneWorkbenchSource } from '@syslog-connector/source-vision-one-workbench';
import { tcpTransport } from '@syslog-connector/transport-tcp';

/**
 * The plugins that ship with the host app. They are registered exactly as an external plugin from the config's
 * `plugins:` list is: by definition, with no special case anywhere.
 */
export const builtinPlugins: ReadonlyArray<{ readonly definition: AnyPluginDefinition; readonly origin: string }> = [
  { definition: visionOneWorkbenchSource, origin: '@syslog-connector/source-vision-one-workbench' },
  { definition: cefFormatter, origin: '@syslog-connector/format-cef' },
  { definition: tcpTransport, origin: '@syslog-connector/transport-tcp' },
];
