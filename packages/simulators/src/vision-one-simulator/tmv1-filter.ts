/**
 * A parser and evaluator for the `TMV1-Filter` header (FACTS §B.4): `field eq 'value'`, `contains(field,'x')`,
 * `and`, `or`, `not` and parentheses; string literals in single quotes (`''` inside a literal is one quote, the
 * OData convention — [UNCONFIRMED] for Vision One). `and` binds tighter than `or`.
 */

export type Tmv1FilterExpression =
  | { readonly kind: 'eq'; readonly field: string; readonly value: string }
  | { readonly kind: 'contains'; readonly field: string; readonly value: string }
  | { readonly kind: 'and' | 'or'; readonly left: Tmv1FilterExpression; readonly right: Tmv1FilterExpression }
  | { readonly kind: 'not'; readonly operand: Tmv1FilterExpression };

export class Tmv1FilterSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Tmv1FilterSyntaxError';
  }
}

type Token =
  | { readonly type: 'word'; readonly text: string; readonly at: number }
  | { readonly type: 'string'; readonly text: string; readonly at: number }
  | { readonly type: '(' | ')' | ','; readonly at: number };

const tokenize = (input: string): Token[] => {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i] ?? '';
    if (ch === ' ' || ch === '\t') {
      i += 1;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ type: ch, at: i });
      i += 1;
    } else if (ch === "'") {
      const at = i;
      let text = '';
      i += 1;
      for (;;) {
        if (i >= input.length) throw new Tmv1FilterSyntaxError(`unterminated string literal at position ${at}`);
        const c = input[i] ?? '';
        if (c === "'") {
          if (input[i + 1] === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        text += c;
        i += 1;
      }
      tokens.push({ type: 'string', text, at });
    } else if (/[A-Za-z0-9_.]/.test(ch)) {
      const at = i;
      let text = '';
      while (i < input.length && /[A-Za-z0-9_.]/.test(input[i] ?? '')) {
        text += input[i];
        i += 1;
      }
      tokens.push({ type: 'word', text, at });
    } else {
      throw new Tmv1FilterSyntaxError(`unexpected character "${ch}" at position ${i}`);
    }
  }
  return tokens;
};

/** Parses a filter; throws `Tmv1FilterSyntaxError` on anything outside the grammar. */
export const parseTmv1Filter = (input: string): Tmv1FilterExpression => {
  const tokens = tokenize(input);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isWord = (token: Token | undefined, word: string): boolean =>
    token?.type === 'word' && token.text.toLowerCase() === word;
  const expect = (type: Token['type'], what: string): Token => {
    const token = tokens[pos];
    if (token?.type !== type) {
      throw new Tmv1FilterSyntaxError(`expected ${what} at ${token === undefined ? 'the end' : `position ${token.at}`}`);
    }
    pos += 1;
    return token;
  };
  const text = (token: Token): string => (token.type === 'word' || token.type === 'string' ? token.text : '');

  const primary = (): Tmv1FilterExpression => {
    const token = peek();
    if (token?.type === '(') {
      pos += 1;
      const inner = orExpression();
      expect(')', '")"');
      return inner;
    }
    if (isWord(token, 'not')) {
      pos += 1;
      return { kind: 'not', operand: primary() };
    }
    if (isWord(token, 'contains') && tokens[pos + 1]?.type === '(') {
      pos += 2;
      const field = text(expect('word', 'a field name'));
      expect(',', '","');
      const value = text(expect('string', "a quoted string ('…')"));
      expect(')', '")"');
      return { kind: 'contains', field, value };
    }
    const field = text(expect('word', 'a field name'));
    if (!isWord(peek(), 'eq')) {
      const next = peek();
      throw new Tmv1FilterSyntaxError(`expected "eq" after ${field} at ${next === undefined ? 'the end' : `position ${next.at}`}`);
    }
    pos += 1;
    const value = text(expect('string', "a quoted string ('…')"));
    return { kind: 'eq', field, value };
  };
  const andExpression = (): Tmv1FilterExpression => {
    let left = primary();
    while (isWord(peek(), 'and')) {
      pos += 1;
      left = { kind: 'and', left, right: primary() };
    }
    return left;
  };
  const orExpression = (): Tmv1FilterExpression => {
    let left = andExpression();
    while (isWord(peek(), 'or')) {
      pos += 1;
      left = { kind: 'or', left, right: andExpression() };
    }
    return left;
  };

  const expression = orExpression();
  const rest = peek();
  if (rest !== undefined) throw new Tmv1FilterSyntaxError(`unexpected token at position ${rest.at}`);
  return expression;
};

/** The field names an expression uses, to reject unknown fields before evaluating. */
export const tmv1FilterFields = (expression: Tmv1FilterExpression): string[] => {
  switch (expression.kind) {
    case 'eq':
    case 'contains':
      return [expression.field];
    case 'not':
      return tmv1FilterFields(expression.operand);
    default:
      return [...tmv1FilterFields(expression.left), ...tmv1FilterFields(expression.right)];
  }
};

/** True if the item matches; `values(field)` gives the item's values for a field (any one may match). */
export const matchesTmv1Filter = (expression: Tmv1FilterExpression, values: (field: string) => readonly string[]): boolean => {
  switch (expression.kind) {
    case 'eq':
      return values(expression.field).includes(expression.value);
    case 'contains':
      return values(expression.field).some((v) => v.includes(expression.value));
    case 'not':
      return !matchesTmv1Filter(expression.operand, values);
    case 'and':
      return matchesTmv1Filter(expression.left, values) && matchesTmv1Filter(expression.right, values);
    case 'or':
      return matchesTmv1Filter(expression.left, values) || matchesTmv1Filter(expression.right, values);
  }
};
