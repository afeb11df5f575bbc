import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { consoleAssetsDir } from './index.js';

describe('consoleAssetsDir', () => {
  it('is the web folder beside the built module', () => {
    expect(consoleAssetsDir()).toMatch(/[/\\]web[/\\]$/);
    expect(existsSync(join(consoleAssetsDir(), '..'))).toBe(true);
  });
});
