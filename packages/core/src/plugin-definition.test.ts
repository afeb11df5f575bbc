import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineFormatter, isObjectSchema, isPluginDefinition } from './plugin-definition.js';

const formatter = defineFormatter({
  type: 'probe',
  meta: { summary: 'probe', stability: 'experimental' },
  options: z.strictObject({ width: z.number().default(1) }),
  deps: {},
  create: () => ({ format: () => 'x' }),
});

describe('isPluginDefinition', () => {
  it('accepts a definition whose options come from another copy of zod, by shape, not by class', () => {
    // What a second copy of zod builds: same structure, a different prototype chain.
    const foreignOptions = Object.assign(Object.create(null) as object, {
      _zod: { def: { type: 'object' } },
      shape: { width: {} },
      safeParse: () => ({ success: true }),
    });
    expect(foreignOptions instanceof z.ZodObject).toBe(false);
    expect(isObjectSchema(foreignOptions)).toBe(true);
    expect(isPluginDefinition({ ...formatter, options: foreignOptions })).toBe(true);
  });

  it('rejects options that are not an object schema, and values that are not definitions', () => {
    expect(isPluginDefinition(formatter)).toBe(true);
    expect(isPluginDefinition({ ...formatter, options: z.string() })).toBe(false);
    expect(isPluginDefinition({ ...formatter, options: { shape: {} } })).toBe(false);
    expect(isPluginDefinition({ ...formatter, $$type: 'other' })).toBe(false);
    expect(isPluginDefinition(null)).toBe(false);
  });
});
