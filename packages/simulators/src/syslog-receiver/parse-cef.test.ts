import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCef } from './parse-cef.js';

describe('parseCef', () => {
  it('decodes the header fields with \\| and \\\\ unescaped', () => {
    expect(parseCef('CEF:0|Trend Micro|Vision One|1.0|WB-9002-20240101-00001|Pipe \\| and back\\\\slash = ok|8|')).toEqual({
      version: '0',
      vendor: 'Trend Micro',
      product: 'Vision One',
      deviceVersion: '1.0',
      signatureId: 'WB-9002-20240101-00001',
      name: 'Pipe | and back\\slash = ok',
      severity: '8',
      extensions: {},
    });
  });

  it('decodes extension values with \\=, \\\\, \\n and \\r unescaped, and keeps | and spaces as written', () => {
    const cef = parseCef(
      'CEF:0|V|P|1|sig|name|10|rt=1670218005000 msg=a\\=b c\\\\d\\r\\nline 2 | pipe cs1Label=Model cs1=Hello  world ünïcødé ✓',
    );
    expect(cef.severity).toBe('10');
    expect(cef.extensions).toEqual({
      rt: '1670218005000',
      msg: 'a=b c\\d\r\nline 2 | pipe',
      cs1Label: 'Model',
      cs1: 'Hello  world ünïcødé ✓',
    });
    expect(Object.keys(cef.extensions)).toEqual(['rt', 'msg', 'cs1Label', 'cs1']);
  });

  it('counts extra spaces before a key as trailing spaces of the previous value', () => {
    expect(parseCef('CEF:0|V|P|1|s|n|3|a=x   b=y').extensions).toEqual({ a: 'x  ', b: 'y' });
  });

  it('accepts spaces before the first key and an empty value', () => {
    expect(parseCef('CEF:0|V|P|1|s|n|Very-High| a= b=1').extensions).toEqual({ a: '', b: '1' });
  });

  it('keeps a key named __proto__ as a plain entry', () => {
    const { extensions } = parseCef('CEF:0|V|P|1|s|n|1|__proto__=x');
    expect(Object.entries(extensions)).toEqual([['__proto__', 'x']]);
  });

  it.each([
    ['CEF:0|V|P|1|s|n|', 'the CEF header has 6 of 7 fields, each ended by "|" (missing: severity)'],
    ['CEF:0|V|P|1|s|n|8', 'the CEF header has 6 of 7 fields, each ended by "|" (missing: severity)'],
    ['CEF:0|V\\=x|P|1|s|n|8|', 'header field vendor has the escape "\\=": only \\| and \\\\ are allowed in the header'],
    ['CEF:0|V|P|1|s|n|11|', 'severity "11" is neither 0–10 nor Unknown, Low, Medium, High, Very-High'],
    ['CEF:x|V|P|1|s|n|1|', 'CEF version "x" is not a number'],
    ['CEF:0|V|P|1|s|n|1|url=http://h/?q=1', 'the value of url has an unescaped "=": write it as \\='],
    ['CEF:0|V|P|1|s|n|1|a=see http://h/?q=1', 'the value of a has an unescaped "=" (or "http://h/?q" is not an alphanumeric key): write it as \\='],
    ['CEF:0|V|P|1|s|n|1|a=x\\=y\\\\=z', 'the value of a has an unescaped "=": write it as \\='],
    ['CEF:0|V|P|1|s|n|1|a=tab\\t', 'the value of a has the escape "\\t": only \\=, \\\\, \\n and \\r are allowed'],
    ['CEF:0|V|P|1|s|n|1|a=ends\\', 'the value of a has the escape "\\ at its end": only \\=, \\\\, \\n and \\r are allowed'],
    ['CEF:0|V|P|1|s|n|1|a=1 a=2', 'extension key a appears twice'],
    ['CEF:0|V|P|1|s|n|1|junk a=1', 'text "junk" before the first extension key'],
    ['CEF:0|V|P|1|s|n|1|just text', 'extension "just text" has no key=value pair'],
    ['CEF:0|V|P|1|s|n|1|bad-key=1', 'extension key "bad-key" is not alphanumeric'],
    ['CEF:0|V|P|1|s|n|1|msg=line\nnext', 'raw LF at offset 26: CEF encodes line breaks as \\n or \\r'],
    ['LEEF:1.0|V|P|1|s|', 'a CEF line starts with "CEF:"'],
  ])('rejects %j', (line, message) => {
    expect(() => parseCef(line)).toThrow(message);
  });

  // The reference escaper is written here from the CEF rules on purpose: the formatter package has its own.
  const escapeHeader = (v: string) => v.replace(/[\\|]/g, (c) => `\\${c}`);
  const escapeValue = (v: string) => v.replace(/[\\=\r\n]/g, (c) => (c === '\r' ? '\\r' : c === '\n' ? '\\n' : `\\${c}`));
  const text = fc.string({ unit: 'grapheme', maxLength: 30 }).map((s) => s.replace(/\0/g, ''));
  // The header has no escape for line breaks.
  const headerText = text.map((s) => s.replace(/[\r\n]/g, ''));

  it('decodes whatever a correct escaper wrote (property)', () => {
    fc.assert(
      fc.property(
        fc.array(headerText, { minLength: 5, maxLength: 5 }),
        fc.integer({ min: 0, max: 10 }),
        fc.uniqueArray(fc.tuple(fc.stringMatching(/^[A-Za-z0-9_]{1,12}$/), text), { selector: ([key]) => key, maxLength: 6 }),
        (header, severity, pairs) => {
          const fields = pairs;
          const line =
            `CEF:0|${header.map(escapeHeader).join('|')}|${severity}|` +
            fields.map(([key, value]) => `${key}=${escapeValue(value)}`).join(' ');
          const parsed = parseCef(line);
          expect(parsed).toEqual({
            version: '0',
            vendor: header[0],
            product: header[1],
            deviceVersion: header[2],
            signatureId: header[3],
            name: header[4],
            severity: String(severity),
            extensions: Object.fromEntries(fields),
          });
        },
      ),
    );
  });
});
