import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
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

const REFERENCE = /\$\{file:([^}]+)\}|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\$\{/g;

/** Where `${file:PATH}` references are read from; without it they stay as written (and the schema sees them so). */
export interface FileReferences {
  /** The config file's folder: PATH is relative to it. */
  readonly baseDir: string;
  /** Reads a file (tests, and the console's save, which validates with files it has not written yet). Default: the disk. */
  readonly read?: (path: string) => FileReference;
}

/** A file read for `${file:PATH}`: its text, or why it cannot be used (and the fix). */
export type FileReference = { readonly text: string } | { readonly problem: string };

/** Group and others must not read a secret file: anything looser than 0600 (0640, 0644, …) is refused. */
const OPEN_TO_OTHERS = 0o077;

/**
 * Reads the file of a `${file:PATH}` reference from disk: a regular file no one but its owner may read, its text
 * without one trailing newline (`echo secret > file` writes one).
 */
export const readFileReference = (path: string): FileReference => {
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT'
      ? { problem: `file ${path} does not exist; write the secret into it (umask 077; printf %s "$SECRET" > ${path}), or use \${NAME} to read it from the environment` }
      : { problem: `file ${path} cannot be read (${code ?? 'error'}); it must be readable by the connector's user` };
  }
  if (!stat.isFile()) return { problem: `${path} is not a file; \${file:PATH} names a file holding the secret` };
  if (process.platform !== 'win32' && (stat.mode & OPEN_TO_OTHERS) !== 0) {
    return { problem: `file ${path} can be read by others (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}); run chmod 600 ${path}` };
  }
  try {
    return { text: readFileSync(path, 'utf8').replace(/\r?\n$/, '') };
  } catch (error) {
    return { problem: `file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); it must be readable by the connector's user` };
  }
};

/**
 * Replaces `${NAME}` (or `${NAME:-default}`) in every string of the document with the environment's value;
 * `$${` stays a literal `${`. With `files`, `${file:PATH}` is replaced by the content of that file (PATH relative to
 * the config file's folder; see `readFileReference`). Substitution happens after parsing, so a value can never
 * change the document's structure. A missing variable or file is an issue at the path that uses it; the value
 * itself is never reported. `fromFiles` maps each value read from a file to its reference (`file:PATH`), so
 * messages can show the reference instead of the secret.
 */
export const substituteEnvironment = (
  document: unknown,
  environment: Readonly<Record<string, string | undefined>>,
  files?: FileReferences,
): { readonly value: unknown; readonly issues: readonly ConfigIssue[]; readonly fromFiles: ReadonlyMap<string, string> } => {
  const issues: ConfigIssue[] = [];
  const fromFiles = new Map<string, string>();
  const visit = (node: unknown, path: readonly PropertyKey[]): unknown => {
    if (typeof node === 'string') {
      return node.replace(REFERENCE, (match, file: string | undefined, name: string | undefined, fallback: string | undefined) => {
        if (file !== undefined) {
          if (files === undefined) return match;
          const read = (files.read ?? readFileReference)(resolve(files.baseDir, file.trim()));
          if ('problem' in read) {
            issues.push({ path: formatPath(path), message: `\${file:${file}}: ${read.problem}` });
            return match;
          }
          if (read.text !== '') fromFiles.set(read.text, `file:${file}`);
          return read.text;
        }
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
  return { value: visit(document, []), issues, fromFiles };
};
