import type { CefDecodeError, CefDecodeResult, CefFields } from './parsed-record.js';

/** liblognorm v2 rule base with its `cef` field type: decodes header `\|` `\\` and extension `\=` `\\` `\n` `\r`. */
export const LIBLOGNORM_CEF_RULEBASE = 'version=2\nrule=:%cef:cef%\n';

const CEF_START = /CEF:(\d+)\|/;

/** The CEF part of a line (from the first `CEF:<digits>|`), or `undefined` when there is none. */
export const findCef = (text: string): string | undefined => {
  const match = CEF_START.exec(text);
  return match === null ? undefined : text.slice(match.index);
};

/**
 * liblognorm 2.0.6 (Debian 12) drops the first character of the first extension key unless a space follows the
 * header's last `|` (`…|5|src=1` decodes as `rc=1`). CEF does not ask the sender for that space, so the oracle adds
 * it before decoding — never the formatter. Leading spaces before the first key are skipped by liblognorm, so an
 * extension that already starts with one is left as it is.
 */
export const padCefExtensionForLiblognorm = (cef: string): string => {
  let pipes = 0;
  for (let i = 0; i < cef.length; i++) {
    const c = cef.charCodeAt(i);
    if (c === 0x5c /* \ */) {
      i++; // skip the escaped character; CEF header escapes are `\|` and `\\`
    } else if (c === 0x7c /* | */ && ++pipes === 7) {
      const next = cef.charAt(i + 1);
      return next === '' || next === ' ' ? cef : `${cef.slice(0, i + 1)} ${cef.slice(i + 1)}`;
    }
  }
  return cef;
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/**
 * Turns liblognorm's JSON for `rule=:%cef:cef%` — `{ cef: { DeviceVendor, …, Extensions } }`, or
 * `{ originalmsg, unparsed-data }` when it rejected the line — into a `CefDecodeResult`.
 * `input` is the exact text liblognorm was given.
 */
export const cefDecodeResultFromLiblognorm = (output: unknown, input: string): CefDecodeResult => {
  const cef = isRecord(output) ? output['cef'] : undefined;
  if (!isRecord(cef)) {
    const rest = isRecord(output) ? output['unparsed-data'] : undefined;
    const error: CefDecodeError = {
      error: `liblognorm rejected the line${typeof rest === 'string' ? `; unparsed from: ${JSON.stringify(rest)}` : ''}`,
      input,
    };
    return error;
  }
  const extensions: Record<string, string> = {};
  const raw = cef['Extensions'];
  if (isRecord(raw)) for (const [key, value] of Object.entries(raw)) extensions[key] = text(value);
  const fields: CefFields = {
    version: CEF_START.exec(input)?.[1] ?? '',
    vendor: text(cef['DeviceVendor']),
    product: text(cef['DeviceProduct']),
    deviceVersion: text(cef['DeviceVersion']),
    signatureId: text(cef['SignatureID']),
    name: text(cef['Name']),
    severity: text(cef['Severity']),
    extensions,
  };
  return fields;
};
