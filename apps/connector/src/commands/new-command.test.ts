import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCAFFOLD_TOOL_VERSIONS } from './new-command.js';

describe('syslog-connector new', () => {
  it('pins the tool versions this repository builds with, Node 24 included', () => {
    const root = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { devDependencies: Record<string, string> };
    const ours = root.devDependencies;
    expect(SCAFFOLD_TOOL_VERSIONS).toEqual({
      NODE: ours.node,
      TYPES_NODE: ours['@types/node'],
      TYPESCRIPT: ours.typescript,
      VITEST: ours.vitest,
      ESLINT: ours.eslint,
      TYPESCRIPT_ESLINT: ours['typescript-eslint'],
    });
    expect(SCAFFOLD_TOOL_VERSIONS.NODE).toMatch(/^24\./);
  });
});
