import type { z } from 'zod';

/** One problem in a config file: where it is, and what to do. */
export interface ConfigIssue {
  /** Dotted path with indexes in brackets: `sources.oat.riskLevels[1]`. */
  readonly path: string;
  readonly message: string;
}

export const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    const name = String(key);
    return text === '' ? name : `${text}.${name}`;
  }, '');

const quote = (value: unknown): string => (typeof value === 'string' ? `"${value}"` : JSON.stringify(value) ?? String(value));

/** The number or boolean a quoted YAML value spells (`"601"` → `601`), when that is what the key expects. */
const unquoted = (text: string, expected: string): string | undefined => {
  const trimmed = text.trim();
  if ((expected === 'number' || expected === 'int') && trimmed !== '' && Number.isFinite(Number(trimmed))) return String(Number(trimmed));
  if (expected === 'boolean' && (trimmed === 'true' || trimmed === 'false')) return trimmed;
  return undefined;
};

/**
 * Turns zod issues into one line each, with the full path. Values are shown only for closed choices (enums,
 * literals), never for free text, so a secret placed in the wrong key is not echoed back.
 * `choices` lists the allowed values of each discriminator key (`type`, `protocol`).
 */
export const flattenIssues = (
  issues: readonly z.core.$ZodIssue[],
  choices: Readonly<Record<string, readonly string[]>> = {},
): ConfigIssue[] =>
  issues.flatMap((issue): ConfigIssue[] => {
    const path = formatPath(issue.path);
    switch (issue.code) {
      case 'unrecognized_keys':
        // zod 4 reports unknown keys with the parent's path and the names in `keys`.
        return issue.keys.map((key) => ({
          path: formatPath([...issue.path, key]),
          message: 'is not a known setting here; remove it or check its spelling',
        }));
      case 'invalid_value': {
        const allowed = issue.values.map((v) => String(v)).join(', ');
        const given = 'input' in issue && issue.input !== undefined ? `${quote(issue.input)} is not one of` : 'must be one of';
        return [{ path, message: `${given} ${allowed}` }];
      }
      case 'invalid_union': {
        const discriminator = 'discriminator' in issue ? (issue as { discriminator?: string }).discriminator : undefined;
        if (discriminator !== undefined) {
          const options = choices[discriminator] ?? [];
          const given = 'input' in issue && typeof issue.input === 'object' && issue.input !== null
            ? (issue.input as Record<string, unknown>)[discriminator]
            : undefined;
          const what = given === undefined ? 'is required' : `${quote(given)} is not one of`;
          return [
            {
              // zod 4 puts the discriminator in the path already; older shapes did not.
              path: formatPath(issue.path.at(-1) === discriminator ? issue.path : [...issue.path, discriminator]),
              message: given === undefined ? `${what}; use one of ${options.join(', ')}` : `${what} ${options.join(', ')}`,
            },
          ];
        }
        // A plain union: report what each branch wanted, the first branch's issues are usually the useful ones.
        const first = issue.errors[0];
        return first === undefined ? [{ path, message: issue.message }] : flattenIssues(first, choices);
      }
      case 'invalid_type': {
        // `port: "601"`: the value is right but quoted. Said before any plugin's own message ("must be 1–65535"),
        // which would send the user looking for a range problem. Numbers and booleans only: neither is a secret.
        const written = 'input' in issue ? issue.input : undefined;
        const meant = typeof written === 'string' ? unquoted(written, issue.expected) : undefined;
        if (meant !== undefined) return [{ path, message: `${quote(written)} is a string; write ${meant}` }];
        // A plugin's own message (`z.string({ error: 'is required; set …' })`) says it best; zod's default does not.
        if (!issue.message.startsWith('Invalid input')) return [{ path, message: issue.message }];
        if ('input' in issue && issue.input === undefined) return [{ path, message: `is required (${issue.expected})` }];
        return [{ path, message: `must be ${issue.expected === 'object' ? 'a mapping' : issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}` }];
      }
      default:
        return [{ path, message: issue.message }];
    }
  });
