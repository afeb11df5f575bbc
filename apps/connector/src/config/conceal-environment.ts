import { hostSecrets } from '../logger.js';

/** The value of every environment variable `text` (a config file, or its JSON) refers to as `${NAME}`, with its name. */
export const referencedEnvironment = (text: string, env: Readonly<Record<string, string | undefined>>): Map<string, string> => {
  const values = new Map<string, string>();
  for (const [, name] of text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)) {
    const value = name === undefined ? undefined : env[name];
    if (name !== undefined && value !== undefined && value.length > 0) values.set(value, name);
  }
  return values;
};

/**
 * Puts `${NAME}` back for the value of every environment variable the file refers to (and `${file:PATH}` for a
 * value read from a file), in a message about it, then
 * masks what is left of any registered secret (`hostSecrets`: a part of one, a secret written in the file). A
 * problem message may quote the value it refused (`"…" is not a size`), and a value from the environment is
 * usually a secret: the log shows where it came from, never what it is. Registers those values with `hostSecrets`
 * too, so the log masks them wherever else they turn up.
 */
export const concealer = (
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  /** Values read from `${file:PATH}` references, each with its reference (`file:PATH`): shown as `${file:PATH}`. */
  fromFiles: ReadonlyMap<string, string> = new Map(),
): ((message: string) => string) => {
  const values = new Map([...referencedEnvironment(text, env), ...fromFiles]);
  hostSecrets.add(values.keys(), 'environment');
  // Longest first, so a value containing another is replaced whole.
  const ordered = [...values].sort(([a], [b]) => b.length - a.length);
  return (message) => hostSecrets.redact(ordered.reduce((out, [value, name]) => out.split(value).join(`\${${name}}`), message));
};
