import { isCefTimestamp, type SecurityEvent } from '@syslog-connector/core';
import { formatCefTimestamp } from '@syslog-connector/syslog-encoding';
import type { LeefFields } from '@syslog-connector/testing';

/*
 * What a LEEF reader should read from our line for an event, restated from the README's mapping table (not from
 * the formatter's code): the header from the CEF record with controls as spaces and `|` as `¦`; then sev, devTime,
 * devTimeFormat, name; then each extension, renamed where the table says, values with controls and the delimiter
 * as spaces. Times other than devTime keep their vendor's form (the CEF formatter's, checked against liblognorm).
 */

const RENAMED: Readonly<Record<string, string>> = {
  cat: 'cat',
  src: 'src',
  dst: 'dst',
  proto: 'proto',
  spt: 'srcPort',
  dpt: 'dstPort',
  smac: 'srcMAC',
  dmac: 'dstMAC',
  sourceTranslatedAddress: 'srcPostNAT',
  destinationTranslatedAddress: 'dstPostNAT',
  sourceTranslatedPort: 'srcPostNATPort',
  destinationTranslatedPort: 'dstPostNATPort',
  suser: 'usrName',
  request: 'url',
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `MMM dd yyyy HH:mm:ss.SSS z` in GMT, as Java's SimpleDateFormat writes it. */
export const javaDevTime = (epochMs: number): string => {
  const iso = new Date(epochMs).toISOString(); // 2022-12-05T05:26:45.000Z
  return `${MONTHS[Number(iso.slice(5, 7)) - 1]} ${iso.slice(8, 10)} ${iso.slice(0, 4)} ${iso.slice(11, 23)} GMT`;
};

const controlsToSpace = (text: string) => text.toWellFormed().replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');

export const expectedLeefFields = (event: SecurityEvent, delimiter = '\t', delimiterField = 'x09'): LeefFields => {
  const header = (text: string) => controlsToSpace(text).replaceAll('|', '\u00a6');
  const value = (text: string) => controlsToSpace(text).replaceAll(delimiter, ' ');
  const { record } = event;
  const extensions = record.extensions;
  const devTimeAt = extensions.findIndex(([key, v]) => (key === 'rt' || key === 'start') && isCefTimestamp(v));
  const devTime = devTimeAt === -1 ? event.time : (extensions[devTimeAt]?.[1] as { epochMs: number }).epochMs;
  const keys = new Set(extensions.map(([key]) => key));
  const attributes: Record<string, string> = {
    sev: String(Math.max(1, record.severity)),
    devTime: javaDevTime(devTime),
    devTimeFormat: 'MMM dd yyyy HH:mm:ss.SSS z',
  };
  if (!keys.has('name')) attributes['name'] = value(record.name);
  extensions.forEach(([key, v], i) => {
    if (i === devTimeAt) return;
    const renamed = RENAMED[key];
    const leefKey = renamed !== undefined && (renamed === key || !keys.has(renamed)) ? renamed : key;
    attributes[leefKey] = value(typeof v === 'object' ? (formatCefTimestamp(v, v.form) as string) : String(v));
  });
  return {
    version: '2.0',
    vendor: header(record.vendor),
    product: header(record.product),
    productVersion: header(record.version),
    eventId: header(record.signatureId),
    delimiterField,
    delimiter,
    attributes,
  };
};
