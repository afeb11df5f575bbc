import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { SyslogConnectorError } from '../errors.js';
import type { ConfigIssue } from './config-issues.js';
import { formatPath } from './config-issues.js';

/** Reads a YAML or JSON config file into a plain value (not yet validated, `${ENV}` not yet substituted). */
export const readConfigDocument = async (path: string): Promise<unknown> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new SyslogConnectorError('CONFIG_NOT_FOUND', `Config file ${path} does not exist`, {
        hint: 'pass -c FILE, or create ./syslog-connector.yaml (see the README for an example)',
      });
    }
    throw new SyslogConnectorError('CONFIG_UNREADABLE', `Config file ${path} cannot be read (${code ?? 'error'})`, {
      hint: 'check the file permissions',
      cause,
    });
  }
  try {
    if (extname(path).toLowerCase() === '.json') return JSON.parse(text) as unknown;
    return parseYaml(text, { prettyErrors: true }) as unknown;
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw new SyslogConnectorError('CONFIG_SYNTAX', `Config file ${path} is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${detail}`, {
      hint: 'fix the syntax at the position shown',
      cause,
    });
  }
};

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\$\{/g;

/**
 * Replaces `${NAME}` (or `${NAME:-default}`) in every string of the document with the environment's value;
 * `$${` stays a literal `${`. Substitution happens after parsing, so a value can never change the document's
 * structure. A missing variable is an issue at the path that uses it; the value itself is never reported.
 */
export const substituteEnvironment = (
  document: unknown,
  environment: Readonly<Record<string, string | undefined>>,
): { readonly value: unknown; readonly issues: readonly ConfigIssue[] } => {
  const issues: ConfigIssue[] = [];
  const visit = (node: unknown, path: readonly PropertyKey[]): unknown => {
    if (typeof node === 'string') {
      return node.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined) => {
        if (name === undefined) return '${';
        const value = environment[name];
        if (value !== undefined && value !== '') return value;
        if (fallback !== undefined) return fallback;
        issues.push({
          path: formatPath(path),
          message: `environment variable ${name} is not set; export it before starting, or write \${${name}:-default}`,
        });
        return match;
      });
    }
    if (Array.isArray(node)) return node.map((item, index) => visit(item, [...path, index]));
    if (typeof node === 'object' && node !== null) {
      return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, visit(value, [...path, key])]));
    }
    return node;
  };
  return { value: visit(document, []), issues };
};
