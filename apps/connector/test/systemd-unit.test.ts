import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * deploy/systemd/syslog-connector.service as systemd reads it. `systemd-analyze verify` checks every key and that
 * ExecStart's program exists, so the unit is verified with its /opt/syslog-connector pointing at a stand-in
 * production folder in a temporary directory (Node and the CLI launcher, linked); `systemd-analyze security`
 * holds the hardening at its current exposure. Neither needs a running systemd. Debian's `systemd` package provides
 * the tool (.ci/run installs it); without it the test is skipped with the reason, and with CI=true it fails.
 */

const UNIT = fileURLToPath(new URL('../../../deploy/systemd/syslog-connector.service', import.meta.url));
const LAUNCHER = fileURLToPath(new URL('../bin/syslog-connector.js', import.meta.url));
const INSTALLED = '/opt/syslog-connector/';

const analyzer = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
const missing = analyzer.error !== undefined || analyzer.status !== 0;
const ci = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== '0' && process.env.CI.toLowerCase() !== 'false';
if (missing && ci) throw new Error('systemd-analyze is not installed and CI=true: apt-get install -y --no-install-recommends systemd');
if (missing) console.warn('skipping the systemd unit checks: systemd-analyze is not installed (apt-get install -y --no-install-recommends systemd)');

describe.skipIf(missing)('the systemd unit (systemd-analyze)', () => {
  let root = '';
  let unit = '';
  let text = '';

  beforeAll(async () => {
    text = await readFile(UNIT, 'utf8');
    root = await mkdtemp(join(tmpdir(), 'syslog-connector-unit-'));
    const app = join(root, INSTALLED);
    await mkdir(join(app, 'node_modules/.bin'), { recursive: true });
    await mkdir(join(app, 'bin'), { recursive: true });
    await symlink(process.execPath, join(app, 'node_modules/.bin/node'));
    await symlink(LAUNCHER, join(app, 'bin/syslog-connector.js'));
    unit = join(root, 'syslog-connector.service');
    await writeFile(unit, text.replaceAll(INSTALLED, app));
  });

  afterAll(async () => {
    if (root !== '') await rm(root, { recursive: true, force: true });
  });

  it('starts the production folder with its own Node and the config in /etc/syslog-connector', () => {
    expect(text).toMatch(/^ExecStart=\/opt\/syslog-connector\/node_modules\/\.bin\/node --max-semi-space-size=16 \/opt\/syslog-connector\/bin\/syslog-connector\.js run --config \/etc\/syslog-connector\/syslog-connector\.yaml$/m);
    for (const line of ['DynamicUser=yes', 'StateDirectory=syslog-connector', 'ConfigurationDirectory=syslog-connector', 'ProtectSystem=strict', 'ExecReload=/bin/kill -HUP $MAINPID']) {
      expect(text.split('\n')).toContain(line);
    }
    expect(text).toMatch(/^LoadCredential=VISION_ONE_TOKEN:\/etc\/syslog-connector\/credentials\/VISION_ONE_TOKEN$/m);
  });

  it('passes systemd-analyze verify with no warning', () => {
    const verify = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8', timeout: 20_000 });
    expect({ status: verify.status, stderr: verify.stderr.trim() }).toEqual({ status: 0, stderr: '' });
  });

  it('keeps its systemd-analyze security exposure at 1.5 or below', () => {
    const security = spawnSync('systemd-analyze', ['security', '--offline=yes', '--threshold=15', '--no-pager', unit], { encoding: 'utf8', timeout: 20_000 });
    expect(security.status, security.stdout).toBe(0);
  });
});
