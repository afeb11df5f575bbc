import { type CefMessage, parseCef } from './parse-cef.js';
import { SyslogParseError } from './syslog-parse-error.js';

/** One RFC 5424 SD-ELEMENT: its SD-ID and its SD-PARAMs in wire order (a name may repeat, §6.3.3). */
export interface StructuredDataElement {
  readonly id: string;
  readonly params: ReadonlyArray<readonly [name: string, value: string]>;
}

/** An RFC 5424 message. NILVALUE (`-`) fields are `null`. */
export interface Rfc5424Message {
  readonly format: 'rfc5424';
  readonly pri: number;
  readonly facility: number;
  readonly severity: number;
  readonly version: 1;
  /** As written (RFC 3339 profile of §6.2.3). */
  readonly timestamp: string | null;
  readonly hostname: string | null;
  readonly appName: string | null;
  readonly procId: string | null;
  readonly msgId: string | null;
  readonly structuredData: readonly StructuredDataElement[];
  /** True when MSG started with the UTF-8 BOM (§6.4), which is not part of `msg`. */
  readonly bom: boolean;
  /** `null` when the message ends after STRUCTURED-DATA (`[SP MSG]` is optional). */
  readonly msg: string | null;
  /** The decoded CEF line when MSG starts with `CEF:`. */
  readonly cef: CefMessage | null;
}

/** An RFC 3164 (BSD) message: `<PRI>Mmm dd hh:mm:ss HOSTNAME MSG`. */
export interface Rfc3164Message {
  readonly format: 'rfc3164';
  readonly pri: number;
  readonly facility: number;
  readonly severity: number;
  /** As written: `Oct  1 08:26:10` (a day below 10 is padded with a space, §4.1.2). */
  readonly timestamp: string;
  readonly hostname: string;
  /** MSG = TAG + CONTENT (§4.1.3); the TAG ends at `[`, `:` or a space. `null` when MSG has no `tag:` shape. */
  readonly tag: string | null;
  readonly pid: string | null;
  /** MSG after `tag[pid]:` and one optional space; the whole MSG when there is no tag. */
  readonly content: string;
  readonly msg: string;
  readonly cef: CefMessage | null;
}

export type SyslogMessage = Rfc5424Message | Rfc3164Message;

// RFC 5424 §6.2.3 (RFC 3339 profile): upper-case T and Z, at most 6 fraction digits, no leap seconds.
const TIMESTAMP_5424 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?(?:Z|[+-](\d{2}):(\d{2}))$/;
// RFC 3164 §4.1.2: `Mmm dd hh:mm:ss`, English month, day padded with a space.
const TIMESTAMP_3164 = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ( [1-9]|[12]\d|3[01]) (\d{2}):(\d{2}):(\d{2})$/;
// RFC 5424 §6.3.2: SD-IDs without `@` are reserved for IANA; these are the registered ones.
const IANA_SD_IDS: ReadonlySet<string> = new Set(['timeQuality', 'origin', 'meta']);
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const NIL = '-';

/**
 * Parses one syslog message (without framing) as RFC 5424 when a VERSION follows the PRI, else as RFC 3164.
 * Strict: every limit and character set of RFC 5424 §6 is checked, and a MSG that starts with `CEF:` must be
 * valid CEF (`parseCef`). Throws `SyslogParseError` naming the rule that was broken.
 */
export const parseSyslogMessage = (raw: string): SyslogMessage => {
  const { pri, end } = parsePri(raw);
  return /^\d/.test(raw.slice(end, end + 1)) ? parseRfc5424(raw, pri, end) : parseRfc3164(raw, pri, end);
};

/** RFC 5424 §6.2.1: `<` PRIVAL `>`, 1–3 digits, 0–191, no leading zeros. */
const parsePri = (raw: string): { pri: number; end: number } => {
  const match = /^<(\d{1,3})>/.exec(raw);
  if (match === null) throw new SyslogParseError('a syslog message starts with <PRI>, 1 to 3 digits in angle brackets', 0);
  const digits = match[1] as string;
  if (digits.length > 1 && digits.startsWith('0')) throw new SyslogParseError(`PRI <${digits}> has a leading zero`, 1);
  const pri = Number(digits);
  if (pri > 191) throw new SyslogParseError(`PRI ${pri} is above 191 (facility 23 × 8 + severity 7)`, 1);
  return { pri, end: match[0].length };
};

const withPri = (pri: number) => ({ pri, facility: pri >> 3, severity: pri & 7 });

