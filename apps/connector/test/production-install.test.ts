import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isCefFields, requireOracle, RsyslogOracle, VisionOneSimulator } from '@syslog-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * The production folder as an operator gets it: `pnpm deploy --prod` from the lockfile into a temporary
 * directory (once for this file; it takes ~5 s with Node's archive in the npm cache, ~45 s without), then the
 * daemon runs from there with its own Node 24, a relative config under another working directory, a secret handed
 * over the way systemd's LoadCredential= does, and a real rsyslog as the SIEM. Neither vitest nor the test kit may
 * be in the folder, so neither can load.
 */

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A child process bounded in time; its output is kept for the assertion message. */
const run = (command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${options.timeoutMs} ms\n${stdout}\n${stderr}`));
    }, options.timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });

let root = '';
let app = '';
let deployMs = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'syslog-connector-production-'));
  app = join(root, 'opt', 'syslog-connector');
  const started = Date.now();
  // The README's command; --frozen-lockfile: the folder is exactly what pnpm-lock.yaml says.
  const deployed = await run('npx', ['-y', 'pnpm@12', '--filter', '@syslog-connector/connector', 'deploy', '--prod', '--frozen-lockfile', app], {
    cwd: REPO,
    env: process.env,
    timeoutMs: 80_000,
  });
  deployMs = Date.now() - started;
  if (deployed.code !== 0) throw new Error(`pnpm deploy exited ${String(deployed.code)}\n${deployed.stdout}\n${deployed.stderr}`);
}, 85_000);

afterAll(async () => {
  if (root !== '') await rm(root, { recursive: true, force: true });
});

/** The folder's own Node running the folder's CLI, from `cwd`, with only PATH and `env` in the environment. */
const cli = (args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}, timeoutMs = 20_000): Promise<Run> =>
  run(join(app, 'node_modules/.bin/node'), [join(app, 'bin/syslog-connector.js'), ...args], { cwd, env: { PATH: '/usr/bin:/bin', ...env }, timeoutMs });

describe('the production folder (pnpm deploy --prod)', () => {
  it('holds production dependencies and its own Node 24, and neither vitest nor the test kit', async () => {
    console.log(`pnpm deploy --prod took ${(deployMs / 1000).toFixed(1)} s`);
    const store = await readdir(join(app, 'node_modules/.pnpm'));
    const devOnly = store.filter((name) => /^(vitest|vite|@vitest\+|@syslog-connector\+testing|fast-check|typescript|tsup|esbuild|turbo)@/.test(name));
    expect(devOnly).toEqual([]);
    expect(store.some((name) => name.startsWith('@syslog-connector+simulators@'))).toBe(true);
    expect(existsSync(join(app, 'node_modules/vitest'))).toBe(false);
    expect(existsSync(join(app, 'node_modules/@syslog-connector/testing'))).toBe(false);

    const version = await run(join(app, 'node_modules/.bin/node'), ['--version'], { cwd: root, timeoutMs: 10_000 });
    expect(version.stdout).toMatch(/^v24\./);
    // Resolved from the folder, as the daemon would: neither can load.
    for (const name of ['vitest', '@syslog-connector/testing']) {
      const imported = await run(join(app, 'node_modules/.bin/node'), ['--input-type=module', '-e', `await import(${JSON.stringify(name)})`], { cwd: app, timeoutMs: 10_000 });
      expect(imported.code).toBe(1);
      expect(imported.stderr).toContain('ERR_MODULE_NOT_FOUND');
    }
  });

  it('runs the demo from the simulators it carries', async () => {
    const demo = await cli(['demo', '--duration', '3s', '--quiet'], root);
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout + demo.stderr).toMatch(/status: fetched \d+ · delivered [1-9]\d*/);
  });

  describe.skipIf(requireOracle('rsyslog'))('delivering to rsyslog', () => {
    it('runs, validates, checks, sends a test event and reports status with a relative config from another directory', async () => {
      await using oracle = await RsyslogOracle.start({ inputs: [{ protocol: 'tcp' }], parseCef: true });
      const simulator = await VisionOneSimulator.start({ seed: 14 });
      try {
        const now = Date.now();
        const alerts = simulator.addWorkbenchAlerts(5, { from: now - 3_600_000, to: now - 120_000 });
        const etc = join(root, 'etc', 'syslog-connector');
        const elsewhere = join(root, 'var', 'elsewhere');
        const credentials = join(root, 'run', 'credentials');
        await Promise.all([mkdir(etc, { recursive: true }), mkdir(elsewhere, { recursive: true }), mkdir(credentials, { recursive: true })]);
        // As systemd's LoadCredential=VISION_ONE_TOKEN:… leaves it: a file in $CREDENTIALS_DIRECTORY, not a variable.
        await writeFile(join(credentials, 'VISION_ONE_TOKEN'), `${simulator.token}\n`, { mode: 0o400 });
        await writeFile(
          join(etc, 'syslog-connector.yaml'),
          [
            'instance: production-test',
            'stateDir: ./data',
            'sources:',
            '  workbench:',
            '    type: vision-one-workbench',
            `    baseUrl: ${simulator.baseUrl}`,
            '    token: ${VISION_ONE_TOKEN}',
            '    companyId: 3f9c2a61-5b7e-4d0a-9c1e-8a2b6d4f0e17',
            '    since: 24h',
            '    pollInterval: 1s',
            'destinations:',
            '  siem:',
            '    address: 127.0.0.1',
            '    protocol: tcp',
            `    port: ${String(oracle.ports[0])}`,
            '    format: cef',
            '',
          ].join('\n'),
        );
        const config = '../../etc/syslog-connector/syslog-connector.yaml';
        const env = { CREDENTIALS_DIRECTORY: credentials };

        const validate = await cli(['validate', '-c', config], elsewhere, env);
        expect(validate.code, validate.stdout + validate.stderr).toBe(0);
        const connection = await cli(['test-connection', '-c', config], elsewhere, env);
        expect(connection.code, connection.stdout + connection.stderr).toBe(0);

        const daemon = spawn(join(app, 'node_modules/.bin/node'), [join(app, 'bin/syslog-connector.js'), 'run', '-c', config], {
          cwd: elsewhere,
          env: { PATH: '/usr/bin:/bin', ...env },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let logs = '';
        daemon.stderr.on('data', (chunk: Buffer) => (logs += chunk.toString()));
        const exited = new Promise<number | null>((resolve) => daemon.on('close', (code) => resolve(code)));
        let code: number | null;
        try {
          const received = await oracle.received(alerts.length, 30_000);
          const ids = received.map((record) => (isCefFields(record.cef) ? record.cef.extensions.externalId : undefined));
          expect(new Set(ids)).toEqual(new Set(alerts.map((alert) => alert.id)));
          expect(received.every((record) => isCefFields(record.cef) && record.cef.signatureId === '900001' && record.hostname === 'production-test')).toBe(true);
        } finally {
          daemon.kill('SIGTERM');
          const killer = setTimeout(() => daemon.kill('SIGKILL'), 15_000);
          code = await exited;
          clearTimeout(killer);
        }
        expect(code, logs).toBe(0);
        // stateDir is relative to the config file, never to the working directory.
        expect(existsSync(join(etc, 'data'))).toBe(true);
        expect(existsSync(join(elsewhere, 'data'))).toBe(false);

        const status = await cli(['status', '-c', config, '--json'], elsewhere, env);
        expect(status.code, status.stderr).toBe(0);
        const report = JSON.parse(status.stdout) as { destinations: ReadonlyArray<{ destination: string; delivered: number; lag: number }> };
        expect(report.destinations).toEqual([expect.objectContaining({ destination: 'siem', delivered: alerts.length, lag: 0 })]);

        const sendTest = await cli(['send-test', '-c', config], elsewhere, env);
        expect(sendTest.code, sendTest.stdout + sendTest.stderr).toBe(0);
        const [testEvent] = await oracle.received(1, 10_000);
        expect(testEvent?.hostname).toBe('production-test');
        // The secret went in through the credential file and never came out.
        expect(logs + validate.stdout + validate.stderr + status.stdout + sendTest.stdout + sendTest.stderr).not.toContain(simulator.token);
      } finally {
        await simulator.stop();
      }
    }, 60_000);
  });
});
