import type { z } from 'zod';

/** What stands in for a secret, or any part of one, in a log line, an error, `status` and `validate`. */
export const REDACTED = '[redacted]';

/**
 * The shortest run of a secret's characters that is masked wherever it appears. A server that echoes a token in
 * part (a 401 quoting its first 12 characters, a 5xx a middle part) gives away those characters: any 8 of them in
 * a row are masked. Shorter runs are too common in ordinary text to mask without wrecking the log.
 */
export const SECRET_WINDOW = 8;

/** Where a secret came from, which decides how a secret shorter than `SECRET_WINDOW` is matched. */
export type SecretOrigin =
  /** A key its plugin marks secret (`secretOption`), or the admin token: masked whole wherever it appears. */
  | 'declared'
  /**
   * A `${NAME}` value in any key: usually a secret, but it may be a port or a region. When shorter than
   * `SECRET_WINDOW` it is masked only as a word of its own, so `514` does not eat every `5140`.
   */
  | 'environment';

/**
 * Masks secrets in text: each secret whole, and every run of `SECRET_WINDOW` or more of its characters. The host
 * keeps one, registers the config's secrets on every load and reload (and never forgets one: an old token can
 * still be quoted by an error raised before a reload), and runs every log line, stored error and printed report
 * through `redact`. Event payloads never pass through it: they are forwarded exactly as received.
 *
 * `redact` is one pass over the text: a rolling hash of each `SECRET_WINDOW`-character window is looked up in a set
 * of the hashes of every window of every secret (the window itself is compared only on a hit), and overlapping hits
 * merge into one masked run, so a match extends as far as the secret's characters go. O(text length) per call,
 * whatever the number of secrets: 480-character log lines with six secrets, about 6 µs a line (it was 36 µs
 * comparing every window as a string).
 */
export class SecretRedactor {
  readonly #windows = new Set<string>();
  /** `windowHash` of every window: the scan rolls the hash along the text and builds a string only on a hit. */
  readonly #windowHashes = new Set<number>();
  /** Secrets shorter than `SECRET_WINDOW`, masked whole: anywhere (declared) or as a word (environment). */
  readonly #shortAnywhere = new Set<string>();
  readonly #shortWord = new Set<string>();
  #shortPattern: RegExp | undefined;
  #shortDirty = false;

  /** Registers secrets (empty strings are ignored). Also registers each one as it appears inside a JSON string. */
  add(secrets: Iterable<string>, origin: SecretOrigin = 'declared'): void {
    for (const secret of secrets) {
      if (secret.length === 0) continue;
      const escaped = JSON.stringify(secret).slice(1, -1);
      for (const form of escaped === secret ? [secret] : [secret, escaped]) this.#addOne(form, origin);
    }
  }

  /** True when nothing is registered: `redact` returns its input untouched. */
  get empty(): boolean {
    return this.#windows.size === 0 && this.#shortAnywhere.size === 0 && this.#shortWord.size === 0;
  }

