import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinPlugins } from '../src/plugins/builtin-plugins.js';
import { runCli } from './run-cli.js';

interface Row {
  readonly kind: string;
  readonly type: string;
  readonly package: string;
  readonly version: string;
  readonly origin: string;
}

describe('syslog-connector plugins', () => {
  let dir: string;
  const examplePlugin = join(process.cwd(), '../../examples/format-json-example/dist/index.js');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sc-plugins-'));
    // Only `plugins:` is read: the rest of this config is not even valid.
    await writeFile(join(dir, 'with-plugin.yaml'), `plugins:\n  - ${JSON.stringify(examplePlugin)}\nsources: {}\n`);
    await writeFile(join(dir, 'twice.yaml'), `plugins:\n  - ${JSON.stringify(examplePlugin)}\n  - "@syslog-connector/example-format-json"\n`);
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('lists the built-in plugins with kind, type, package and version when there is no config', async () => {
    const result = await runCli(['plugins'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^KIND +TYPE +PACKAGE +VERSION +ORIGIN$/);
    // A header line, then one line per built-in plugin.
    expect(lines).toHaveLength(1 + builtinPlugins.length);
    expect(lines).toContainEqual(expect.stringMatching(/^transport +tls +@syslog-connector\/transport-tls +\d+\.\d+\.\d+ +built-in$/));
    expect(lines).toContainEqual(expect.stringMatching(/^transport +relp +@syslog-connector\/transport-relp +\d+\.\d+\.\d+ +built-in$/));
    expect(lines).toContainEqual(expect.stringMatching(/^source +microsoft-defender-identity +@syslog-connector\/source-microsoft-defender-identity +\d+\.\d+\.\d+ +built-in$/));
  });

  it('names the `plugins:` entry a plugin comes from, with its package and version', async () => {
    const result = await runCli(['plugins', '-c', join(dir, 'with-plugin.yaml'), '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as Row[];
    expect(rows.filter((r) => r.origin === 'built-in')).toHaveLength(builtinPlugins.length);
    expect(rows.at(-1)).toMatchObject({
      kind: 'formatter',
      type: 'example-json',
      package: '@syslog-connector/example-format-json',
      version: '0.1.0',
      origin: `plugins[0]: ${examplePlugin}`,
    });
  });

  it('fails as run would when two entries define the same type, naming both', async () => {
    const result = await runCli(['plugins', '-c', join(dir, 'twice.yaml')], { cwd: process.cwd() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error PLUGIN_DUPLICATE: plugins: Two plugins define the formatter type "example-json"');
  });
});
