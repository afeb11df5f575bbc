import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from './run-cli.js';

const exec = promisify(execFile);
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const MINUTE = 60_000;

/**
 * The Plugin SDK from the outside (issue #15): the workspace's packages packed with `pnpm pack`; in a temporary
 * folder outside the workspace, `syslog-connector new` writes a formatter, a transport and a source, each built,
 * linted and tested (its conformance suite) with npm alone against the tarballs; a host installed from the tarballs
 * loads all three by name and delivers an event through them to a real rsyslog (imfile reads what the transport
 * writes). npm installs use the local tarballs and the registry, with npm's own cache.
 */
describe('a third party writes, tests and ships a plugin without this repository', () => {
  let root: string;
  let pack: string;
  const children: ChildProcess[] = [];
  const timings: Record<string, number> = {};
  const timed = async <T>(label: string, run: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await run();
    } finally {
      timings[label] = Date.now() - started;
    }
  };
  const sh = async (cwd: string, command: string, args: readonly string[], timeout = 5 * MINUTE) => {
    try {
      return await exec(command, args, { cwd, timeout, maxBuffer: 32 * 1024 * 1024, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`${command} ${args.join(' ')} failed in ${cwd}: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`.slice(0, 8_000), { cause: error });
    }
  };
  const tarball = (name: string) => {
    const file = readdirSync(pack).find((f) => f.startsWith(`syslog-connector-${name}-`) && f.endsWith('.tgz'));
    if (file === undefined) throw new Error(`no tarball for ${name} in ${pack}`);
    return join(pack, file);
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'sc-plugin-sdk-'));
    pack = join(root, 'tarballs');
    await timed('pnpm pack (every package)', () =>
      sh(REPO, 'npx', ['-y', 'pnpm@12', '-r', '--filter', './packages/**', '--filter', './apps/**', '--filter', './examples/**', 'pack', '--pack-destination', pack]),
    );
  }, 5 * MINUTE);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    console.log(`plugin SDK timings (ms): ${JSON.stringify(timings)}`);
    await rm(root, { recursive: true, force: true });
  });

  const KINDS = [
    ['formatter', 'acme-line'],
    ['transport', 'acme-file'],
    ['source', 'acme-jsonl'],
  ] as const;

  it('scaffolds, builds, lints and tests a plugin of each kind with npm alone, then delivers through all three to rsyslog', async () => {
    const kit = ['core', 'simulators', 'testing'].map(tarball);
    const plugins: string[] = [];
    for (const [kind, name] of KINDS) {
      const dir = join(root, 'work', name);
      const made = await sh(root, process.execPath, [CLI, 'new', kind, name, '--dir', dir]);
      expect(made.stdout).toContain(`Wrote a ${kind} plugin "${name}"`);
      await timed(`${kind}: npm install`, () => sh(dir, 'npm', ['install', '--save-dev', ...kit]));
      await timed(`${kind}: build, lint, test`, async () => {
        await sh(dir, 'npm', ['run', 'build']);
        await sh(dir, 'npm', ['run', 'lint']);
        // vitest colours its report.
        const report = (await sh(dir, 'npm', ['test', '--', '--reporter=verbose'])).stdout.replace(/\u001b\[[0-9;]*m/g, '');
        expect(report).toMatch(/Tests +\d+ passed/);
        expect(report).not.toMatch(/\d+ failed/);
        expect(report).toContain(`${kind} conformance`);
      });
      // Node 24, as pinned by the `node` package, ran it.
      expect((await sh(dir, join(dir, 'node_modules/.bin/node'), ['--version'])).stdout.trim()).toMatch(/^v24\./);
      const packed = await sh(dir, 'npm', ['pack', '--pack-destination', pack]);
      plugins.push(join(pack, packed.stdout.trim().split('\n').at(-1) as string));
    }

    // The host, from the tarballs, with the three new plugins next to it.
    const host = join(root, 'host');
    await mkdir(join(host, 'out'), { recursive: true });
    await writeFile(join(host, 'package.json'), '{ "name": "host", "private": true }\n');
    const hostPackages = readdirSync(pack).filter((f) => f.startsWith('syslog-connector-') && !/(testing|example)/.test(f)).map((f) => join(pack, f));
    await timed('host: npm install', () => sh(host, 'npm', ['install', ...hostPackages, ...plugins], 8 * MINUTE));
    const coreCopies = (await sh(host, 'npm', ['ls', '@syslog-connector/core', '--all', '--parseable'])).stdout.trim().split('\n');
    expect(new Set(coreCopies).size).toBe(1);

    // rsyslog reads the file the transport appends to (imfile) and writes each line with its tag.
    const received = join(host, 'rsyslog-received.log');
    await writeFile(
      join(host, 'rsyslog.conf'),
      [
        `global(workDirectory="${host}")`,
        'module(load="imfile" mode="inotify")',
        `template(name="line" type="string" string="%syslogtag%%msg%\\n")`,
        `input(type="imfile" file="${join(host, 'out', 'siem.log')}" tag="connector:" ruleset="siem")`,
        `ruleset(name="siem") { action(type="omfile" file="${received}" template="line") }`,
        '',
      ].join('\n'),
    );
    const rsyslog = spawn('rsyslogd', ['-n', '-f', join(host, 'rsyslog.conf'), '-i', join(host, 'rsyslogd.pid')], { stdio: 'ignore', env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` } });
    children.push(rsyslog);

    await writeFile(
      join(host, 'events.jsonl'),
      `${JSON.stringify({ id: 'sdk-1', time: '2026-03-01T12:00:00.000Z', name: 'Outside plugin event', severity: 8, message: 'made | by a plugin' })}\n`,
    );
    await writeFile(
      join(host, 'syslog-connector.yaml'),
      [
        'instance: sdk-host',
        'stateDir: ./state',
        'plugins: [syslog-connector-source-acme-jsonl, syslog-connector-formatter-acme-line, syslog-connector-transport-acme-file]',
        'sources:',
        '  drops: { type: acme-jsonl, path: events.jsonl, pollInterval: 200 }',
        'destinations:',
        '  siem: { protocol: acme-file, path: out/siem.log, format: acme-line }',
        '',
      ].join('\n'),
    );
    const validate = await sh(host, 'npx', ['--no-install', 'syslog-connector', 'validate', '-c', 'syslog-connector.yaml']);
    expect(validate.stdout).toContain('siem (acme-file, acme-line)');
    const check = await sh(host, 'npx', ['--no-install', 'syslog-connector', 'test-connection', '-c', 'syslog-connector.yaml', '-d', 'siem']);
    expect(check.stdout).toContain(`siem: file ${join(host, 'out', 'siem.log')}`);

    const daemon = spawn(join(host, 'node_modules/.bin/syslog-connector'), ['run', '-c', 'syslog-connector.yaml', '--duration', '60s'], {
      cwd: host,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PATH: `${join(host, 'node_modules/.bin')}:${process.env.PATH ?? ''}` },
    });
    children.push(daemon);
    let log = '';
    daemon.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    daemon.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const line = await timed('event to rsyslog', async () => {
      for (let waited = 0; waited < 30_000; waited += 200) {
        if (existsSync(received)) {
          const text = await readFile(received, 'utf8');
          if (text.includes('sdk-1')) return text.trim();
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error(`rsyslog received nothing within 30 s; daemon log:\n${log.slice(-4_000)}`);
    });
    expect(line).toMatch(/^connector:sdk-host\|Example\|acme-jsonl\|acme-jsonl\|Outside plugin event\|8\|rt=2026-03-01T12:00:00\.000Z externalId=sdk-1 msg=made \\\| by a plugin$/);
    daemon.kill('SIGTERM');
    await new Promise((resolve) => daemon.once('close', resolve));
    rsyslog.kill('SIGTERM');
  }, 30 * MINUTE);
});
