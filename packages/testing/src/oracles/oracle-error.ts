/**
 * What went wrong with a test oracle (a real syslog daemon or lognormalizer run as a parser we did not write).
 * Like core's errors, a value with a `code` and a `hint` that says how to fix it; `details` carries the daemon's
 * own output (config check, stderr) so a failing test shows why without re-running anything.
 */
export type OracleErrorCode =
  | 'ORACLE_MISSING'
  | 'ORACLE_CONFIG'
  | 'ORACLE_START'
  | 'ORACLE_TIMEOUT'
  | 'ORACLE_EXITED'
  | 'ORACLE_OUTPUT';

export interface OracleErrorDetails {
  readonly hint?: string;
  /** Daemon output or other text that explains the failure. */
  readonly details?: string;
  readonly cause?: unknown;
}

export class OracleError extends Error {
  readonly code: OracleErrorCode;
  readonly hint: string | undefined;
  readonly details: string | undefined;

  constructor(code: OracleErrorCode, message: string, options: OracleErrorDetails = {}) {
    const text = [
      message,
      options.hint === undefined ? '' : `\nhint: ${options.hint}`,
      options.details === undefined || options.details === '' ? '' : `\n--- details ---\n${options.details}`,
    ].join('');
    super(text, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OracleError';
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }
}

export const INSTALL_HINT =
  'run packages/testing/scripts/install-oracles.sh as root (Debian 12) to install rsyslog, liblognorm-utils and syslog-ng';
