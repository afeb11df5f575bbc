import { afterEach, describe, expect, it, vi } from 'vitest';
import { isCi, oraclesAvailable, requireOracle } from './oracle-availability.js';

describe('requireOracle', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('fails in CI when an oracle is missing, instead of skipping', () => {
    vi.stubEnv('SYSLOG_NG_ORACLE_DIR', '/nonexistent/syslog-ng-oracle');
    vi.stubEnv('CI', 'true');
    expect(() => requireOracle('syslog-ng')).toThrow(expect.objectContaining({ code: 'ORACLE_MISSING' }));
  });

  it('asks to skip, with a printed reason, on a developer machine', () => {
    vi.stubEnv('SYSLOG_NG_ORACLE_DIR', '/nonexistent/syslog-ng-oracle');
    vi.stubEnv('CI', '');
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    expect(requireOracle('syslog-ng')).toBe(true);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('/nonexistent/syslog-ng-oracle'), { code: 'ORACLE_MISSING' });
  });

  it('reads CI=false and CI=0 as not CI', () => {
    vi.stubEnv('CI', 'false');
    expect(isCi()).toBe(false);
    vi.stubEnv('CI', '0');
    expect(isCi()).toBe(false);
    vi.stubEnv('CI', '1');
    expect(isCi()).toBe(true);
  });

  it('reports each oracle with a binary or a reason', () => {
    for (const status of Object.values(oraclesAvailable())) {
      expect(status.available ? status.binary : status.reason).toMatch(/\S/);
    }
  });
});
