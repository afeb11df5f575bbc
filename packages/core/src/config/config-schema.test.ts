import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { duration } from '../duration.js';
import { defineFormatter, defineSource, defineTransport } from '../plugin-definition.js';
import { flattenIssues } from './config-issues.js';
import { checkSourceReferences, composeConfigSchema } from './config-schema.js';
import { checkDestinationsWithoutTransport } from './destination-shared-keys.js';
import { substituteEnvironment } from './load-config.js';
import { PluginRegistry } from './plugin-registry.js';

const oat = defineSource({
  type: 'vision-one-oat',
  meta: { summary: 'test', stability: 'experimental' },
  options: z.strictObject({
    token: z.string(),
    riskLevels: z.array(z.enum(['critical', 'high', 'medium', 'low', 'info', 'undefined'])).default(['critical']),
    pollInterval: duration().default(60_000 as never),
  }),
  deps: {},
  create: () => ({ pollIntervalMs: 1, read: async function* () {}, close: async () => {} }),
});
const tcp = defineTransport({
  type: 'tcp',
  meta: { summary: 'test', stability: 'experimental' },
  options: z.strictObject({
    address: z.string(),
    port: z.number().int().min(1, 'must be 1–65535').max(65535, 'must be 1–65535').default(601),
  }),
  deps: {},
  create: () => ({ send: async () => ({ written: 0 }), check: async function* () {}, close: async () => {} }),
});
const udp = defineTransport({ ...tcp, type: 'udp', options: tcp.options.extend({ port: z.number().default(514) }) });
const cef = defineFormatter({
  type: 'cef',
  meta: { summary: 'test', stability: 'experimental' },
  options: z.strictObject({ prefix: z.enum(['rfc3164', 'rfc5424']).default('rfc3164') }),
  deps: {},
  create: () => ({ format: () => '' }),
});

const registry = new PluginRegistry();
for (const definition of [oat, tcp, udp, cef]) registry.register(definition, 'test');
const schema = composeConfigSchema(registry);
const choices = { type: ['vision-one-oat'], protocol: ['tcp', 'udp'] };
const issuesOf = (document: unknown) => {
  const result = schema.safeParse(document, { reportInput: true });
  return [...(result.success ? [] : flattenIssues(result.error.issues, choices)), ...checkSourceReferences(document)];
};

