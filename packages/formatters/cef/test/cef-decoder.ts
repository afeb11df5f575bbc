/**
 * A strict, test-only decoder for what the CEF formatter writes, written from the standard (FACTS §E.7) and not
 * from the formatter's code: header fields split at unescaped `|` with only `\\` and `\|` allowed; extension
 * pairs split where a space is followed by `key=` (an unescaped `=`), with only `\\ \= \r \n` allowed. Anything
 * else — an unknown escape, a raw `=` inside a value, a malformed syslog header — throws, so a property test that
 * decodes every output also proves the output is well-formed.
 */

export interface DecodedCef {
  readonly syslog: readonly string[];
  readonly vendor: string;
  readonly product: string;
  readonly version: string;
  readonly signatureId: string;
  readonly name: string;
  readonly severity: string;
  readonly extensions: ReadonlyArray<readonly [string, string]>;
}

export type SyslogPrefix = 'rfc3164' | 'rfc5424' | 'none';

// Header tokens are PRINTUSASCII (no spaces), so `\S+` takes each one whole.
const RFC3164 = /^<(\d{1,3})>([A-Z][a-z]{2} [ 123]\d \d\d:\d\d:\d\d) (\S+) /;
const RFC5424 = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (-) (\S+) (-) /;
const KEY_AT = /[A-Za-z0-9_]+=/y;
const KEY = /^[A-Za-z0-9_]+$/;

const HEADER_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', '|': '|' };
const VALUE_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', '=': '=', r: '\r', n: '\n' };

const splitSyslog = (line: string, prefix: SyslogPrefix): { syslog: string[]; cef: string } => {
  if (prefix === 'none') return { syslog: [], cef: line };
  const match = (prefix === 'rfc3164' ? RFC3164 : RFC5424).exec(line);
  if (match === null) throw new Error(`no ${prefix} header in ${JSON.stringify(line.slice(0, 120))}`);
  return { syslog: match.slice(1), cef: line.slice(match[0].length) };
};

export const decodeCef = (line: string, prefix: SyslogPrefix): DecodedCef => {
  const { syslog, cef } = splitSyslog(line, prefix);
  if (!cef.startsWith('CEF:')) throw new Error('no CEF: after the syslog header');
  const fields: string[] = [];
  let i = 4;
  let field = '';
  while (fields.length < 7) {
    if (i >= cef.length) throw new Error(`the header ends after ${fields.length} fields`);
    const char = cef.charAt(i);
    if (char === '\\') {
      const escaped = HEADER_ESCAPES[cef.charAt(i + 1)];
      if (escaped === undefined) throw new Error(`undefined header escape at ${i}`);
      field += escaped;
      i += 2;
    } else if (char === '|') {
      fields.push(field);
      field = '';
      i += 1;
    } else {
      field += char;
      i += 1;
    }
  }
  const [version, vendor, product, deviceVersion, signatureId, name, severity] = fields as [
    string, string, string, string, string, string, string,
  ];
  if (version !== '0') throw new Error(`CEF version ${version}`);
  return {
    syslog,
    vendor,
    product,
    version: deviceVersion,
    signatureId,
    name,
    severity,
    extensions: decodeExtensions(cef.slice(i)),
  };
};

const isKeyAt = (text: string, at: number): boolean => {
  KEY_AT.lastIndex = at;
  return KEY_AT.test(text);
};

const decodeExtensions = (text: string): Array<[string, string]> => {
  const pairs: Array<[string, string]> = [];
  let i = 0;
  while (i < text.length) {
    const equals = text.indexOf('=', i);
    if (equals === -1) throw new Error(`no = after position ${i}`);
    const key = text.slice(i, equals);
    if (!KEY.test(key)) throw new Error(`bad key ${JSON.stringify(key)}`);
    let value = '';
    let j = equals + 1;
    while (j < text.length) {
      const char = text.charAt(j);
      if (char === '\\') {
        const escaped = VALUE_ESCAPES[text.charAt(j + 1)];
        if (escaped === undefined) throw new Error(`undefined extension escape at ${j}`);
        value += escaped;
        j += 2;
        continue;
      }
      if (char === '=') throw new Error(`raw = in the value of ${key}`);
      if (char === ' ' && isKeyAt(text, j + 1)) break;
      value += char;
      j += 1;
    }
    pairs.push([key, value]);
    i = j + 1;
  }
  return pairs;
};
