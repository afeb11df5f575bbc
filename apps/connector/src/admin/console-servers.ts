import { resolve } from 'node:path';
import { z } from '@syslog-connector/core';
import type { Document } from 'yaml';
import { deleteValue, keysOf, mapAt, type PendingFiles, setValue, valueAt } from './console-config-file.js';
import { type CertSummary, summarizeFile, type UploadStore } from './console-uploads.js';

/** One problem of a save, at its screen field (`FieldIssue` of apps/console/src/api.ts). */
export interface FieldIssue {
  readonly path: string;
  readonly field: string;
  readonly message: string;
}

/** What a screen's save needs besides the document: where files go, and the uploads by id. */
export interface EditContext {
  readonly configDir: string;
  readonly pending: PendingFiles;
  readonly uploads: UploadStore;
}

export const PROTOCOLS = ['tls', 'tcp', 'udp'] as const;
export const SERVER_FORMATS = ['cef', 'leef', 'rfc5424', 'rfc3164'] as const;

/** A syslog server as the page sends it (`ServerDraft`). */
export const serverDraftSchema = z.object({
  id: z.string().min(1).optional(),
  address: z.string().trim().min(1, { error: 'is required: the syslog server\'s host name or IP address' }),
  port: z.number({ error: 'must be a number' }).int().min(1, { error: 'must be 1–65535' }).max(65535, { error: 'must be 1–65535' }),
  protocol: z.enum(PROTOCOLS),
  format: z.enum(SERVER_FORMATS),
  caCertificate: z.string().min(1).nullable().optional(),
  clientCertificate: z.string().min(1).nullable().optional(),
});
export type ServerDraft = z.output<typeof serverDraftSchema>;

/** The state of a destination the screens show beside it (`ServerStatus`). */
export interface ServerStatus {
  readonly connected: boolean;
  readonly delivered: number;
  readonly lag: number;
  readonly lastError?: string;
}

/** A destination of the YAML as a server of a screen (`Server`): never a key or passphrase, only whether one is set. */
export const readServer = async (document: Document, configDir: string, id: string, status: ServerStatus | undefined) => {
  const at = (key: string) => valueAt(document, ['destinations', id, key]);
  const tls = (key: string) => valueAt(document, ['destinations', id, 'tls', key]);
  const certificate = async (key: string): Promise<CertSummary | undefined> => {
    const path = tls(key);
    return typeof path === 'string' && !path.includes('${') ? summarizeFile(resolve(configDir, path)) : undefined;
  };
  const caCertificate = await certificate('ca');
  const clientCertificate = await certificate('cert');
  return {
    id,
    address: String(at('address') ?? ''),
    port: Number(at('port') ?? 0),
    protocol: String(at('protocol') ?? ''),
    format: String(at('format') ?? 'cef'),
    ...(caCertificate === undefined ? {} : { caCertificate }),
    ...(clientCertificate === undefined ? {} : { clientCertificate }),
    clientKey: { set: tls('key') !== undefined },
    passphrase: { set: tls('passphrase') !== undefined },
    ...(status === undefined ? {} : { status }),
  };
};

/**
 * Writes a draft server into `destinations.<id>`: address, port, protocol, format and, for TLS, the uploaded CA and
 * client certificate, key and passphrase (files under `<stateDir>/secrets`, named by the destination). `"keep"`
 * leaves what the destination has; null or absent removes it. Any other key of the destination stays as written.
 * Returns the problems with the draft's references (an unknown or expired upload id).
 */
export const applyServerDraft = (document: Document, id: string, draft: ServerDraft, context: EditContext, field: string): FieldIssue[] => {
  const base = ['destinations', id];
  const issues: FieldIssue[] = [];
  setValue(document, [...base, 'address'], draft.address);
  setValue(document, [...base, 'port'], draft.port);
  setValue(document, [...base, 'protocol'], draft.protocol);
  setValue(document, [...base, 'format'], draft.format);
  if (draft.protocol !== 'tls') {
    deleteValue(document, [...base, 'tls']);
    return issues;
  }
  const tls = [...base, 'tls'];
  const uploadOf = (value: string, kind: 'ca' | 'client', name: string) => {
    const upload = context.uploads.get(value);
    if (upload === undefined || upload.kind !== kind) {
      issues.push({ path: `${tls.join('.')}`, field: `${field}.${name}`, message: 'the upload has expired or is not known: upload the file again' });
      return undefined;
    }
    return upload;
  };
  if (draft.caCertificate === null || draft.caCertificate === undefined) deleteValue(document, [...tls, 'ca']);
  else if (draft.caCertificate !== 'keep') {
    const upload = uploadOf(draft.caCertificate, 'ca', 'caCertificate');
    if (upload?.kind === 'ca') setValue(document, [...tls, 'ca'], context.pending.add(`${id}-ca.pem`, upload.pem));
  }
  if (draft.clientCertificate === null || draft.clientCertificate === undefined) {
    for (const key of ['cert', 'key', 'passphrase']) deleteValue(document, [...tls, key]);
  } else if (draft.clientCertificate !== 'keep') {
    const upload = uploadOf(draft.clientCertificate, 'client', 'clientCertificate');
    if (upload?.kind === 'client') {
      setValue(document, [...tls, 'cert'], context.pending.add(`${id}-client.pem`, upload.certificate));
      setValue(document, [...tls, 'key'], context.pending.add(`${id}-client-key.pem`, upload.key));
      if (upload.passphrase === undefined) deleteValue(document, [...tls, 'passphrase']);
      else setValue(document, [...tls, 'passphrase'], context.pending.secret(`${id}-passphrase`, upload.passphrase));
    }
  }
  // An empty `tls: {}` left behind says nothing: removed, the system's CAs apply as before.
  if (keysOf(mapAt(document, tls)).length === 0) deleteValue(document, tls);
  return issues;
};

/** A new destination id: `<prefix>-1`, `-2`, … the first one free. */
export const freeId = (taken: readonly string[], prefix: string): string => {
  for (let n = 1; ; n += 1) if (!taken.includes(`${prefix}-${n}`)) return `${prefix}-${n}`;
};

/** Where a config path of a server lands on the screen: `destinations.<id>.port` → `<field>.port`. */
export const serverField = (rest: string, field: string): string => {
  const key = rest.split(/[.[]/)[0] ?? '';
  if (['address', 'port', 'protocol', 'format'].includes(key)) return `${field}.${key}`;
  if (rest.startsWith('tls.ca')) return `${field}.caCertificate`;
  if (/^tls\.(cert|key|passphrase)/.test(rest)) return `${field}.clientCertificate`;
  return field;
};
