import { describe, expect, it } from 'vitest';
import { reloadConfigSchema } from './reload-config.js';

describe('reload config', () => {
  it('defaults to SIGHUP only, with a one-second debounce for when watching is turned on', () => {
    expect(reloadConfigSchema.parse(undefined)).toEqual({ watch: false, debounce: 1_000 });
    expect(reloadConfigSchema.parse({ watch: true })).toEqual({ watch: true, debounce: 1_000 });
  });

  it('reads the debounce as a duration', () => {
    expect(reloadConfigSchema.parse({ watch: true, debounce: '250ms' })).toEqual({ watch: true, debounce: 250 });
  });

  it('refuses an unknown key, a watch that is not a boolean and a debounce without a unit', () => {
    const result = reloadConfigSchema.safeParse({ watch: 'yes', debounce: '5', interval: 1 });
    expect(result.success).toBe(false);
    const issues = result.error?.issues.map((i) => ({ path: i.path.join('.'), code: i.code })) ?? [];
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'watch', code: 'invalid_type' },
        { path: 'debounce', code: 'custom' },
        { path: '', code: 'unrecognized_keys' },
      ]),
    );
  });
});
