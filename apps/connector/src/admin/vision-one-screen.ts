import { z } from '@syslog-connector/core';
import type { Document } from 'yaml';
import { deleteValue, keysOf, mapAt, setValue, valueAt } from './console-config-file.js';
import { applyServerDraft, type EditContext, type FieldIssue, freeId, readServer, serverDraftSchema, serverField, type ServerStatus } from './console-servers.js';

/** The three Vision One sources of the screen, by data type, with the id the console gives one it creates. */
const TYPES = {
  workbench: { type: 'vision-one-workbench', id: 'workbench' },
  oat: { type: 'vision-one-oat', id: 'oat' },
  audit: { type: 'vision-one-audit', id: 'audit' },
} as const;
type DataType = keyof typeof TYPES;
const DATA_TYPES = Object.keys(TYPES) as DataType[];
const VISION_ONE_TYPES: readonly string[] = Object.values(TYPES).map((t) => t.type);

/** The OAT levels the console offers (Trend's console offers these three); others in the YAML are kept. */
const OFFERED_RISK_LEVELS = ['critical', 'high', 'medium'] as const;
const LOG_TYPES = ['account', 'system'] as const;

export const visionOneSaveSchema = z.object({
  revision: z.string(),
  connection: z.object({
    region: z.string().min(1).optional(),
    baseUrl: z.string().min(1).optional(),
    apiToken: z.string().min(1, { error: 'is empty: paste the API key, or leave the field alone to keep the one set' }).optional(),
    companyId: z.string().optional(),
  }),
  dataTypes: z.object({
    workbench: z.boolean(),
    oat: z.object({ enabled: z.boolean(), riskLevels: z.array(z.enum(OFFERED_RISK_LEVELS)) }),
    audit: z.object({ enabled: z.boolean(), logTypes: z.array(z.enum(LOG_TYPES)) }),
  }),
  servers: z.array(serverDraftSchema),
});
export type VisionOneSave = z.output<typeof visionOneSaveSchema>;

const typeOf = (document: Document, id: string): unknown => valueAt(document, ['sources', id, 'type']);

/** The first source of each Vision One type, in file order. */
const visionOneSources = (document: Document): Partial<Record<DataType, string>> => {
  const found: Partial<Record<DataType, string>> = {};
  for (const id of keysOf(mapAt(document, ['sources']))) {
    const type = typeOf(document, id);
    const dataType = DATA_TYPES.find((d) => TYPES[d].type === type);
    if (dataType !== undefined && found[dataType] === undefined) found[dataType] = id;
  }
  return found;
};

/** Destinations whose `sources:` lists only Vision One sources: the servers of this screen. */
const visionOneServers = (document: Document): string[] =>
  keysOf(mapAt(document, ['destinations'])).filter((id) => {
    const sources = valueAt(document, ['destinations', id, 'sources']);
    return Array.isArray(sources) && sources.length > 0 && sources.every((s) => VISION_ONE_TYPES.includes(String(typeOf(document, String(s)))));
  });

/** GET /api/screens/vision-one (`VisionOneScreen`, without the revision). Never a token's value. */
export const readVisionOneScreen = async (document: Document, configDir: string, status: (id: string) => ServerStatus | undefined) => {
  const sources = visionOneSources(document);
  const first = sources.workbench ?? sources.oat ?? sources.audit;
  const at = (key: string) => (first === undefined ? undefined : valueAt(document, ['sources', first, key]));
  const list = (id: string | undefined, key: string, fallback: readonly string[]) => {
    const value = id === undefined ? undefined : valueAt(document, ['sources', id, key]);
    return Array.isArray(value) ? value.map(String) : [...fallback];
  };
  const baseUrl = at('baseUrl');
  const companyId = at('companyId');
  return {
    connection: {
      ...(typeof baseUrl === 'string' ? { baseUrl } : { region: String(at('region') ?? 'us') }),
      apiToken: { set: typeof at('token') === 'string' && at('token') !== '' },
      ...(typeof companyId === 'string' ? { companyId } : {}),
    },
    dataTypes: {
      workbench: sources.workbench !== undefined,
      oat: {
        enabled: sources.oat !== undefined,
        riskLevels: list(sources.oat, 'riskLevels', OFFERED_RISK_LEVELS).filter((l) => (OFFERED_RISK_LEVELS as readonly string[]).includes(l)),
      },
      audit: { enabled: sources.audit !== undefined, logTypes: list(sources.audit, 'logTypes', LOG_TYPES) },
    },
    servers: await Promise.all(visionOneServers(document).map((id) => readServer(document, configDir, id, status(id)))),
    sourceIds: sources,
  };
};

/**
 * Applies a Vision One save to the document (README "Web console"): the connection into each ticked data type's
 * source (created with the console's id when missing, removed when unticked), the levels and log types, then the
 * servers (destinations limited to the ticked sources). Returns the problems the screen can tell before
 * validation, and `field` to map a config path of a validation problem onto the screen.
 */