describe('composeConfigSchema', () => {
  it('applies every default: plugin options, the format, the port per protocol', () => {
    const config = schema.parse({
      instance: 'sensor-01',
      sources: { oat: { type: 'vision-one-oat', token: 't' } },
      destinations: { siem: { protocol: 'udp', address: 'siem.example.com' }, other: { protocol: 'tcp', address: '::1' } },
    });
    expect(config.stateDir).toBe('./data');
    expect(config.journal).toEqual({ maxSize: 1_073_741_824, whenFull: 'block', engine: 'sqlite', fsync: false });
    expect(config.sources.oat).toEqual({ type: 'vision-one-oat', token: 't', riskLevels: ['critical'], pollInterval: 60_000 });
    expect(config.destinations.siem).toMatchObject({ protocol: 'udp', port: 514, format: 'cef' });
    expect(config.destinations.other).toMatchObject({ protocol: 'tcp', port: 601 });
  });

  it('reads the journal budget and its policy, and names the path of a wrong one', () => {
    const base = { sources: { oat: { type: 'vision-one-oat', token: 't' } }, destinations: { siem: { protocol: 'udp', address: 'x' } } };
    expect(schema.parse({ ...base, journal: { maxSize: '500MB', whenFull: 'drop-oldest' } }).journal).toEqual({ maxSize: 500_000_000, whenFull: 'drop-oldest', engine: 'sqlite', fsync: false });
    expect(schema.parse({ ...base, journal: { engine: 'log', fsync: true } }).journal).toMatchObject({ engine: 'log', fsync: true });
    expect(issuesOf({ ...base, journal: { maxSize: '2 parsecs', whenFull: 'panic', engine: 'lmdb', size: 1 } })).toEqual([
      { path: 'journal.maxSize', message: '"2 parsecs" is not a size; write a number and a unit, e.g. 500MB, 2GB, 1GiB' },
      { path: 'journal.whenFull', message: '"panic" is not one of block, drop-oldest' },
      { path: 'journal.engine', message: '"lmdb" is not one of log, sqlite' },
      { path: 'journal.size', message: 'is not a known setting here; remove it or check its spelling' },
    ]);
    expect(issuesOf({ ...base, journal: { maxSize: '100KB' } })).toEqual([
      { path: 'journal.maxSize', message: '"100KB" is too small; use at least 1,048,576 bytes' },
    ]);
  });

  it('reports every problem with its path, not only the first', () => {
    expect(
      issuesOf({
        sources: { oat: { type: 'vision-one-oat', token: 't', riskLevels: ['critical', 'severe'], extra: 1 } },
        destinations: { siem: { protocol: 'tcp', address: 'x', port: 70000, format: 'leef', sources: ['audit'] } },
      }),
    ).toEqual([
      { path: 'sources.oat.riskLevels[1]', message: '"severe" is not one of critical, high, medium, low, info, undefined' },
      { path: 'sources.oat.extra', message: 'is not a known setting here; remove it or check its spelling' },
      { path: 'destinations.siem.port', message: 'must be 1–65535' },
      { path: 'destinations.siem.format', message: '"leef" is not one of cef' },
      { path: 'destinations.siem.sources[0]', message: '"audit" is not a configured source; use one of oat' },
    ]);
  });

  it('names the allowed protocols when one is unknown or missing', () => {
    expect(
      issuesOf({
        sources: { oat: { type: 'vision-one-oat', token: 't' } },
        destinations: { a: { protocol: 'smtp', address: 'x' }, b: { address: 'y' } },
      }),
    ).toEqual([
      { path: 'destinations.a.protocol', message: '"smtp" is not one of tcp, udp' },
      { path: 'destinations.b.protocol', message: 'is required; use one of tcp, udp' },
    ]);
  });

  it('checks the port, format and sources of a destination whose protocol is unknown', () => {
    const document = {
      sources: { oat: { type: 'vision-one-oat', token: 't' } },
      destinations: { a: { protocol: 'sctp', address: 'x', port: 99999, format: 'leef', sources: ['oat'], tls: {} } },
    };
    expect([...issuesOf(document), ...checkDestinationsWithoutTransport(document, registry)]).toEqual([
      { path: 'destinations.a.protocol', message: '"sctp" is not one of tcp, udp' },
      { path: 'destinations.a.port', message: 'must be 1–65535' },
      { path: 'destinations.a.format', message: '"leef" is not one of cef' },
    ]);
    // A known protocol is the schema's to check: nothing twice.
    expect(checkDestinationsWithoutTransport({ destinations: { b: { protocol: 'tcp', port: 0 } } }, registry)).toEqual([]);
  });

  it('says that a quoted number is a string, before any range message of the plugin', () => {
    const base = { sources: { oat: { type: 'vision-one-oat', token: 't' } } };
    expect(issuesOf({ ...base, destinations: { a: { protocol: 'tcp', address: 'x', port: '601' } } })).toEqual([
      { path: 'destinations.a.port', message: '"601" is a string; write 601' },
    ]);
  });

  it('requires at least one source and one destination', () => {
    expect(issuesOf({ sources: {}, destinations: {} })).toEqual([
      { path: 'sources', message: 'at least one source is required; add one under `sources:`' },
      { path: 'destinations', message: 'at least one destination is required; add one under `destinations:`' },
    ]);
  });

  it('checks that a destination names configured sources only', () => {
    expect(
      issuesOf({
        sources: { oat: { type: 'vision-one-oat', token: 't' } },
        destinations: { siem: { protocol: 'tcp', address: 'x', sources: ['oat', 'audit'] } },
      }),
    ).toEqual([{ path: 'destinations.siem.sources[1]', message: '"audit" is not a configured source; use one of oat' }]);
  });

  it('reports a missing required key as required, with its type', () => {
    expect(issuesOf({ sources: { oat: { type: 'vision-one-oat' } }, destinations: { siem: { protocol: 'tcp', address: 'x' } } })).toEqual([
      { path: 'sources.oat.token', message: 'is required (string)' },
    ]);
  });

  it('refuses a second plugin with the same type and names both packages', () => {
    expect(() => registry.register(cef, 'my-cef-package')).toThrow('Two plugins define the formatter type "cef": test and my-cef-package');
  });
});

