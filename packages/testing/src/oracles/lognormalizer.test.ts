import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIBLOGNORM_CEF_RULEBASE } from './liblognorm-cef.js';
import { decodeCefWithLiblognorm } from './lognormalizer.js';
import { oracleBinary, requireOracle } from './oracle-availability.js';
import { isCefFields } from './parsed-record.js';

/** lognormalizer on exactly the given text, without the oracle's workaround (to pin down the quirk it works around). */
const rawLognormalizer = async (line: string): Promise<unknown> => {
  const dir = await mkdtemp(join(tmpdir(), 'lognormalizer-raw-'));
  try {
    await writeFile(join(dir, 'cef.rulebase'), LIBLOGNORM_CEF_RULEBASE);
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = execFile(oracleBinary('lognormalizer'), ['-r', join(dir, 'cef.rulebase'), '-e', 'json'], (error, out) =>
        error ? reject(error) : resolve(out),
      );
      child.stdin?.end(`${line}\n`);
    });
    return JSON.parse(stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

describe.skipIf(requireOracle('lognormalizer'))('decodeCefWithLiblognorm', () => {
  it('removes header escapes \\| \\\\ and extension escapes \\= \\\\ \\n \\r, keeping unicode', async () => {
    const [result] = await decodeCefWithLiblognorm([
      'CEF:0|Trend\\|Micro|Vision One\\\\X|1.0|WB-9002|Name with = and 日本|Very-High|' +
        'src=10.0.0.1 msg=a\\=b c\\\\d\\ne\\rf 🎉 cs1Label=x|y suser=Zoë',
    ]);
    expect(result).toEqual({
      version: '0',
      vendor: 'Trend|Micro',
      product: 'Vision One\\X',
      deviceVersion: '1.0',
      signatureId: 'WB-9002',
      name: 'Name with = and 日本',
      severity: 'Very-High',
      extensions: { src: '10.0.0.1', msg: 'a=b c\\d\ne\rf 🎉', cs1Label: 'x|y', suser: 'Zoë' },
    });
  });

  it('keeps the first extension key whole although liblognorm 2.0.6 alone drops its first character', async () => {
    const line = 'CEF:0|V|P|1|2|N|5|src=10.0.0.1 dst=10.0.0.2';
    expect(await rawLognormalizer(line)).toMatchObject({ cef: { Extensions: { rc: '10.0.0.1', dst: '10.0.0.2' } } });
    const [result] = await decodeCefWithLiblognorm([line]);
    expect(isCefFields(result) && result.extensions).toEqual({ src: '10.0.0.1', dst: '10.0.0.2' });
  });

  it('decodes a line that has no extension, and one with a syslog prefix', async () => {
    const results = await decodeCefWithLiblognorm(['CEF:0|V|P|1|2|N|5|', '<14>1 2024-01-02T03:04:05Z h app - - - CEF:0|V|P|1|2|N|5|a=b']);
    expect(results.map((r) => isCefFields(r) && r.extensions)).toEqual([{}, { a: 'b' }]);
  });

  it.each([
    ['an empty last value', 'CEF:0|V|P|1|2|N|5|a=1 k='],
    ['an escaped pipe in an extension value', 'CEF:0|V|P|1|2|N|5|k=a\\|b'],
    ['a key with a dash', 'CEF:0|V|P|1|2|N|5|k-y=1'],
    ['an escape other than \\= \\\\ \\n \\r', 'CEF:0|V|P|1|2|N|5|k=a\\tb'],
    ['an unescaped = in a value', 'CEF:0|V|P|1|2|N|5|k=a=b'],
    ['CEF version 1', 'CEF:1|V|P|1|2|N|5|k=v'],
    ['a header with six fields', 'CEF:0|V|P|1|2|N|k=v'],
  ])('rejects %s', async (_, line) => {
    const [result] = await decodeCefWithLiblognorm([line]);
    expect(result).toMatchObject({ error: expect.stringContaining('liblognorm rejected') as unknown });
  });

  it('refuses raw line breaks and lines without CEF before running lognormalizer', async () => {
    const results = await decodeCefWithLiblognorm(['CEF:0|V|P|1|2|N|5|msg=a\nb', 'not cef']);
    expect(results).toEqual([
      { error: expect.stringContaining('raw LF') as unknown, input: 'CEF:0|V|P|1|2|N|5|msg=a\nb' },
      { error: expect.stringContaining('no `CEF:') as unknown, input: 'not cef' },
    ]);
  });

  it('decodes 20 000 lines in order in one run', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `CEF:0|V|P|1|${i}|N|5|cnt=${i} msg=line ${i}\\=ok`);
    const results = await decodeCefWithLiblognorm(lines);
    expect(results).toHaveLength(20_000);
    results.forEach((result, i) => {
      expect(isCefFields(result) && [result.signatureId, result.extensions]).toEqual([String(i), { cnt: String(i), msg: `line ${i}=ok` }]);
    });
  });

  it('returns an empty list for no lines without running anything', async () => {
    expect(await decodeCefWithLiblognorm([])).toEqual([]);
  });
});
