import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@syslog-connector/store-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATUS_KEY, STATUS_NAMESPACE } from '../src/connector.js';
import { runCli } from './run-cli.js';

/**
 * Issue #20: `status` with many sources (a managed provider's tenants) prints totals and the worst few, and filters
 * list the rest. The store is written as the daemon leaves it (saved counters, source dead letters), 40 sources.
 */
const COMPANY_ID = '68960c94-9be6-4343-a4ca-6408de7aa331';
const NOW = Date.now();
const ids = Array.from({ length: 40 }, (_, i) => (i < 30 ? `acme-${String(i).padStart(2, '0')}` : `globex-${String(i - 30).padStart(2, '0')}`));

let dir: string;
let configPath: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sc-status-many-'));
  configPath = join(dir, 'syslog-connector.yaml');
  const lines = ['instance: many', 'stateDir: ./state', 'sources:'];
  for (const id of ids) lines.push(`  ${id}: { type: vision-one-workbench, baseUrl: "http://127.0.0.1:9", token: ${randomBytes(12).toString('hex')}, companyId: ${COMPANY_ID} }`);
  lines.push('destinations:', '  siem: { protocol: tcp, address: 127.0.0.1, port: 9, format: cef }', '');
  await writeFile(configPath, lines.join('\n'));
  const journal = await openStore(join(dir, 'state'));
  const sources: Record<string, object> = {};
  for (const [i, id] of ids.entries()) {
    sources[id] = { polls: 10, fetched: 5, stored: 5, duplicates: 1, errors: 0, lastPollAt: NOW - 30_000 - i * 100 };
  }
  // Two failing tenants (one far more than the other), one that never polled, one with a dead letter.
  sources['acme-07'] = { polls: 3, fetched: 0, stored: 0, duplicates: 0, errors: 9, lastPollAt: NOW - 600_000, lastError: 'Vision One rejected the API key (HTTP 401)' };
  sources['globex-03'] = { polls: 9, fetched: 5, stored: 5, duplicates: 0, errors: 2, lastPollAt: NOW - 40_000, lastError: 'GET /v3.0/workbench/alerts failed 6 time(s), last with HTTP 503' };
  delete sources['acme-12'];
  await journal.deadLetterAtSource('globex-05', [{ key: 'alert-1', reason: 'nested deeper than 64 levels (limits.itemDepth)', excerpt: '{}', time: NOW }]);
  await journal.state.set(STATUS_NAMESPACE, STATUS_KEY, JSON.stringify({ sources, destinations: {} }));
  await journal.close();
}, 30_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('status with many sources', () => {
  it('prints the totals and the worst five instead of forty lines, and says how to see more', async () => {
    const result = await runCli(['status', '-c', configPath]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/ sources: 40 \(39 polled, 2 failing, 0 paused\) stored=190 errors=11 dead-lettered=1, worst: acme-07 errors=9 FAILING, globex-03 errors=2 FAILING, globex-05 errors=0 dead-lettered=1;/);
    expect(result.stdout).toMatch(/^sources: 40, polled 39 \(oldest last poll 10m ago\), failing 2, paused 0, with dead letters 1; events 190 stored \(37 duplicates\), dead-lettered 1, errors 11$/m);
    const worst = lines.slice(lines.indexOf('  worst 5 (failing, paused, dead-lettered, then the oldest last poll):') + 1, lines.indexOf('destinations:') - 1);
    expect(worst.map((line) => line.trim().split(':')[0])).toEqual(['acme-07', 'globex-03', 'globex-05', 'acme-12', 'globex-09']);
    expect(worst[0]).toContain('last error: Vision One rejected the API key (HTTP 401)');
    expect(worst[3]).toContain('acme-12: last poll never');
    expect(result.stdout).toContain('  … and 35 more: --problems lists those with problems, --source <glob> some by id, --all every one');
    expect(result.stdout).not.toContain('acme-20:');
  });

  it('--problems lists the failing and dead-lettered sources, worst first', async () => {
    const result = await runCli(['status', '-c', configPath, '--problems']);
    expect(result.stdout).toContain('sources with problems (failing, paused or dead-lettered): 3 of 40');
    const listed = result.stdout.split('\n').filter((line) => /^ {2}[a-z]+-\d\d: /.test(line));
    expect(listed.map((line) => line.trim().split(':')[0])).toEqual(['acme-07', 'globex-03', 'globex-05']);
  });

  it('--source <glob> (repeatable) lists the sources whose id matches, with --problems both must hold', async () => {
    const some = await runCli(['status', '-c', configPath, '--source', 'globex-0?', '--source', 'acme-01']);
    expect(some.stdout).toContain('sources matching globex-0? or acme-01: 11 of 40');
    const failing = await runCli(['status', '-c', configPath, '--source', 'acme-*', '--problems']);
    expect(failing.stdout).toContain('sources matching acme-*, with problems (failing, paused or dead-lettered): 1 of 40');
    expect(failing.stdout).toMatch(/^ {2}acme-07: last poll 10m ago/m);
  });

  it('--all lists every source; --json carries the selected sources and the totals of all', async () => {
    const all = await runCli(['status', '-c', configPath, '--all']);
    expect(all.stdout.split('\n').filter((line) => /^ {2}[a-z]+-\d\d: /.test(line))).toHaveLength(40);
    const json = JSON.parse((await runCli(['status', '-c', configPath, '--json', '--problems'])).stdout) as {
      sources: Array<{ source: string }>;
      sourceTotals: { sources: number; failing: number; withDeadLetters: number; stored: number };
    };
    expect(json.sources.map((s) => s.source).sort()).toEqual(['acme-07', 'globex-03', 'globex-05']);
    expect(json.sourceTotals).toMatchObject({ sources: 40, failing: 2, withDeadLetters: 1, stored: 190 });
  });
});
