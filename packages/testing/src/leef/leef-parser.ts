/**
 * A LEEF reader written from IBM's "LEEF event components" (https://www.ibm.com/docs/en/dsm?topic=overview-leef-event-components),
 * not from any formatter of this repository, so a formatter's tests can read its lines back:
 *
 * - the LEEF header is `LEEF:Version|Vendor|Product|Version|EventID|` (LEEF 1.0) and adds `DelimiterCharacter|`
 *   for LEEF 2.0; its fields are separated by `|`, for which LEEF defines no escape;
 * - LEEF 1.0 separates event attributes with a tab; LEEF 2.0 with its DelimiterCharacter: one character, or its hex
 *   value written `x` or `0x` and 1–4 hex digits (`x09`, `0x5E`); an empty field means the tab;
 * - each attribute is `key=value`: the key ends at the first `=`; LEEF defines no escapes, so the value is the
 *   text up to the next delimiter, as is. A delimiter after the last attribute is allowed (IBM's examples end so).
 *
 * Stricter than QRadar on purpose: a pair without `=`, an empty key or a key written twice is an error, so a test
 * sees a formatter that would leave QRadar guessing.
 */
export interface LeefFields {
  /** `1.0` or `2.0`. */
  readonly version: string;
  readonly vendor: string;
  readonly product: string;
  readonly productVersion: string;
  readonly eventId: string;
  /** The DelimiterCharacter field as written (LEEF 2.0; `undefined` for 1.0). */
  readonly delimiterField?: string;
  /** The attribute delimiter itself (tab for LEEF 1.0). */
  readonly delimiter: string;
  /** The event attributes, in the order of the line. */
  readonly attributes: Readonly<Record<string, string>>;
}

/** Thrown for a line that is not LEEF as IBM describes it; `input` is the line. */
export class LeefParseError extends Error {
  readonly input: string;

  constructor(message: string, input: string) {
    super(`${message}: ${JSON.stringify(input.slice(0, 200))}`);
    this.name = 'LeefParseError';
    this.input = input;
  }
}

const HEX_DELIMITER = /^(?:0x|x)([0-9A-Fa-f]{1,4})$/;

/** The attribute delimiter a LEEF 2.0 DelimiterCharacter field names. */
export const leefDelimiterOf = (field: string, input = field): string => {
  if (field === '') return '\t';
  const hex = HEX_DELIMITER.exec(field);
  if (hex !== null) return String.fromCharCode(Number.parseInt(hex[1] as string, 16));
  if ([...field].length === 1) return field;
  throw new LeefParseError(`The DelimiterCharacter ${JSON.stringify(field)} is neither one character nor x/0x and 1–4 hex digits`, input);
};

/** Parses one LEEF 1.0 or 2.0 line (starting at `LEEF:`, no syslog header). Throws `LeefParseError`. */
export const parseLeef = (line: string): LeefFields => {
  const match = /^LEEF:(1\.0|2\.0)\|/.exec(line);
  if (match === null) throw new LeefParseError('Not a LEEF:1.0| or LEEF:2.0| line', line);
  const version = match[1] as string;
  const fieldCount = version === '1.0' ? 4 : 5;
  const fields: string[] = [];
  let at = match[0].length;
  for (let i = 0; i < fieldCount; i++) {
    const end = line.indexOf('|', at);
    if (end === -1) throw new LeefParseError(`The LEEF ${version} header has fewer than ${fieldCount + 1} fields`, line);
    fields.push(line.slice(at, end));
    at = end + 1;
  }
  const [vendor, product, productVersion, eventId, delimiterField] = fields as [string, string, string, string, string | undefined];
  const delimiter = delimiterField === undefined ? '\t' : leefDelimiterOf(delimiterField, line);

  const attributes: Record<string, string> = {};
  const body = line.slice(at);
  const pairs = body === '' ? [] : body.split(delimiter);
  if (pairs.length > 0 && pairs.at(-1) === '') pairs.pop();
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals === -1) throw new LeefParseError(`The attribute ${JSON.stringify(pair)} has no =`, line);
    const key = pair.slice(0, equals);
    if (key === '') throw new LeefParseError(`The attribute ${JSON.stringify(pair)} has an empty key`, line);
    if (Object.hasOwn(attributes, key)) throw new LeefParseError(`The attribute ${JSON.stringify(key)} appears twice`, line);
    attributes[key] = pair.slice(equals + 1);
  }
  return {
    version,
    vendor,
    product,
    productVersion,
    eventId,
    ...(delimiterField === undefined ? {} : { delimiterField }),
    delimiter,
    attributes,
  };
};

/**
 * The LEEF line inside a syslog message or a daemon's MSG: from `LEEF:` to the end. An RFC 3164 reader (rsyslog)
 * takes `LEEF:` as the TAG, leaving `2.0|…` as MSG: `leefLineOf('2.0|…', 'LEEF:')` puts it back.
 */
export const leefLineOf = (text: string, tag = ''): string => {
  const joined = tag + text;
  const at = joined.indexOf('LEEF:');
  if (at === -1) throw new LeefParseError('No LEEF: in the message', joined);
  return joined.slice(at);
};
