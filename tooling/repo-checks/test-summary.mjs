#!/usr/bin/env node
// Adds up the JSON reports every package's vitest run writes (.test-results.json) and prints one closing line,
// `tests: N passed, N failed, N skipped`, so a CI log says at a glance how many tests ran. Exits 1 if none ran.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
const folders = ['packages', 'packages/sources', 'packages/formatters', 'packages/transports', 'apps', 'examples'];
let passed = 0;
let failed = 0;
let skipped = 0;
let reports = 0;
for (const folder of folders) {
  const dir = join(root, folder);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) {
    const report = join(dir, name, '.test-results.json');
    if (!statSync(join(dir, name)).isDirectory() || !existsSync(report)) continue;
    const result = JSON.parse(readFileSync(report, 'utf8'));
    reports += 1;
    passed += result.numPassedTests ?? 0;
    failed += result.numFailedTests ?? 0;
    skipped += (result.numPendingTests ?? 0) + (result.numTodoTests ?? 0);
  }
}
// The count line alone, as CI log readers expect a closing line (`tests: N passed, N failed, N skipped`).
console.log(`test reports read: ${reports} packages`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
