import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cefDecodeResultFromLiblognorm, findCef, LIBLOGNORM_CEF_RULEBASE, padCefExtensionForLiblognorm } from './liblognorm-cef.js';
import { oracleBinary } from './oracle-availability.js';
import { OracleError } from './oracle-error.js';
import type { CefDecodeResult } from './parsed-record.js';

export interface DecodeCefOptions {
  /** Bound on the whole lognormalizer run. Default 10 000 ms (it decodes ~250 k lines/s). */
  readonly timeoutMs?: number;
}

const RAW_BREAK = /[\n\r\0]/;

/**
 * Decodes CEF lines with liblognorm's `cef` parser (`lognormalizer -r RULES -e json`), no daemon involved: the fast
 * path for golden and property tests. One result per line, in order. A line may carry a syslog prefix: decoding
 * starts at its first `CEF:<digits>|`. Lines with a raw LF, CR or NUL are not handed over (lognormalizer reads one
 * record per line, and CEF wants `\n` / `\r` escapes anyway); they come back as errors, like lines liblognorm rejects.
 * The liblognorm 2.0.6 first-key off-by-one is worked around here (see `padCefExtensionForLiblognorm`).
 */
export const decodeCefWithLiblognorm = async (
  lines: readonly string[],
  options: DecodeCefOptions = {},
): Promise<CefDecodeResult[]> => {
  const results: (CefDecodeResult | undefined)[] = [];
  const inputs: { readonly index: number; readonly input: string }[] = [];
  lines.forEach((line, index) => {
    const cef = findCef(line);
    if (cef === undefined) {
      results[index] = { error: 'no `CEF:<version>|` in the line', input: line };
    } else if (RAW_BREAK.test(line)) {
      results[index] = { error: 'raw LF, CR or NUL in the line (CEF escapes line breaks as \\n and \\r)', input: line };
    } else {
      inputs.push({ index, input: padCefExtensionForLiblognorm(cef) });
    }
  });
  if (inputs.length > 0) {
    const outputs = await runLognormalizer(
      inputs.map((i) => i.input),
      options.timeoutMs ?? 10_000,
    );
    inputs.forEach(({ index, input }, n) => {
      results[index] = cefDecodeResultFromLiblognorm(outputs[n], input);
    });
  }
  return results.map((r) => r ?? { error: 'internal: no result', input: '' });
};

const runLognormalizer = async (inputs: readonly string[], timeoutMs: number): Promise<unknown[]> => {
  const binary = oracleBinary('lognormalizer');
  const dir = await mkdtemp(join(tmpdir(), 'lognormalizer-oracle-'));
  try {
    const rulebase = join(dir, 'cef.rulebase');
    await writeFile(rulebase, LIBLOGNORM_CEF_RULEBASE);
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = spawn(binary, ['-r', rulebase, '-e', 'json'], { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let err = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new OracleError('ORACLE_TIMEOUT', `lognormalizer did not finish ${inputs.length} lines within ${timeoutMs} ms`));
      }, timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString('utf8');
      });
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(new OracleError('ORACLE_START', `could not run ${binary}`, { cause: error }));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
        else reject(new OracleError('ORACLE_EXITED', `lognormalizer exited with ${String(code)}`, { details: err }));
      });
      child.stdin.on('error', () => undefined); // EPIPE when it dies early; 'close' reports that
      child.stdin.end(`${inputs.join('\n')}\n`);
    });
    const records = stdout.split('\n').filter((l) => l.trim() !== '');
    if (records.length !== inputs.length) {
      throw new OracleError('ORACLE_OUTPUT', `lognormalizer gave ${records.length} records for ${inputs.length} lines`, {
        details: stdout.slice(0, 4000),
      });
    }
    return records.map((record): unknown => JSON.parse(record));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
