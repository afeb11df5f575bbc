import { describe, expect, it } from 'vitest';
import { matchesTmv1Filter, parseTmv1Filter } from './tmv1-filter.js';

const item = (values: Record<string, readonly string[]>) => (field: string) => values[field] ?? [];

describe('parseTmv1Filter', () => {
  it('parses eq, and, or, not and parentheses with and binding tighter than or', () => {
    expect(parseTmv1Filter("a eq 'x' or b eq 'y' and not (c eq 'z')")).toEqual({
      kind: 'or',
      left: { kind: 'eq', field: 'a', value: 'x' },
      right: {
        kind: 'and',
        left: { kind: 'eq', field: 'b', value: 'y' },
        right: { kind: 'not', operand: { kind: 'eq', field: 'c', value: 'z' } },
      },
    });
  });

  it("reads '' inside a literal as one quote and keeps spaces", () => {
    expect(parseTmv1Filter("endpointName eq 'o''brien laptop'")).toEqual({ kind: 'eq', field: 'endpointName', value: "o'brien laptop" });
  });

  it('parses contains(field, value)', () => {
    expect(parseTmv1Filter("contains(filterName,'Power')")).toEqual({ kind: 'contains', field: 'filterName', value: 'Power' });
  });

  it('names the position of a syntax error', () => {
    expect(() => parseTmv1Filter("(riskLevel eq 'high'")).toThrow('expected ")" at the end');
    expect(() => parseTmv1Filter("riskLevel 'high'")).toThrow('expected "eq" after riskLevel at position 10');
    expect(() => parseTmv1Filter("riskLevel eq 'high' extra")).toThrow('unexpected token at position 20');
  });
});

describe('matchesTmv1Filter', () => {
  const oatFilter = parseTmv1Filter("(riskLevel eq 'medium') or (riskLevel eq 'high') or (riskLevel eq 'critical')");

  it.each([
    ['critical', true],
    ['high', true],
    ['medium', true],
    ['low', false],
    ['info', false],
  ])('riskLevel %s matches the connector filter: %s', (level, expected) => {
    expect(matchesTmv1Filter(oatFilter, item({ riskLevel: [level] }))).toBe(expected);
  });

  it('matches when any of a multi-valued field matches, and applies not', () => {
    const filter = parseTmv1Filter("not (endpointIp eq '10.0.0.1') and contains(filterName,'Power')");
    expect(matchesTmv1Filter(filter, item({ endpointIp: ['10.0.0.2'], filterName: ['Encoded PowerShell'] }))).toBe(true);
    expect(matchesTmv1Filter(filter, item({ endpointIp: ['10.0.0.2', '10.0.0.1'], filterName: ['Encoded PowerShell'] }))).toBe(false);
  });
});
