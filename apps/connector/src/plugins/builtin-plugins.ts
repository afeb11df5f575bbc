import type { AnyPluginDefinition } from '@syslog-connector/core';
import { cefFormatter } from '@syslog-connector/format-cef';
import { leefFormatter } from '@syslog-connector/format-leef';
import { rfc3164Formatter } from '@syslog-connector/format-rfc3164';
import { rfc5424Formatter } from '@syslog-connector/format-rfc5424';
import { microsoftDefenderIdentitySource } from '@syslog-connector/source-microsoft-defender-identity';
import { visionOneAuditSource } from '@syslog-connector/source-vision-one-audit';
import { visionOneOatSource } from '@syslog-connector/source-vision-one-oat';
import { visionOneWorkbenchSource } from '@syslog-connector/source-vision-one-workbench';
import { relpTransport } from '@syslog-connector/transport-relp';
import { tcpTransport } from '@syslog-connector/transport-tcp';
import { tlsTransport } from '@syslog-connector/transport-tls';
import { udpTransport } from '@syslog-connector/transport-udp';

/**
 * The plugins that ship with the host app. They are registered exactly as an external plugin from the config's
 * `plugins:` list is: by definition, with no special case anywhere.
 */
export const builtinPlugins: ReadonlyArray<{ readonly definition: AnyPluginDefinition; readonly origin: string }> = [
  { definition: visionOneWorkbenchSource, origin: '@syslog-connector/source-vision-one-workbench' },
  { definition: visionOneOatSource, origin: '@syslog-connector/source-vision-one-oat' },
  { definition: visionOneAuditSource, origin: '@syslog-connector/source-vision-one-audit' },
  { definition: microsoftDefenderIdentitySource, origin: '@syslog-connector/source-microsoft-defender-identity' },
  { definition: cefFormatter, origin: '@syslog-connector/format-cef' },
  { definition: leefFormatter, origin: '@syslog-connector/format-leef' },
  { definition: rfc5424Formatter, origin: '@syslog-connector/format-rfc5424' },
  { definition: rfc3164Formatter, origin: '@syslog-connector/format-rfc3164' },
  { definition: tcpTransport, origin: '@syslog-connector/transport-tcp' },
  { definition: tlsTransport, origin: '@syslog-connector/transport-tls' },
  { definition: udpTransport, origin: '@syslog-connector/transport-udp' },
  { definition: relpTransport, origin: '@syslog-connector/transport-relp' },
];