/** Reads a header field up to the next space; `what` and `limit` are for the error message. */
const headerField = (raw: string, start: number, what: string, limit: number): { value: string | null; end: number } => {
  let end = raw.indexOf(' ', start);
  if (end === -1) throw new SyslogParseError(`the message ends inside ${what}; the header has 7 fields separated by single spaces`, start);
  if (end === start) throw new SyslogParseError(`${what} is empty (two spaces in a row); write - for no value`, start);
  const value = raw.slice(start, end);
  if (value.length > limit) throw new SyslogParseError(`${what} is ${value.length} characters; the limit is ${limit}`, start);
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    // RFC 5424 §6: header fields are PRINTUSASCII, %d33-126.
    if (code < 33 || code > 126) {
      throw new SyslogParseError(`${what} has the character U+${code.toString(16).padStart(4, '0').toUpperCase()}: only printable ASCII (33–126) is allowed`, start + i);
    }
  }
  end += 1;
  return { value: value === NIL ? null : value, end };
};

const parseRfc5424 = (raw: string, pri: number, start: number): Rfc5424Message => {
  const versionMatch = /^(\d{1,3}) /.exec(raw.slice(start));
  if (versionMatch?.[1] !== '1') {
    throw new SyslogParseError(`VERSION "${versionMatch?.[1] ?? raw.slice(start, start + 3)}" is not RFC 5424's "1 "`, start);
  }
  let at = start + 2;
  const timestamp = headerField(raw, at, 'TIMESTAMP', 32);
  if (timestamp.value !== null) checkTimestamp5424(timestamp.value, at);
  at = timestamp.end;
  const hostname = headerField(raw, at, 'HOSTNAME', 255);
  const appName = headerField(raw, hostname.end, 'APP-NAME', 48);
  const procId = headerField(raw, appName.end, 'PROCID', 128);
  // MSGID is followed by a space only: STRUCTURED-DATA is mandatory (`-` when empty).
  const msgId = headerField(raw, procId.end, 'MSGID', 32);
  const { elements, end } = parseStructuredData(raw, msgId.end);
  let msg: string | null = null;
  let bom = false;
  if (end < raw.length) {
    if (raw[end] !== ' ') throw new SyslogParseError('STRUCTURED-DATA must be followed by a space and MSG, or end the message', end);
    msg = raw.slice(end + 1);
    // §6.4: a UTF-8 MSG starts with the BOM; it is not part of the text.
    if (msg.startsWith('\uFEFF')) {
      bom = true;
      msg = msg.slice(1);
    }
  }
  return {
    format: 'rfc5424',
    ...withPri(pri),
    version: 1,
    timestamp: timestamp.value,
    hostname: hostname.value,
    appName: appName.value,
    procId: procId.value,
    msgId: msgId.value,
    structuredData: elements,
    bom,
    msg,
    cef: msg?.startsWith('CEF:') === true ? parseCef(msg) : null,
  };
};

const checkTimestamp5424 = (text: string, at: number): void => {
  const match = TIMESTAMP_5424.exec(text);
  if (match === null) {
    throw new SyslogParseError(
      `TIMESTAMP "${text}" is not YYYY-MM-DDThh:mm:ss[.1–6 digits](Z|±hh:mm) (RFC 5424 §6.2.3, upper-case T and Z)`,
      at,
    );
  }
  const [, year, month, day, hour, minute, second, offsetHour, offsetMinute] = match.map(Number) as number[];
  const leap = (year as number) % 4 === 0 && ((year as number) % 100 !== 0 || (year as number) % 400 === 0);
  const maxDay = month === 2 && !leap ? 28 : (DAYS_IN_MONTH[(month as number) - 1] ?? 0);
  const outOfRange =
    (month as number) < 1 || (month as number) > 12 || (day as number) < 1 || (day as number) > maxDay ||
    (hour as number) > 23 || (minute as number) > 59 ||
    // §6.2.3.1: leap seconds MUST NOT be used.
    (second as number) > 59 ||
    (match[7] !== undefined && ((offsetHour as number) > 23 || (offsetMinute as number) > 59));
  if (outOfRange) throw new SyslogParseError(`TIMESTAMP "${text}" is not a real time`, at);
};

/** RFC 5424 §6.3: `-` or one or more `[SD-ID *(SP PARAM-NAME="PARAM-VALUE")]` with no space between them. */
const parseStructuredData = (raw: string, start: number): { elements: StructuredDataElement[]; end: number } => {
  if (raw[start] === '-') return { elements: [], end: start + 1 };
  if (raw[start] !== '[') throw new SyslogParseError('STRUCTURED-DATA is - or starts with [', start);
  const elements: StructuredDataElement[] = [];
  const ids = new Set<string>();
  let at = start;
  while (raw[at] === '[') {
    const id = sdName(raw, at + 1, 'SD-ID');
    if (ids.has(id.name)) throw new SyslogParseError(`SD-ID ${id.name} appears twice (§6.3.2)`, at + 1);
    ids.add(id.name);
    checkSdId(id.name, at + 1);
    at = id.end;
    const params: Array<readonly [string, string]> = [];
    while (raw[at] === ' ') {
      const name = sdName(raw, at + 1, 'PARAM-NAME');
      at = name.end;
      if (raw[at] !== '=' || raw[at + 1] !== '"') throw new SyslogParseError(`PARAM-NAME ${name.name} must be followed by ="`, at);
      const value = paramValue(raw, at + 2, name.name);
      params.push([name.name, value.value]);
      at = value.end;
    }
    if (raw[at] !== ']') throw new SyslogParseError(`SD-ELEMENT ${id.name} must end with ]`, at);
    at += 1;
    elements.push({ id: id.name, params });
  }
  return { elements, end: at };
};