  /** The text with every secret, and every run of `SECRET_WINDOW`+ characters of one, replaced by `REDACTED`. */
  redact(text: string): string {
    if (this.empty || text.length === 0) return text;
    let out = text;
    if (this.#windows.size > 0 && text.length >= SECRET_WINDOW) out = this.#maskWindows(text);
    const short = this.#shortRegExp();
    return short === undefined ? out : out.replace(short, REDACTED);
  }

  /** A copy of a plain value (object, array, string) with every string in it redacted; keys are kept as they are. */
  redactValue<T>(value: T): T {
    if (this.empty) return value;
    const visit = (node: unknown): unknown => {
      if (typeof node === 'string') return this.redact(node);
      if (Array.isArray(node)) return node.map(visit);
      if (typeof node === 'object' && node !== null) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, visit(v)]));
      return node;
    };
    return visit(value) as T;
  }

  #addOne(secret: string, origin: SecretOrigin): void {
    if (secret.length >= SECRET_WINDOW) {
      for (let i = 0; i + SECRET_WINDOW <= secret.length; i++) {
        const window = secret.slice(i, i + SECRET_WINDOW);
        this.#windows.add(window);
        this.#windowHashes.add(windowHash(window, 0));
      }
      return;
    }
    if (origin === 'declared') {
      if (this.#shortAnywhere.has(secret)) return;
      this.#shortAnywhere.add(secret);
      this.#shortWord.delete(secret);
    } else {
      if (this.#shortAnywhere.has(secret) || this.#shortWord.has(secret)) return;
      this.#shortWord.add(secret);
    }
    this.#shortDirty = true;
  }

  /** Plain loop: the window hash rolls one character at a time; hits that touch or overlap are one masked run. */
  #maskWindows(text: string): string {
    let out = '';
    let copied = 0;
    let runStart = -1;
    let runEnd = -1;
    const last = text.length - SECRET_WINDOW;
    let hash = windowHash(text, 0);
    for (let i = 0; i <= last; i++) {
      if (i > 0) hash = (Math.imul(hash - Math.imul(text.charCodeAt(i - 1), HASH_TOP), HASH_BASE) + text.charCodeAt(i + SECRET_WINDOW - 1)) | 0;
      if (!this.#windowHashes.has(hash) || !this.#windows.has(text.slice(i, i + SECRET_WINDOW))) continue;
      if (runStart >= 0 && i <= runEnd) {
        runEnd = i + SECRET_WINDOW;
        continue;
      }
      if (runStart >= 0) {
        out += text.slice(copied, runStart) + REDACTED;
        copied = runEnd;
      }
      runStart = i;
      runEnd = i + SECRET_WINDOW;
    }
    if (runStart < 0) return text;
    return out + text.slice(copied, runStart) + REDACTED + text.slice(runEnd);
  }

  #shortRegExp(): RegExp | undefined {
    if (this.#shortDirty) {
      this.#shortDirty = false;
      // Longest first, so a secret containing another is masked whole.
      const byLength = (a: string, b: string) => b.length - a.length;
      const anywhere = [...this.#shortAnywhere].sort(byLength).map(escapeRegExp);
      const word = [...this.#shortWord].sort(byLength).map((s) => `(?<![\\p{L}\\p{N}])${escapeRegExp(s)}(?![\\p{L}\\p{N}])`);
      const alternatives = [...anywhere, ...word];
      this.#shortPattern = alternatives.length === 0 ? undefined : new RegExp(alternatives.join('|'), 'gu');
    }
    return this.#shortPattern;
  }
}

// A polynomial hash of a window's UTF-16 code units, modulo 2^32 (Math.imul); HASH_TOP = HASH_BASE^(window - 1).
const HASH_BASE = 31;
let hashTop = 1;
for (let i = 1; i < SECRET_WINDOW; i++) hashTop = Math.imul(hashTop, HASH_BASE);
const HASH_TOP = hashTop;

const windowHash = (text: string, start: number): number => {
  let hash = 0;
  for (let i = start; i < start + SECRET_WINDOW; i++) hash = (Math.imul(hash, HASH_BASE) + text.charCodeAt(i)) | 0;
  return hash;
};

const escapeRegExp = (text: string): string => text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

// A WeakSet shared through the global symbol registry, so a plugin built against another copy of core marks its
// secret keys where the host looks for them.
const SECRET_OPTIONS_KEY = Symbol.for('@syslog-connector/secret-options');
const secretOptions = ((globalThis as Record<symbol, unknown>)[SECRET_OPTIONS_KEY] ??= new WeakSet<object>()) as WeakSet<object>;

/**
 * Marks a key of a plugin's options as a secret: its value, wherever it came from (`${NAME}` or written in the file),
 * is registered with the host's `SecretRedactor` when the config loads and never shown in a log, error, `status`
 * or `validate`. Wrap the key's whole schema, after `.optional()` and `.describe()` (each returns a new schema):
 *
 * ```ts
 * token: secretOption(z.string().min(1).describe('API key; write ${VISION_ONE_TOKEN}')),
 * ```
 */
export const secretOption = <T extends z.ZodType>(schema: T): T => {
  secretOptions.add(schema);
  return schema;
};

export const isSecretOption = (schema: z.ZodType): boolean => secretOptions.has(schema);

interface WalkableDef {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly shape?: Record<string, z.ZodType>;
  readonly valueType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly discriminator?: string;
  readonly left?: z.ZodType;
  readonly right?: z.ZodType;
  readonly getter?: () => z.ZodType;
}

const defOf = (schema: z.ZodType): WalkableDef => (schema as unknown as { _zod: { def: WalkableDef } })._zod.def;

/** The literal values a discriminated union's option carries in its discriminator key. */
const discriminatorValues = (option: z.ZodType, key: string): readonly unknown[] => {
  const field = defOf(option).shape?.[key];
  if (field === undefined) return [];
  const def = defOf(field) as WalkableDef & { values?: readonly unknown[] };
  return def.type === 'literal' ? (def.values ?? []) : [];
};

/**
 * Every value in `value` (a config document, after `${NAME}` substitution, before or after validation) that sits at
 * a key `schema` marks with `secretOption`. Works on an invalid document too, so `validate` never echoes a secret
 * written in the wrong shape: a union is followed by its discriminator, or through every option when it names none.
 */
export const collectSecrets = (schema: z.ZodType, value: unknown): string[] => {
  const found: string[] = [];
  const take = (node: unknown): void => {
    if (typeof node === 'string' || typeof node === 'number' || typeof node === 'bigint') found.push(String(node));
    else if (Array.isArray(node)) node.forEach(take);
    else if (typeof node === 'object' && node !== null) Object.values(node).forEach(take);
  };
  const visit = (s: z.ZodType, node: unknown, depth: number): void => {
    if (node === undefined || node === null || depth > 64) return;
    if (isSecretOption(s)) {
      take(node);
      return;
    }
    const def = defOf(s);
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'readonly':
      case 'catch':
      case 'nonoptional':
        if (def.innerType !== undefined) visit(def.innerType, node, depth + 1);
        return;
      case 'pipe':
        if (def.in !== undefined) visit(def.in, node, depth + 1);
        return;
      case 'lazy':
        if (def.getter !== undefined) visit(def.getter(), node, depth + 1);
        return;
      case 'object':
        if (typeof node !== 'object' || Array.isArray(node)) return;
        for (const [key, child] of Object.entries(def.shape ?? {})) visit(child, (node as Record<string, unknown>)[key], depth + 1);
        return;
      case 'record':
        if (typeof node !== 'object' || Array.isArray(node) || def.valueType === undefined) return;
        for (const child of Object.values(node)) visit(def.valueType, child, depth + 1);
        return;
      case 'array':
        if (Array.isArray(node) && def.element !== undefined) for (const item of node) visit(def.element, item, depth + 1);
        return;
      case 'union': {
        const options = def.options ?? [];
        const key = def.discriminator;
        const chosen =
          key === undefined || typeof node !== 'object'
            ? options
            : options.filter((option) => discriminatorValues(option, key).includes((node as Record<string, unknown>)[key]));
        for (const option of chosen.length > 0 ? chosen : options) visit(option, node, depth + 1);
        return;
      }
      case 'intersection':
        if (def.left !== undefined) visit(def.left, node, depth + 1);
        if (def.right !== undefined) visit(def.right, node, depth + 1);
        return;
      default:
        return;
    }
  };
  visit(schema, value, 0);
  return found;
};