describe('substituteEnvironment', () => {
  it('replaces ${NAME} in any string, keeps $${ literal, and applies :- defaults', () => {
    const { value, issues } = substituteEnvironment(
      { a: { token: '${TOKEN}', list: ['x-${HOST}-y'], literal: '$${TOKEN}', fallback: '${NOPE:-601}' }, n: 5 },
      { TOKEN: 'secret-value', HOST: 'h' },
    );
    expect(issues).toEqual([]);
    expect(value).toEqual({ a: { token: 'secret-value', list: ['x-h-y'], literal: '${TOKEN}', fallback: '601' }, n: 5 });
  });

  it('reports a missing variable at the path that uses it', () => {
    const { issues } = substituteEnvironment({ sources: { wb: { token: '${VISION_ONE_TOKEN}' } } }, {});
    expect(issues).toEqual([
      {
        path: 'sources.wb.token',
        message: 'environment variable VISION_ONE_TOKEN is not set; export it before starting, or write ${VISION_ONE_TOKEN:-default}',
      },
    ]);
  });

  it('cannot change the structure: a value with YAML syntax stays one string', () => {
    const { value } = substituteEnvironment({ token: '${T}' }, { T: 'a\nport: 1\n- x' });
    expect(value).toEqual({ token: 'a\nport: 1\n- x' });
  });
});

describe('${file:PATH} references', () => {
  const folder = mkdtempSync(join(tmpdir(), 'sc-file-ref-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('reads the file relative to the config folder, without its trailing newline, and says which value came from where', () => {
    mkdirSync(join(folder, 'secrets'), { recursive: true });
    writeFileSync(join(folder, 'secrets', 'token'), 'file-secret-1234\n', { mode: 0o600 });
    const { value, issues, fromFiles } = substituteEnvironment(
      { sources: { wb: { token: '${file:secrets/token}', region: '${REGION}' } } },
      { REGION: 'eu' },
      { baseDir: folder },
    );
    expect(issues).toEqual([]);
    expect(value).toEqual({ sources: { wb: { token: 'file-secret-1234', region: 'eu' } } });
    expect([...fromFiles]).toEqual([['file-secret-1234', 'file:secrets/token']]);
  });

  it('names the key, the file and the fix when the file is missing or others may read it; the value never', () => {
    writeFileSync(join(folder, 'open'), 'open-secret-5678', { mode: 0o644 });
    chmodSync(join(folder, 'open'), 0o644);
    const { issues } = substituteEnvironment({ a: { token: '${file:missing}' }, b: { token: '${file:open}' } }, {}, { baseDir: folder });
    expect(issues).toEqual([
      { path: 'a.token', message: expect.stringContaining(`\${file:missing}: file ${join(folder, 'missing')} does not exist; write the secret into it`) },
      { path: 'b.token', message: `\${file:open}: file ${join(folder, 'open')} can be read by others (mode 0644); run chmod 600 ${join(folder, 'open')}` },
    ]);
    expect(JSON.stringify(issues)).not.toContain('open-secret-5678');
  });

  it('stays as written where the caller reads no files', () => {
    expect(substituteEnvironment({ token: '${file:secrets/token}' }, {}).value).toEqual({ token: '${file:secrets/token}' });
  });
});
