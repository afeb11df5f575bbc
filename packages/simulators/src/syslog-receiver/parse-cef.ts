import { SyslogParseError } from './syslog-parse-error.js';

/**
 * A decoded CEF line. Every header field is the unescaped text as written (severity included, so `'8'` and
 * `'High'` are told apart); `extensions` keeps the wire order of the keys.
 */
export interface CefMessage {
  readonly version: string;
  readonly vendor: string;
  readonly product: string;
  readonly deviceVersion: string;
  readonly signatureId: string;
  readonly name: string;
  readonly severity: string;
  readonly extensions: Readonly<Record<string, string>>;
}

const HEADER_FIELDS = ['version', 'vendor', 'product', 'deviceVersion', 'signatureId', 'name', 'severity'] as const;

// CEF "Extension": keys are alphanumeric (the formatter also allows `_`, as ArcSight's own connectors do).
const KEY = /^[A-Za-z0-9_]+$/;
// CEF "Header" → Severity: an integer 0–10, or one of the names.
const SEVERITY = /^(?:[0-9]|10|Unknown|Low|Medium|High|Very-High)$/;

const BACKSLASH = 0x5c;
const PIPE = 0x7c;
const EQUALS = 0x3d;

/**
 * Decodes a CEF line (`CEF:Version|Device Vendor|Device Product|Device Version|Device Event Class ID|Name|Severity|Extension`)
 * strictly by "Implementing ArcSight CEF" (FACTS §E.7):
 * - header fields unescape `\|` and `\\` only; any other backslash is an error;
 * - extension values unescape `\=`, `\\`, `\n`, `\r` only; an unescaped `=` inside a value is an error, because
 *   a reader cannot tell it from the start of the next key;
 * - a value runs up to the single space before the next `key=`; extra spaces stay in the value before them;
 * - raw CR, LF or NUL anywhere is an error (they would start a second record under LF framing, RFC 6587 §3.4.2);
 * - a key may appear only once.
 */
export const parseCef = (text: string): CefMessage => {
  if (!text.startsWith('CEF:')) throw new SyslogParseError('a CEF line starts with "CEF:"', 0);
  const control = /[\r\n\0]/.exec(text);
  if (control !== null) {
    throw new SyslogParseError(`raw ${describeControl(control[0])} at offset ${control.index}: CEF encodes line breaks as \\n or \\r`, control.index);
  }
  const header: string[] = [];
  let field = '';
  let i = 4;
  while (header.length < HEADER_FIELDS.length) {
    if (i >= text.length) {
      throw new SyslogParseError(
        `the CEF header has ${header.length} of 7 fields, each ended by "|" (missing: ${HEADER_FIELDS.slice(header.length).join(', ')})`,
        i,
      );
    }
    const code = text.charCodeAt(i);
    if (code === BACKSLASH) {
      const next = text[i + 1];
      if (next !== '|' && next !== '\\') {
        throw new SyslogParseError(
          `header field ${HEADER_FIELDS[header.length]} has the escape "\\${next ?? ''}": only \\| and \\\\ are allowed in the header`,
          i,
        );
      }
      field += next;
      i += 2;
    } else if (code === PIPE) {
      header.push(field);
      field = '';
      i += 1;
    } else {
      field += text[i];
      i += 1;
    }
  }
  const [version, vendor, product, deviceVersion, signatureId, name, severity] = header as [
    string, string, string, string, string, string, string,
  ];
  if (!/^\d+$/.test(version)) throw new SyslogParseError(`CEF version "${version}" is not a number`, 4);
  if (!SEVERITY.test(severity)) {
    throw new SyslogParseError(`severity "${severity}" is neither 0–10 nor Unknown, Low, Medium, High, Very-High`, i - 1);
  }
  return { version, vendor, product, deviceVersion, signatureId, name, severity, extensions: parseExtensions(text, i) };
};

/** The extension part of a CEF line, from `start` to the end of `text`. */
const parseExtensions = (text: string, start: number): Record<string, string> => {
  // Pass 1: the positions of the unescaped `=` signs; each one ends a key.
  const equals: number[] = [];
  for (let i = start; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === BACKSLASH) i += 1;
    else if (code === EQUALS) equals.push(i);
  }
  const pairs: Array<[string, string]> = [];
  const seen = new Set<string>();
  let valueStart = -1;
  let previousKey = '';
  for (const at of equals) {
    const keyStart = text.lastIndexOf(' ', at - 1) + 1;
    const begin = Math.max(keyStart, start);
    const key = text.slice(begin, at);
    if (valueStart === -1) {
      // Nothing but spaces may come before the first key.
      const before = text.slice(start, begin);
      if (before.trim() !== '') throw new SyslogParseError(`text "${before.trim()}" before the first extension key`, start);
    } else {
      if (begin <= valueStart) {
        throw new SyslogParseError(`the value of ${previousKey} has an unescaped "=": write it as \\=`, at);
      }
      pairs.push([previousKey, unescapeValue(text, valueStart, begin - 1, previousKey)]);
    }
    if (!KEY.test(key)) {
      const message =
        valueStart === -1
          ? `extension key "${key}" is not alphanumeric`
          : `the value of ${previousKey} has an unescaped "=" (or "${key}" is not an alphanumeric key): write it as \\=`;
      throw new SyslogParseError(message, begin);
    }
    if (seen.has(key)) throw new SyslogParseError(`extension key ${key} appears twice`, begin);
    seen.add(key);
    previousKey = key;
    valueStart = at + 1;
  }
  if (valueStart === -1) {
    if (text.slice(start).trim() !== '') throw new SyslogParseError(`extension "${text.slice(start)}" has no key=value pair`, start);
  } else {
    pairs.push([previousKey, unescapeValue(text, valueStart, text.length, previousKey)]);
  }
  // fromEntries defines own properties, so even a key named __proto__ stays a plain entry.
  return Object.fromEntries(pairs);
};

const unescapeValue = (text: string, from: number, to: number, key: string): string => {
  let out = '';
  let chunk = from;
  for (let i = from; i < to; i++) {
    if (text.charCodeAt(i) !== BACKSLASH) continue;
    const next = text[i + 1];
    let replacement: string;
    if (next === '=') replacement = '=';
    else if (next === '\\') replacement = '\\';
    else if (next === 'n') replacement = '\n';
    else if (next === 'r') replacement = '\r';
    else {
      const shown = i + 1 < to ? `\\${next ?? ''}` : '\\ at its end';
      throw new SyslogParseError(`the value of ${key} has the escape "${shown}": only \\=, \\\\, \\n and \\r are allowed`, i);
    }
    out += text.slice(chunk, i) + replacement;
    i += 1;
    chunk = i + 1;
  }
  return out + text.slice(chunk, to);
};

const describeControl = (char: string): string => (char === '\r' ? 'CR' : char === '\n' ? 'LF' : 'NUL');