/** SD-NAME (§6.3.3): 1–32 PRINTUSASCII except `=`, SP, `]`, `"`. */
const sdName = (raw: string, start: number, what: string): { name: string; end: number } => {
  let at = start;
  while (at < raw.length) {
    const code = raw.charCodeAt(at);
    if (code < 33 || code > 126 || code === 0x3d || code === 0x5d || code === 0x22) break;
    at += 1;
  }
  if (at === start) throw new SyslogParseError(`${what} is empty or starts with a character SD-NAME does not allow`, start);
  if (at - start > 32) throw new SyslogParseError(`${what} "${raw.slice(start, at)}" is ${at - start} characters; the limit is 32`, start);
  return { name: raw.slice(start, at), end: at };
};

const checkSdId = (id: string, at: number): void => {
  const sign = id.indexOf('@');
  if (sign === -1) {
    if (!IANA_SD_IDS.has(id)) {
      throw new SyslogParseError(`SD-ID ${id} has no @: only IANA-registered ids (timeQuality, origin, meta) may, so write name@<PEN>`, at);
    }
  } else if (!/^[^@]+@\d+(?:\.\d+)*$/.test(id)) {
    throw new SyslogParseError(`SD-ID ${id} is not name@<private enterprise number>`, at);
  }
};

/** PARAM-VALUE (§6.3.3): `\"`, `\\` and `\]` are escapes; a backslash before anything else is kept. */
const paramValue = (raw: string, start: number, name: string): { value: string; end: number } => {
  let value = '';
  let chunk = start;
  for (let at = start; at < raw.length; at++) {
    const char = raw[at];
    if (char === '\\') {
      const next = raw[at + 1];
      if (next === '"' || next === '\\' || next === ']') {
        value += raw.slice(chunk, at) + next;
        at += 1;
        chunk = at + 1;
      }
    } else if (char === '"') {
      return { value: value + raw.slice(chunk, at), end: at + 1 };
    } else if (char === ']') {
      throw new SyslogParseError(`PARAM-VALUE of ${name} has an unescaped ]: write it as \\]`, at);
    }
  }
  throw new SyslogParseError(`PARAM-VALUE of ${name} has no closing "`, start);
};

const parseRfc3164 = (raw: string, pri: number, start: number): Rfc3164Message => {
  const timestamp = raw.slice(start, start + 15);
  const match = TIMESTAMP_3164.exec(timestamp);
  if (match === null || raw[start + 15] !== ' ') {
    throw new SyslogParseError(
      `"${timestamp}" is neither an RFC 5424 VERSION nor an RFC 3164 TIMESTAMP "Mmm dd hh:mm:ss" (a day below 10 is a space and a digit) followed by a space`,
      start,
    );
  }
  if (Number(match[3]) > 23 || Number(match[4]) > 59 || Number(match[5]) > 59) {
    throw new SyslogParseError(`TIMESTAMP "${timestamp}" is not a real time`, start);
  }
  const hostStart = start + 16;
  let hostEnd = raw.indexOf(' ', hostStart);
  if (hostEnd === -1) hostEnd = raw.length;
  const hostname = raw.slice(hostStart, hostEnd);
  if (!/^[\x21-\x7e]+$/.test(hostname)) throw new SyslogParseError('HOSTNAME is missing or not printable ASCII (§4.1.2)', hostStart);
  const msg = raw.slice(Math.min(hostEnd + 1, raw.length));
  // §4.1.3: TAG is at most 32 characters and ends at the first character that cannot be in it ([, : or space).
  const tag = /^([^\s:[\]]{1,32})(?:\[([^\]]*)\])?: ?/.exec(msg);
  return {
    format: 'rfc3164',
    ...withPri(pri),
    timestamp,
    hostname,
    tag: tag === null ? null : (tag[1] as string),
    pid: tag?.[2] ?? null,
    content: tag === null ? msg : msg.slice(tag[0].length),
    msg,
    cef: msg.startsWith('CEF:') ? parseCef(msg) : null,
  };
};
