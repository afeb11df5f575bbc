import { describe, expect, it } from 'vitest';
import { cefDecodeResultFromLiblognorm, findCef, padCefExtensionForLiblognorm } from './liblognorm-cef.js';

describe('padCefExtensionForLiblognorm', () => {
  it('inserts one space after the seventh unescaped pipe', () => {
    expect(padCefExtensionForLiblognorm('CEF:0|V|P|1|2|N|5|a=b')).toBe('CEF:0|V|P|1|2|N|5| a=b');
  });

  it('does not count escaped pipes or pipes after an escaped backslash wrongly', () => {
    expect(padCefExtensionForLiblognorm('CEF:0|V\\|x|P\\\\|1|2|N|5|a=b|c')).toBe('CEF:0|V\\|x|P\\\\|1|2|N|5| a=b|c');
  });

  it('leaves an extension that already starts with a space, an empty extension and a short header alone', () => {
    expect(padCefExtensionForLiblognorm('CEF:0|V|P|1|2|N|5| a=b')).toBe('CEF:0|V|P|1|2|N|5| a=b');
    expect(padCefExtensionForLiblognorm('CEF:0|V|P|1|2|N|5|')).toBe('CEF:0|V|P|1|2|N|5|');
    expect(padCefExtensionForLiblognorm('CEF:0|V|P|1|2|N')).toBe('CEF:0|V|P|1|2|N');
  });
});

describe('findCef', () => {
  it('starts at the first CEF:<digits>|', () => {
    expect(findCef('<14>Jan  1 00:00:00 h CEF:0|V|P|1|2|N|5|')).toBe('CEF:0|V|P|1|2|N|5|');
    expect(findCef('CEF: not a header')).toBeUndefined();
  });
});

describe('cefDecodeResultFromLiblognorm', () => {
  it('maps liblognorm names to CefFields and takes the version from the input', () => {
    const output = {
      cef: { DeviceVendor: 'V', DeviceProduct: 'P', DeviceVersion: '1', SignatureID: '2', Name: 'N', Severity: '5', Extensions: { a: 'b' } },
    };
    expect(cefDecodeResultFromLiblognorm(output, 'CEF:0|V|P|1|2|N|5| a=b')).toEqual({
      version: '0',
      vendor: 'V',
      product: 'P',
      deviceVersion: '1',
      signatureId: '2',
      name: 'N',
      severity: '5',
      extensions: { a: 'b' },
    });
  });

  it('turns a rejection into an error that quotes where parsing stopped', () => {
    const result = cefDecodeResultFromLiblognorm({ originalmsg: 'x', 'unparsed-data': 'x' }, 'x');
    expect(result).toEqual({ error: 'liblognorm rejected the line; unparsed from: "x"', input: 'x' });
  });
});
