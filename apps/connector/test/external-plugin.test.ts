import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyslogReceiver } from '@syslog-connector/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

/**
 * The central promise: a plugin package named in `plugins:` is loaded and used with no change to core or the
 * host app. The example formatter lives in examples/ and is known to the host only through this config.
 */
describe('a plugin package from the config', () => {
  let receiver: SyslogReceiver;
  let dir: string;

  beforeEach(async () => {
    receiver = await SyslogReceiver.start({ protocol: 'tcp', framing: 'lf' });
    dir = await mkdtemp(join(tmpdir(), 'sc-plugin-'));
  });
  afterEach(async () => {
    await receiver.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const config = (plugin: string) =>
    [
      'instance: plugin-host',
      'plugins:',
      `  - ${JSON.stringify(plugin)}`,
      'sources:',
      '  workbench: { type: vision-one-workbench, baseUrl: "http://127.0.0.1:9", token: unused, companyId: 68960c94-9be6-4343-a4ca-6408de7aa331 }',
      'destinations:',
      '  siem:',
      '    protocol: tcp',
      '    address: 127.0.0.1',
      `    port: ${receiver.port}`,
      '    framing: lf',
      '    format: example-json',
      '    example-json: { includeRaw: true }',
      '',
    ].join('\n');

  it('is loaded by package name and formats what send-test sends', async () => {
    const path = join(dir, 'config.yaml');
    await writeFile(path, config('@syslog-connector/example-format-json'));
    // Resolved from the host app's folder, where the example is installed.
    const result = await runCli(['send-test', '-c', path], { cwd: process.cwd() });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [message] = await receiver.waitFor(1, 5_000);
    const sent = JSON.parse(message?.raw ?? '{}') as Record<string, unknown>;
    expect(sent).toMatchObject({ host: 'plugin-host', type: 'test-message', name: 'syslog-connector test message', severity: 1 });
    expect(sent.raw).toMatchObject({ test: true, instance: 'plugin-host' });
  });

  it('is loaded by path, relative to the config file', async () => {
    const path = join(dir, 'config.yaml');
    const pluginPath = join(process.cwd(), '../../examples/format-json-example/dist/index.js');
    await writeFile(path, config(pluginPath));
    const result = await runCli(['validate', '-c', path]);
    expect(result.code).toBe(0);
  });

  it('gives a plugin copied next to the config, with no node_modules of its own, the host\'s core', async () => {
    // A built plugin alone in a folder: its `import … from '@syslog-connector/core'` resolves to the host's copy.
    await copyFile(join(process.cwd(), '../../examples/format-json-example/dist/index.js'), join(dir, 'json-plugin.js'));
    const path = join(dir, 'config.yaml');
    await writeFile(path, config('./json-plugin.js'));
    const result = await runCli(['send-test', '-c', path], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [message] = await receiver.waitFor(1, 5_000);
    expect(JSON.parse(message?.raw ?? '{}')).toMatchObject({ host: 'plugin-host', type: 'test-message' });
  });

  it('names the entry and the fix when a plugin cannot be loaded', async () => {
    const path = join(dir, 'config.yaml');
    await writeFile(path, config('@syslog-connector/not-installed'));
    const result = await runCli(['validate', '-c', path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('plugins[0]: Plugin "@syslog-connector/not-installed" cannot be loaded');
    expect(result.stderr).toContain('pnpm add @syslog-connector/not-installed');
  });
});
