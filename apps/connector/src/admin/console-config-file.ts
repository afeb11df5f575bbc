import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { type FileReference, readFileReference } from '@syslog-connector/core/engine';
import { Document, isMap, isScalar, isSeq, parseDocument, parse as parseYaml, type YAMLMap } from 'yaml';

/** The revision of a config file: SHA-256 of its bytes. A save names the revision it was made from. */
export const revisionOf = (bytes: string | Buffer): string => createHash('sha256').update(bytes).digest('hex');

export interface ConfigFileText {
  readonly text: string;
  readonly revision: string;
}

export const readConfigFile = async (path: string): Promise<ConfigFileText> => {
  const bytes = await readFile(path);
  return { text: bytes.toString('utf8'), revision: revisionOf(bytes) };
};

const isJson = (path: string): boolean => extname(path).toLowerCase() === '.json';

/**
 * The config as a YAML document the console edits in place: comments, key order and untouched values stay as the
 * user wrote them (the `yaml` Document API). A JSON file is read as a document too, and written back as JSON.
 */
export const parseConfigDocument = (path: string, text: string): Document => {
  if (isJson(path)) return new Document(JSON.parse(text) as unknown);
  return parseDocument(text, { keepSourceTokens: false });
};

export const documentText = (path: string, document: Document): string =>
  isJson(path) ? `${JSON.stringify(document.toJS(), null, 2)}\n` : document.toString({ lineWidth: 0 });

/** The plain value of a document's text (what `validate` reads). */
export const plainValue = (path: string, text: string): unknown => (isJson(path) ? (JSON.parse(text) as unknown) : (parseYaml(text) as unknown));

/**
 * Writes a file atomically: a temporary file beside it (same folder, so the rename stays on one file system), the
 * mode given (or the file's own), flushed to disk, then renamed over it. A reader sees the old file or the new
 * one, never half of one.
 */
export const writeFileAtomic = async (path: string, content: string | Buffer, mode?: number): Promise<void> => {
  const keep = mode ?? (await stat(path).then((s) => s.mode & 0o777, () => 0o600));
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', keep);
  try {
    await handle.writeFile(content);
    // The umask may have narrowed the mode given to open().
    await handle.chmod(keep);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  } finally {
    await handle.close().catch(() => undefined);
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
};

/**
 * Files the console writes for one save: secrets (referenced as `${file:PATH}`) and uploaded certificates and keys
 * (named by `tls.ca` / `tls.cert` / `tls.key`), all under `<stateDir>/secrets` (0700) with mode 0600. Nothing is
 * written until `commit()`, after the new config validated — which reads these pending files through `read`.
 */
export class PendingFiles {
  readonly #configDir: string;
  readonly #secretsDir: string;
  readonly #files = new Map<string, string>();

  constructor(configDir: string, stateDir: string) {
    this.#configDir = configDir;
    this.#secretsDir = join(stateDir, 'secrets');
  }

  /** Queues `<stateDir>/secrets/<name>` and returns its path relative to the config file's folder, for the YAML. */
  add(name: string, content: string): string {
    const path = join(this.#secretsDir, name);
    this.#files.set(path, content);
    const rel = relative(this.#configDir, path);
    return rel.split(sep).join('/');
  }

  /** A `${file:PATH}` reference to a queued secret. */
  secret(name: string, value: string): string {
    return `\${file:${this.add(name, value)}}`;
  }

  get size(): number {
    return this.#files.size;
  }

  /** Reads a `${file:PATH}` file for validation: a queued one as it will be, any other from disk. */
  readonly read = (path: string): FileReference => {
    const pending = this.#files.get(resolve(path));
    return pending === undefined ? readFileReference(path) : { text: pending.replace(/\r?\n$/, '') };
  };

  async commit(): Promise<void> {
    if (this.#files.size === 0) return;
    await mkdir(this.#secretsDir, { recursive: true, mode: 0o700 });
    await chmod(this.#secretsDir, 0o700);
    for (const [path, content] of this.#files) await writeFileAtomic(path, content, 0o600);
  }
}

/** A mapping node of the document at `path`, if there is one. */
export const mapAt = (document: Document, path: readonly string[]): YAMLMap | undefined => {
  const node = path.length === 0 ? document.contents : document.getIn(path, true);
  return isMap(node) ? node : undefined;
};

/** The keys of a mapping, in file order. */
export const keysOf = (map: YAMLMap | undefined): string[] =>
  (map?.items ?? []).map((pair: { key: unknown }) => (isScalar(pair.key) ? String(pair.key.value) : String(pair.key)));

/** A plain value of the document (scalars as values, collections as plain JS). */
export const valueAt = (document: Document, path: readonly (string | number)[]): unknown => {
  const node = document.getIn(path, true);
  if (node === undefined || node === null) return undefined;
  if (isScalar(node)) return node.value;
  if (isMap(node) || isSeq(node)) return (node as { toJSON(): unknown }).toJSON();
  return node;
};

/**
 * Sets a value, leaving the node (and its comments) alone when it already holds that value: a save rewrites only
 * what changed. A list is replaced as a flow sequence when it was one (`[a, b]`) and kept block-style otherwise.
 */
export const setValue = (document: Document, path: readonly (string | number)[], value: unknown): void => {
  const current = valueAt(document, path);
  if (JSON.stringify(current) === JSON.stringify(value)) return;
  const node = document.getIn(path, true);
  if (Array.isArray(value)) {
    const seq = document.createNode(value);
    seq.flow = isSeq(node) ? node.flow === true : true;
    if (isSeq(node)) {
      if (node.comment !== undefined) seq.comment = node.comment;
      if (node.commentBefore !== undefined) seq.commentBefore = node.commentBefore;
    }
    document.setIn(path, seq);
    return;
  }
  document.setIn(path, value);
};

export const deleteValue = (document: Document, path: readonly (string | number)[]): void => {
  if (document.hasIn(path)) document.deleteIn(path);
};

/** The dotted paths whose values differ between two plain configs (leaves; a list counts as one value). */
export const changedPaths = (before: unknown, after: unknown, prefix = ''): string[] => {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) => changedPaths(before[key], after[key], prefix === '' ? key : `${prefix}.${key}`));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix];
};
