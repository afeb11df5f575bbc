import { z, type JsonValue } from '@syslog-connector/core';

const isoDateTime = z
  .string()
  .refine((text) => /^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(Date.parse(text)), { message: 'is not an ISO-8601 time' });

/**
 * What an OAT detection must have for a faithful CEF 900002 mapping (FACTS §B.6, PYTMV1 `OatEvent` / `OatFilter`).
 * Loose: the telemetry `detail` differs per product and grows with new schemas. An item that fails this is still
 * forwarded (see `OatSource`); the schema decides only whether it is reported as invalid.
 */
export const oatDetectionSchema = z.looseObject({
  uuid: z.string().min(1),
  detectedDateTime: isoDateTime,
  ingestedDateTime: isoDateTime,
  filters: z
    .array(
      z.looseObject({
        id: z.string().min(1),
        name: z.string(),
        riskLevel: z.enum(['critical', 'high', 'medium', 'low', 'info', 'undefined']),
      }),
    )
    .min(1),
  detail: z.looseObject({}),
});

export type OatDetection = z.output<typeof oatDetectionSchema>;

/** One matched filter of a detection, as far as the mapping uses it. */
export interface OatFilterFields {
  readonly id?: string;
  readonly name?: string;
  readonly description?: string;
  readonly riskLevel?: string;
  readonly mitreTacticIds: readonly string[];
  readonly mitreTechniqueIds: readonly string[];
}

/** The detection-level fields the mapping uses, each present only if the item has it with the right type. */
export interface OatDetectionFields {
  readonly uuid?: string;
  readonly detectedDateTime?: string;
  /** Epoch ms of detectedDateTime when it parses. */
  readonly detectedMs?: number;
  readonly ingestedDateTime?: string;
  readonly filters: readonly OatFilterFields[];
  readonly endpointName?: string;
  readonly agentGuid?: string;
  readonly detail: { readonly [key: string]: JsonValue };
}

type JsonObject = { readonly [key: string]: JsonValue };

export const asObject = (value: JsonValue | undefined): JsonObject | undefined =>
  value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : undefined;

const text = (value: JsonValue | undefined): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

const texts = (value: JsonValue | undefined): string[] =>
  Array.isArray(value) ? (value as JsonValue[]).filter((v): v is string => typeof v === 'string' && v !== '') : [];

/**
 * Reads the mapped fields from an item as it came, valid or not, so a valid and an invalid detection go through
 * the same mapping: a field with the wrong type is simply absent.
 */
export const readOatDetection = (raw: JsonValue): OatDetectionFields => {
  const item = asObject(raw) ?? {};
  const endpoint = asObject(item['endpoint']);
  const detail = asObject(item['detail']) ?? {};
  const filters = (Array.isArray(item['filters']) ? (item['filters'] as JsonValue[]) : []).flatMap((entry): OatFilterFields[] => {
    const filter = asObject(entry);
    if (filter === undefined) return [];
    const fields: { -readonly [K in keyof OatFilterFields]: OatFilterFields[K] } = {
      mitreTacticIds: texts(filter['mitreTacticIds']),
      mitreTechniqueIds: texts(filter['mitreTechniqueIds']),
    };
    for (const key of ['id', 'name', 'description', 'riskLevel'] as const) {
      const value = text(filter[key]);
      if (value !== undefined) fields[key] = value;
    }
    return [fields];
  });
  const fields: { -readonly [K in keyof OatDetectionFields]: OatDetectionFields[K] } = { filters, detail };
  const uuid = text(item['uuid']);
  if (uuid !== undefined) fields.uuid = uuid;
  const detected = text(item['detectedDateTime']);
  const detectedMs = detected === undefined ? Number.NaN : Date.parse(detected);
  if (detected !== undefined && !Number.isNaN(detectedMs)) {
    fields.detectedDateTime = detected;
    fields.detectedMs = detectedMs;
  }
  const ingested = text(item['ingestedDateTime']);
  if (ingested !== undefined) fields.ingestedDateTime = ingested;
  const endpointName = text(endpoint?.['endpointName']) ?? text(detail['endpointHostName']);
  if (endpointName !== undefined) fields.endpointName = endpointName;
  const agentGuid = text(endpoint?.['agentGuid']) ?? text(detail['endpointGuid']);
  if (agentGuid !== undefined) fields.agentGuid = agentGuid;
  return fields;
};
