import { z, type JsonValue } from '@syslog-connector/core';

/**
 * FACTS §B.7: times are ISO-8601 UTC, but one of Elastic's samples shows `2022-07-16 04:30:04` — read as UTC too.
 * Epoch ms, or undefined when it is not a time.
 */
export const parseAuditTime = (text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/.test(text) ? `${text.replace(' ', 'T')}Z` : text;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(iso)) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
};

const auditTime = z.string().refine((text) => parseAuditTime(text) !== undefined, { message: 'is not an ISO-8601 time' });

/**
 * What an audit log must have for a faithful CEF 900003/900004 mapping (FACTS §B.7, Elastic `audit-sample.log`).
 * Loose: new fields must not make a log invalid. A log that fails this is still forwarded (see `AuditSource`).
 */
export const auditLogSchema = z.looseObject({
  loggedDateTime: auditTime,
  loggedUser: z.string(),
  loggedRole: z.string(),
  accessType: z.string(),
  category: z.string().min(1),
  activity: z.string(),
  result: z.enum(['Successful', 'Unsuccessful']),
  details: z.record(z.string(), z.unknown()).optional(),
});

export type AuditLog = z.output<typeof auditLogSchema>;

/** The fields the mapping uses, each present only if the item has it with the right type. */
export interface AuditLogFields {
  readonly loggedDateTime?: string;
  readonly loggedMs?: number;
  readonly loggedUser?: string;
  readonly loggedRole?: string;
  readonly accessType?: string;
  readonly category?: string;
  readonly activity?: string;
  readonly result?: string;
  readonly details?: JsonValue;
}

/** Reads the mapped fields from a log as it came, valid or not: a field with the wrong type is simply absent. */
export const readAuditLog = (raw: JsonValue): AuditLogFields => {
  const item = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as { readonly [key: string]: JsonValue }) : {};
  const fields: { -readonly [K in keyof AuditLogFields]: AuditLogFields[K] } = {};
  for (const key of ['loggedDateTime', 'loggedUser', 'loggedRole', 'accessType', 'category', 'activity', 'result'] as const) {
    const value = item[key];
    if (typeof value === 'string' && value !== '') fields[key] = value;
  }
  const loggedMs = parseAuditTime(fields.loggedDateTime);
  if (loggedMs !== undefined) fields.loggedMs = loggedMs;
  if (item['details'] !== undefined && item['details'] !== null) fields.details = item['details'];
  return fields;
};
