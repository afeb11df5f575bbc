import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const COMMITTED = new URL('../syslog-connector.schema.json', import.meta.url);

/**
 * The editor schema is generated from the zod schemas `validate` uses, and committed so an editor can fetch it
 * (`# yaml-language-server: $schema=…`). This test regenerates it: a plugin option added without regenerating fails.
 */
describe('syslog-connector schema', () => {
  it('prints the committed JSON Schema exactly (regenerate: node apps/connector/dist/cli.js schema > apps/connector/syslog-connector.schema.json)', async () => {
    const result = await runCli(['schema']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(await readFile(COMMITTED, 'utf8'));
  });

  it('describes core keys and every built-in plugin, as the user writes them', async () => {
    const schema = JSON.parse(await readFile(COMMITTED, 'utf8')) as {
      $schema: string;
      properties: Record<string, { additionalProperties?: { oneOf?: Array<{ properties: Record<string, { const?: string; type?: string; default?: unknown }> }> }; default?: unknown }>;
      additionalProperties: boolean;
    };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.instance?.default).toBeUndefined();
    const sources = schema.properties.sources?.additionalProperties?.oneOf ?? [];
    expect(sources.map((s) => s.properties.type?.const).sort()).toEqual(['microsoft-defender-identity', 'vision-one-audit', 'vision-one-oat', 'vision-one-workbench']);
    const destinations = schema.properties.destinations?.additionalProperties?.oneOf ?? [];
    expect(destinations.map((d) => d.properties.protocol?.const)).toEqual(['tcp', 'tls', 'udp', 'relp']);
    // A duration is written as text: the input side of the zod schema, not the parsed milliseconds.
    expect(sources[0]?.properties.pollInterval).toMatchObject({ type: 'string', default: '60s' });
  });

  it('with -c, describes the plugins that config loads too', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sc-schema-'));
    try {
      const plugin = join(process.cwd(), '../../examples/format-json-example/dist/index.js');
      await writeFile(join(dir, 'config.yaml'), `plugins: [${JSON.stringify(plugin)}]\n`);
      const result = await runCli(['schema', '-c', join(dir, 'config.yaml')]);
      expect(result.code).toBe(0);
      const schema = JSON.parse(result.stdout) as { properties: { destinations: { additionalProperties: { oneOf: Array<{ properties: { format: { enum: string[] } } & Record<string, unknown> }> } } } };
      const tcp = schema.properties.destinations.additionalProperties.oneOf[0];
      expect(tcp?.properties.format.enum).toEqual(['cef', 'leef', 'rfc5424', 'rfc3164', 'example-json']);
      expect(tcp?.properties['example-json']).toMatchObject({ type: 'object' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
