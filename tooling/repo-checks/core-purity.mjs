#!/usr/bin/env node
// Fails if packages/core depends on or imports a plugin package (DESIGN §6: core imports no plugin) or the DI
// container (only the host app's container folder may import inversify).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
const core = join(root, 'packages/core');
const PLUGIN = /^@syslog-connector\/(source|format|transport|store|vision|example|connector|testing)/;
const problems = [];

const pkg = JSON.parse(readFileSync(join(core, 'package.json'), 'utf8'));
for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
  for (const name of Object.keys(pkg[field] ?? {})) {
    if (PLUGIN.test(name) || name === 'inversify') problems.push(`packages/core/package.json ${field} lists ${name}`);
  }
}

const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    return statSync(path).isDirectory() ? walk(path) : /\.(ts|js|mjs|cjs)$/.test(name) ? [path] : [];
  });
const IMPORT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^'"]+)['"]/g;
for (const file of walk(join(core, 'src'))) {
  const text = readFileSync(file, 'utf8');
  for (const match of text.matchAll(IMPORT)) {
    const spec = match[1];
    if (PLUGIN.test(spec) || spec === 'inversify' || spec.includes('/packages/') || spec.startsWith('../../')) {
      problems.push(`${file.slice(root.length)} imports ${spec}`);
    }
  }
}

if (problems.length > 0) {
  console.error('Core must not depend on plugins or the DI container (DESIGN §6):');
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log('core-purity: packages/core imports no plugin and no DI container.');
