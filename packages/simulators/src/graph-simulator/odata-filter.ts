/**
 * The part of OData `$filter` the Graph security endpoints are called with (FACTS §D.1, §D.4): comparisons
 * `field eq|ne|gt|ge|lt|le value` joined by `and`. A string is a single-quoted literal (`''` escapes a quote);
 * a DateTimeOffset is written bare (`lastUpdateDateTime ge 2026-03-01T10:00:00Z`), as OData 4.01 §5.1.1.1.2
 * requires. Anything else is a syntax error, so a client that quotes a time or invents an operator fails here.
 */
export type ODataOperator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

export interface ODataComparison {
  readonly field: string;
  readonly operator: ODataOperator;
  readonly value: { readonly kind: 'string'; readonly text: string } | { readonly kind: 'dateTime'; readonly ms: number };
}

export class ODataFilterSyntaxError extends Error {
  override readonly name = 'ODataFilterSyntaxError';
}

const OPERATORS = new Set<string>(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})/;

export const parseODataFilter = (text: string): ODataComparison[] => {
  const comparisons: ODataComparison[] = [];
  let rest = text.trim();
  for (;;) {
    const head = /^([A-Za-z][A-Za-z0-9]*)\s+([a-z]+)\s+/.exec(rest);
    if (head === null) throw new ODataFilterSyntaxError(`expected "field operator value" at "${rest.slice(0, 40)}"`);
    const [whole, field = '', operator = ''] = head;
    if (!OPERATORS.has(operator)) throw new ODataFilterSyntaxError(`unknown operator "${operator}"`);
    rest = rest.slice(whole.length);
    if (rest.startsWith("'")) {
      let i = 1;
      let value = '';
      for (;;) {
        const quote = rest.indexOf("'", i);
        if (quote === -1) throw new ODataFilterSyntaxError('unterminated string literal');
        value += rest.slice(i, quote);
        if (rest[quote + 1] === "'") {
          value += "'";
          i = quote + 2;
          continue;
        }
        rest = rest.slice(quote + 1);
        break;
      }
      comparisons.push({ field, operator: operator as ODataOperator, value: { kind: 'string', text: value } });
    } else {
      const match = DATE_TIME.exec(rest);
      const ms = match === null ? Number.NaN : Date.parse(match[0]);
      if (match === null || Number.isNaN(ms)) throw new ODataFilterSyntaxError(`expected a 'string' or a DateTimeOffset at "${rest.slice(0, 40)}"`);
      comparisons.push({ field, operator: operator as ODataOperator, value: { kind: 'dateTime', ms } });
      rest = rest.slice(match[0].length);
    }
    rest = rest.trimStart();
    if (rest === '') return comparisons;
    const and = /^and\s+/.exec(rest);
    if (and === null) throw new ODataFilterSyntaxError(`expected "and" at "${rest.slice(0, 40)}"`);
    rest = rest.slice(and[0].length);
  }
};

/** Whether `item` satisfies every comparison; `kinds` says which fields are DateTimeOffsets. */
export const matchesODataFilter = (
  comparisons: readonly ODataComparison[],
  item: Readonly<Record<string, unknown>>,
): boolean =>
  comparisons.every(({ field, operator, value }) => {
    const actual = item[field];
    let order: number;
    if (value.kind === 'string') {
      if (typeof actual !== 'string') return false;
      order = actual < value.text ? -1 : actual > value.text ? 1 : 0;
    } else {
      const ms = typeof actual === 'string' ? Date.parse(actual) : Number.NaN;
      if (Number.isNaN(ms)) return false;
      order = Math.sign(ms - value.ms);
    }
    switch (operator) {
      case 'eq':
        return order === 0;
      case 'ne':
        return order !== 0;
      case 'gt':
        return order > 0;
      case 'ge':
        return order >= 0;
      case 'lt':
        return order < 0;
      case 'le':
        return order <= 0;
    }
  });