export const applyVisionOneSave = (
  document: Document,
  save: VisionOneSave,
  context: EditContext,
): { readonly issues: FieldIssue[]; readonly field: (path: string) => string } => {
  const issues: FieldIssue[] = [];
  const { dataTypes } = save;
  const ticked = { workbench: dataTypes.workbench, oat: dataTypes.oat.enabled, audit: dataTypes.audit.enabled };
  if (!DATA_TYPES.some((d) => ticked[d])) issues.push({ path: 'sources', field: 'dataTypes', message: 'tick at least one data type' });
  if (ticked.oat && dataTypes.oat.riskLevels.length === 0) {
    issues.push({ path: 'sources', field: 'dataTypes.oat.riskLevels', message: 'tick at least one risk level (Critical, High, Medium)' });
  }
  if (ticked.audit && dataTypes.audit.logTypes.length === 0) {
    issues.push({ path: 'sources', field: 'dataTypes.audit.logTypes', message: 'tick at least one log type (Account, System)' });
  }
  if (save.connection.region !== undefined && save.connection.baseUrl !== undefined) {
    issues.push({ path: 'sources', field: 'connection.baseUrl', message: 'give a region or a base URL, not both' });
  }
  const existing = visionOneSources(document);
  const existingServers = visionOneServers(document);
  // The token as written in a source that has one (`${VISION_ONE_TOKEN}`, `${file:…}`): a new source gets the same.
  const writtenToken = DATA_TYPES.map((d) => (existing[d] === undefined ? undefined : valueAt(document, ['sources', existing[d], 'token']))).find(
    (t): t is string => typeof t === 'string' && t !== '',
  );
  const token = save.connection.apiToken === undefined ? writtenToken : context.pending.secret('vision-one-token', save.connection.apiToken);
  const ids: Partial<Record<DataType, string>> = {};
  const taken = keysOf(mapAt(document, ['sources']));
  for (const dataType of DATA_TYPES) {
    const current = existing[dataType];
    if (!ticked[dataType]) {
      if (current !== undefined) deleteValue(document, ['sources', current]);
      continue;
    }
    const id = current ?? (taken.includes(TYPES[dataType].id) ? freeId(taken, TYPES[dataType].id) : TYPES[dataType].id);
    taken.push(id);
    ids[dataType] = id;
    const base = ['sources', id];
    if (current === undefined) setValue(document, [...base, 'type'], TYPES[dataType].type);
    if (save.connection.baseUrl !== undefined) {
      deleteValue(document, [...base, 'region']);
      setValue(document, [...base, 'baseUrl'], save.connection.baseUrl);
    } else {
      deleteValue(document, [...base, 'baseUrl']);
      setValue(document, [...base, 'region'], save.connection.region ?? 'us');
    }
    if (token === undefined) {
      issues.push({ path: `sources.${id}.token`, field: 'connection.apiToken', message: 'is required: paste the Vision One API key' });
    } else setValue(document, [...base, 'token'], token);
    const companyId = save.connection.companyId?.trim();
    if (companyId === '') deleteValue(document, [...base, 'companyId']);
    else if (companyId !== undefined) setValue(document, [...base, 'companyId'], companyId);
    if (dataType === 'oat') {
      // Levels the console does not offer (low, info) stay when the YAML has them.
      const written = valueAt(document, [...base, 'riskLevels']);
      const kept = Array.isArray(written) ? written.map(String).filter((l) => !(OFFERED_RISK_LEVELS as readonly string[]).includes(l)) : [];
      setValue(document, [...base, 'riskLevels'], [...OFFERED_RISK_LEVELS.filter((l) => dataTypes.oat.riskLevels.includes(l)), ...kept]);
    }
    if (dataType === 'audit') setValue(document, [...base, 'logTypes'], LOG_TYPES.filter((l) => dataTypes.audit.logTypes.includes(l)));
  }
  const sourceIds = DATA_TYPES.flatMap((d) => (ids[d] === undefined ? [] : [ids[d]]));

  // Servers: the page sends the whole list; a server of this screen left out goes.
  const serverIndex = new Map<string, number>();
  const destinations = keysOf(mapAt(document, ['destinations']));
  save.servers.forEach((draft, index) => {
    const field = `servers[${index}]`;
    if (draft.id !== undefined && destinations.includes(draft.id) && !existingServers.includes(draft.id)) {
      issues.push({ path: `destinations.${draft.id}`, field, message: `destination "${draft.id}" is not a Vision One server (it receives other sources): edit it in the YAML` });
      return;
    }
    const id = draft.id ?? freeId(destinations, 'syslog');
    if (!destinations.includes(id)) destinations.push(id);
    serverIndex.set(id, index);
    issues.push(...applyServerDraft(document, id, draft, context, field));
    setValue(document, ['destinations', id, 'sources'], sourceIds);
  });
  for (const id of existingServers) if (!serverIndex.has(id)) deleteValue(document, ['destinations', id]);

  const byId = new Map(DATA_TYPES.flatMap((d) => (ids[d] === undefined ? [] : [[ids[d], d] as const])));
  const field = (path: string): string => {
    const source = /^sources\.([^.[]+)\.?(.*)$/.exec(path);
    if (source !== null && byId.has(source[1] ?? '')) {
      const key = (source[2] ?? '').split(/[.[]/)[0] ?? '';
      if (key === 'token') return 'connection.apiToken';
      if (key === 'region' || key === 'baseUrl' || key === 'companyId') return `connection.${key}`;
      if (key === 'riskLevels') return 'dataTypes.oat.riskLevels';
      if (key === 'logTypes') return 'dataTypes.audit.logTypes';
      return `dataTypes.${byId.get(source[1] ?? '') ?? ''}`;
    }
    const destination = /^destinations\.([^.[]+)\.?(.*)$/.exec(path);
    const index = destination === null ? undefined : serverIndex.get(destination[1] ?? '');
    if (destination !== null && index !== undefined) return serverField(destination[2] ?? '', `servers[${index}]`);
    return '';
  };
  return { issues, field };
};
