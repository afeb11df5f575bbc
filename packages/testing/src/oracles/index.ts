export { RsyslogOracle, renderRsyslogConfig, type RsyslogOracleOptions } from './rsyslog-oracle.js';
export { SyslogNgOracle, renderSyslogNgConfig, type SyslogNgOracleInput, type SyslogNgOracleOptions } from './syslog-ng-oracle.js';
export type { SyslogOracle } from './daemon-oracle.js';
export { decodeCefWithLiblognorm, type DecodeCefOptions } from './lognormalizer.js';
export { padCefExtensionForLiblognorm, LIBLOGNORM_CEF_RULEBASE } from './liblognorm-cef.js';
export {
  oraclesAvailable,
  requireOracle,
  isCi,
  syslogNgOracleDir,
  syslogNgInstallation,
  type SyslogNgInstallation,
  type OracleName,
  type OracleStatus,
} from './oracle-availability.js';
export { OracleError, type OracleErrorCode } from './oracle-error.js';
export type { OracleFraming, OracleInput, OracleProtocol, OracleTlsOptions } from './oracle-input.js';
export { isCefFields, type CefDecodeError, type CefDecodeResult, type CefFields, type ParsedRecord } from './parsed-record.js';
