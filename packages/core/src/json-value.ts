/** Deeper than this is refused: a cycle, or nesting no vendor's JSON has (the check stays a plain recursion). */
export const MAX_JSON_DEPTH = 512;

const isPlainObject = (value: object): boolean => {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
};

const TOO_DEEP = `is nested more than ${MAX_JSON_DEPTH} levels deep`;

/** The path to the first object that contains itself, or undefined (the slow path, once a walk went too deep). */
const cycleIn = (value: unknown, ancestors: object[]): string | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  if (ancestors.includes(value)) return '';
  ancestors.push(value);
  for (const key in value) {
    const path = cycleIn((value as Record<string, unknown>)[key], ancestors);
    if (path !== undefined) return path === '' ? key : `${key}.${path}`;
  }
  ancestors.pop();
  return undefined;
};

/** The path to the value a failed walk stopped at, filled in as the walk unwinds (nothing is built for a valid value). */
const failedAt: Array<string | number> = [];

const walk = (value: unknown, strict: boolean, depth: number): string | undefined => {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `is ${String(value)}, not a JSON number`;
    case 'object': {
      if (value === null) return undefined;
      if (depth >= MAX_JSON_DEPTH) return TOO_DEEP;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i += 1) {
          const problem = walk(value[i], strict, depth + 1);
          if (problem !== undefined) {
            failedAt.push(i);
            return problem;
          }
        }
        return undefined;
      }
      if (!isPlainObject(value)) return `is a ${(value.constructor as { name?: string } | undefined)?.name ?? 'object'}, not a plain JSON object`;
      for (const key in value) {
        const child = (value as Record<string, unknown>)[key];
        if (child === undefined && !strict) continue;
        const problem = walk(child, strict, depth + 1);
        if (problem !== undefined) {
          failedAt.push(key);
          return problem;
        }
      }
      return undefined;
    }
    default:
      return `is a ${typeof value}, not a JSON value`;
  }
};

/**
 * Why `value` would not read back from JSON as the same value, or undefined when it would: what every journal
 * encoding (JSON, MessagePack) stores alike. Refused: a BigInt, a function, a symbol, a non-finite number, an object
 * that is not a plain object or an array (a `Date`, a `Map`, a class instance), a cycle (or nesting deeper than
 * `MAX_JSON_DEPTH`), `undefined` where JSON would write `null` or fail (an array item, the value itself). An object
 * property whose value is `undefined` is allowed unless `strict` (JSON leaves it out; a reader sees `undefined`
 * either way); `strict` refuses it too (an event's `raw`, which must be a JSON value).
 *
 * A walk that allocates nothing for a valid value: cheaper than the encoding it guards. `where` names the value in
 * the message (`raw` → `raw.items.0 is a bigint, not a JSON value`).
 */
export const jsonValueProblem = (value: unknown, where: string, strict = false): string | undefined => {
  // Emptied after every failed walk; setting an array's length is a call into V8's runtime even when it is 0, and
  // this runs several times per event.
  if (failedAt.length !== 0) failedAt.length = 0;
  const problem = walk(value, strict, 0);
  if (problem === undefined) return undefined;
  if (problem === TOO_DEEP) {
    failedAt.length = 0;
    const cycle = cycleIn(value, []);
    if (cycle !== undefined) return `${cycle === '' ? where : `${where}.${cycle}`} is a cycle`;
    return `${where} ${TOO_DEEP}`;
  }
  const path = failedAt.reverse().join('.');
  failedAt.length = 0;
  return `${path === '' ? where : `${where}.${path}`} ${problem}`;
};
