import { z, type JsonValue } from '@syslog-connector/core';

const isoDateTime = z
  .string()
  .refine((text) => /^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(Date.parse(text)), { message: 'is not an ISO-8601 time' });

const count = z.number().int().nonnegative().optional();

/** FACTS §B.5: the impact-scope counters of an alert (`containerCount` and `cloudIdentityCount` in newer schemas). */
export const IMPACT_SCOPE_COUNTS = ['desktopCount', 'serverCount', 'accountCount', 'emailAddressCount', 'containerCount', 'cloudIdentityCount'] as const;

/**
 * What a workbench alert must have for a faithful CEF 900001 mapping (FACTS §B.5, PYTMV1 `Alert`). Loose: Trend
 * adds fields with new schema versions, and they must not make an alert invalid. An alert that fails this is still
 * forwarded (see `WorkbenchSource`); the schema decides only whether it is reported as invalid.
 */
export const workbenchAlertSchema = z.looseObject({
  id: z.string().min(1),
  model: z.string(),
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  workbenchLink: z.string(),
  alertProvider: z.string(),
  createdDateTime: isoDateTime,
  updatedDateTime: isoDateTime,
  description: z.string().optional(),
  impactScope: z.looseObject(Object.fromEntries(IMPACT_SCOPE_COUNTS.map((key) => [key, count]))),
});

export type WorkbenchAlert = z.output<typeof workbenchAlertSchema>;

/** The fields the mapping uses, each present only if the item has it with the right type. */
export interface WorkbenchAlertFields {
  readonly id?: string;
  readonly model?: string;
  readonly severity?: string;
  readonly workbenchLink?: string;
  readonly alertProvider?: string;
  readonly description?: string;
  readonly createdDateTime?: string;
  readonly updatedDateTime?: string;
  /** Epoch ms of createdDateTime / updatedDateTime when they parse. */
  readonly createdMs?: number;
  readonly updatedMs?: number;
  /** Sum of the impact-scope counters that are numbers; absent when none is. */
  readonly impactScopeCount?: number;
}

/**
 * Reads the mapped fields from an item as it came, valid or not, so a valid and an invalid alert go through the
 * same mapping: a field with the wrong type is simply absent.
 */
export const readWorkbenchAlert = (raw: JsonValue): WorkbenchAlertFields => {
  const item = asObject(raw) ?? {};
  const text = (key: string): string | undefined => {
    const value = item[key];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const time = (value: string | undefined): number | undefined => {
    const ms = value === undefined ? Number.NaN : Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  };
  const scope = asObject(item.impactScope);
  const counts = scope === undefined ? [] : IMPACT_SCOPE_COUNTS.map((key) => scope[key]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const fields: { -readonly [K in keyof WorkbenchAlertFields]: WorkbenchAlertFields[K] } = {};
  for (const key of ['id', 'model', 'severity', 'workbenchLink', 'alertProvider', 'description', 'createdDateTime', 'updatedDateTime'] as const) {
    const value = text(key);
    if (value !== undefined) fields[key] = value;
  }
  const createdMs = time(fields.createdDateTime);
  const updatedMs = time(fields.updatedDateTime);
  if (createdMs !== undefined) fields.createdMs = createdMs;
  if (updatedMs !== undefined) fields.updatedMs = updatedMs;
  if (counts.length > 0) fields.impactScopeCount = counts.reduce((sum, n) => sum + n, 0);
  return fields;
};

const asObject = (value: JsonValue | undefined): { readonly [key: string]: JsonValue } | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as { readonly [key: string]: JsonValue }) : undefined;
