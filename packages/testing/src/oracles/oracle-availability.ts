import { accessSync, constants, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { INSTALL_HINT, OracleError } from './oracle-error.js';

/** `rsyslog-relp`: rsyslog with its imrelp module (Debian's rsyslog-relp), for the relp transport's interop tests. */
export type OracleName = 'rsyslog' | 'rsyslog-relp' | 'syslog-ng' | 'lognormalizer';

export type OracleStatus =
  | { readonly available: true; readonly binary: string }
  | { readonly available: false; readonly reason: string };

/** Where install-oracles.sh unpacks syslog-ng (it conflicts with rsyslog as a Debian package). */
export const syslogNgOracleDir = (): string => process.env['SYSLOG_NG_ORACLE_DIR'] ?? '/opt/syslog-ng-oracle';

const isExecutable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

const exists = (path: string): boolean => {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
};

const findInPath = (name: string, extraDirs: readonly string[]): string | undefined => {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter).filter((d) => d !== ''), ...extraDirs];
  return dirs.map((dir) => join(dir, name)).find(isExecutable);
};

const RSYSLOG_MODULE_DIRS = ['/usr/lib/x86_64-linux-gnu/rsyslog', '/usr/lib/aarch64-linux-gnu/rsyslog', '/usr/lib/rsyslog'];
const RSYSLOG_MODULES = ['imtcp.so', 'imudp.so', 'mmpstrucdata.so', 'mmnormalize.so', 'lmnsd_gtls.so', 'lmnsd_ossl.so'];
/** imrelp comes in Debian's separate `rsyslog-relp` package (librelp with GnuTLS and OpenSSL). */
const RSYSLOG_RELP_MODULE = 'imrelp.so';

export interface SyslogNgInstallation {
  readonly binary: string;
  readonly modulePath: string;
  readonly libraryPath: string;
  /** `major.minor`, for the config's `@version:`. */
  readonly version: string;
}

const locateSyslogNg = (): SyslogNgInstallation | string => {
  const dir = syslogNgOracleDir();
  const binary = join(dir, 'usr/sbin/syslog-ng');
  if (!isExecutable(binary)) return `${binary} not found`;
  let versions: string[];
  try {
    versions = readdirSync(join(dir, 'usr/lib/syslog-ng')).filter((name) => /^\d+\.\d+$/.test(name));
  } catch {
    versions = [];
  }
  const version = versions.sort().at(-1);
  if (version === undefined) return `no module folder usr/lib/syslog-ng/<major.minor> under ${dir}`;
  const libraryPath = [
    join(dir, 'usr/lib/syslog-ng'),
    join(dir, 'usr/lib/x86_64-linux-gnu'),
    join(dir, 'usr/lib/aarch64-linux-gnu'),
  ].join(':');
  return { binary, modulePath: join(dir, 'usr/lib/syslog-ng', version), libraryPath, version };
};

const probe = (name: OracleName): OracleStatus => {
  switch (name) {
    case 'rsyslog': {
      const binary = findInPath('rsyslogd', ['/usr/sbin', '/sbin']);
      if (binary === undefined) return { available: false, reason: 'rsyslogd not found in PATH or /usr/sbin' };
      const moduleDir = RSYSLOG_MODULE_DIRS.find((dir) => exists(join(dir, 'imtcp.so')));
      const missing = moduleDir === undefined ? RSYSLOG_MODULES : RSYSLOG_MODULES.filter((m) => !exists(join(moduleDir, m)));
      if (missing.length > 0) return { available: false, reason: `rsyslog modules missing: ${missing.join(', ')}` };
      return { available: true, binary };
    }
    case 'rsyslog-relp': {
      const rsyslog = probe('rsyslog');
      if (!rsyslog.available) return rsyslog;
      const moduleDir = RSYSLOG_MODULE_DIRS.find((dir) => exists(join(dir, 'imtcp.so')));
      if (moduleDir === undefined || !exists(join(moduleDir, RSYSLOG_RELP_MODULE))) {
        return { available: false, reason: `rsyslog module ${RSYSLOG_RELP_MODULE} missing (Debian package rsyslog-relp)` };
      }
      return rsyslog;
    }
    case 'lognormalizer': {
      const binary = findInPath('lognormalizer', ['/usr/bin']);
      return binary === undefined ? { available: false, reason: 'lognormalizer (liblognorm-utils) not found' } : { available: true, binary };
    }
    case 'syslog-ng': {
      const found = locateSyslogNg();
      return typeof found === 'string' ? { available: false, reason: found } : { available: true, binary: found.binary };
    }
  }
};

/** Which oracles are installed on this machine (a few file checks, nothing is run; cheap enough to call per test file). */
export const oraclesAvailable = (): Readonly<Record<OracleName, OracleStatus>> => ({
  rsyslog: probe('rsyslog'),
  'rsyslog-relp': probe('rsyslog-relp'),
  'syslog-ng': probe('syslog-ng'),
  lognormalizer: probe('lognormalizer'),
});

/** CI sets CI=true; there a missing oracle is an install bug, not a reason to skip. */
export const isCi = (): boolean => {
  const ci = process.env['CI'];
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
};

const warned = new Set<OracleName>();

/**
 * For `describe.skipIf(requireOracle('rsyslog'))(…)`: returns `true` (skip) when the oracle is missing on a
 * developer machine, after printing why once; throws an OracleError in CI (CI=true) so the run fails instead of
 * silently skipping the interop tests.
 */
export const requireOracle = (name: OracleName): boolean => {
  const status = oraclesAvailable()[name];
  if (status.available) return false;
  if (isCi()) {
    throw new OracleError('ORACLE_MISSING', `test oracle ${name} is not installed (${status.reason}) and CI=true`, {
      hint: INSTALL_HINT,
    });
  }
  if (!warned.has(name)) {
    warned.add(name);
    process.emitWarning(`skipping tests that need ${name}: ${status.reason}; ${INSTALL_HINT}`, { code: 'ORACLE_MISSING' });
  }
  return true;
};

/** The binary of an installed oracle, or an ORACLE_MISSING error saying how to install it. */
export const oracleBinary = (name: OracleName): string => {
  const status = oraclesAvailable()[name];
  if (status.available) return status.binary;
  throw new OracleError('ORACLE_MISSING', `test oracle ${name} is not installed (${status.reason})`, { hint: INSTALL_HINT });
};

export const syslogNgInstallation = (): SyslogNgInstallation => {
  const found = locateSyslogNg();
  if (typeof found === 'string') {
    throw new OracleError('ORACLE_MISSING', `test oracle syslog-ng is not installed (${found})`, { hint: INSTALL_HINT });
  }
  return found;
};
