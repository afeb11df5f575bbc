import { describe, expect, it } from 'vitest';
import { LeefParseError, leefLineOf, parseLeef } from './leef-parser.js';

// The examples of IBM's "LEEF event components" and "Predefined LEEF event attributes".
describe('parseLeef', () => {
  it("reads IBM's LEEF 2.0 example with a caret delimiter", () => {
    expect(parseLeef('LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5^sev=5^srcPort=81^dstPort=21')).toEqual({
      version: '2.0',
      vendor: 'Lancope',
      product: 'StealthWatch',
      productVersion: '1.0',
      eventId: '41',
      delimiterField: '^',
      delimiter: '^',
      attributes: { src: '10.0.1.8', dst: '10.0.0.5', sev: '5', srcPort: '81', dstPort: '21' },
    });
  });

  it('reads LEEF 1.0 with tabs, a trailing tab and spaces inside values', () => {
    const fields = parseLeef('LEEF:1.0|Microsoft|MSExchange|4.0 SP1|15345|src=192.0.2.0\tcat=anomaly\tmsg=there are spaces in this message\t');
    expect(fields).toMatchObject({ version: '1.0', productVersion: '4.0 SP1', eventId: '15345', delimiter: '\t' });
    expect(fields.attributes).toEqual({ src: '192.0.2.0', cat: 'anomaly', msg: 'there are spaces in this message' });
    expect(fields).not.toHaveProperty('delimiterField');
  });

  it.each([
    ['x09', '\t'],
    ['0x09', '\t'],
    ['0x5E', '^'],
    ['x5e', '^'],
    ['xA6', '\u00a6'],
    ['\u00a6', '\u00a6'],
    ['', '\t'],
  ])('takes the DelimiterCharacter %j as %j', (field, delimiter) => {
    const fields = parseLeef(`LEEF:2.0|V|P|1|E|${field}|a=1${delimiter}b=x=y`);
    expect(fields.delimiter).toBe(delimiter);
    // The key ends at the first `=`; the rest of the pair is the value, as is.
    expect(fields.attributes).toEqual({ a: '1', b: 'x=y' });
  });

  it('keeps a backslash and a pipe in a value as they are (LEEF defines no escapes)', () => {
    expect(parseLeef('LEEF:2.0|V|P|1|E|x09|path=C:\\Windows\\x.exe\turl=https://h/?a=b|c').attributes).toEqual({
      path: 'C:\\Windows\\x.exe',
      url: 'https://h/?a=b|c',
    });
  });

  it.each([
    ['CEF:0|V|P|1|E|N|5|a=1', 'Not a LEEF'],
    ['LEEF:3.0|V|P|1|E|x09|a=1', 'Not a LEEF'],
    ['LEEF:2.0|V|P|1|E', 'fewer than 6 fields'],
    ['LEEF:2.0|V|P|1|E|xyz|a=1', 'neither one character'],
    ['LEEF:2.0|V|P|1|E|x09|a=1\tjunk', 'has no ='],
    ['LEEF:2.0|V|P|1|E|x09|=1', 'empty key'],
    ['LEEF:2.0|V|P|1|E|x09|a=1\ta=2', 'appears twice'],
  ])('refuses %j', (line, reason) => {
    expect(() => parseLeef(line)).toThrow(LeefParseError);
    expect(() => parseLeef(line)).toThrow(reason);
  });

  it('finds the LEEF line in a syslog message and after an RFC 3164 TAG', () => {
    expect(leefLineOf('<13>Jan 18 11:07:53 host LEEF:2.0|V|P|1|E|^|a=1')).toBe('LEEF:2.0|V|P|1|E|^|a=1');
    expect(leefLineOf('2.0|V|P|1|E|^|a=1', 'LEEF:')).toBe('LEEF:2.0|V|P|1|E|^|a=1');
    expect(() => leefLineOf('no leef here')).toThrow('No LEEF:');
  });
});
