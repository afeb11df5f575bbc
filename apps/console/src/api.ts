/**
 * The web console's admin API, as the daemon (apps/connector/src/admin) serves it: the shape of every request and
 * response body. Type-only: the UI imports these, the daemon's routes produce them. The prose is
 * docs/console-api.md. Owned by the daemon side (issue #17, 17a).
 */

/** Every error answer (4xx/5xx) is JSON of this shape. */
export interface ApiError {
  readonly error: string;
  /** What to do about it, when there is something to do. */
  readonly hint?: string;
  /** 400 on a save: every problem, each at its field. Nothing was saved. */
  readonly issues?: readonly FieldIssue[];
  /** 409 on a save: the file's revision now (the page reloads the screen, then the user saves again). */
  readonly revision?: string;
}

/** One problem of a save, mapped to the screen field it belongs to. */
export interface FieldIssue {
  /** The config path as `validate` prints it: `sources.oat.riskLevels[1]`, `destinations.siem.port`. */
  readonly path: string;
  /**
   * The screen field (dotted, as in the request body): `connection.apiToken`, `dataTypes.oat.riskLevels`,
   * `servers[0].port` (index in the request's `servers`), `graph.tenantId`, `syslog.port`, `notifications`;
   * `''` when it belongs to no field of the screen (shown at the top).
   */
  readonly field: string;
  readonly message: string;
}

// ---- Session ------------------------------------------------------------------------------------------------------

/** POST /api/session body. */
export interface SignInRequest {
  readonly token: string;
}

/** POST /api/session (200) and GET /api/session (200): send it back as `X-CSRF-Token` on every change. */
export interface SessionResponse {
  readonly csrfToken: string;
}

// ---- Shared pieces -------------------------------------------------------------------------------------------------

/** A write-only secret as read: only whether one is set. Never its value. */
export interface SecretState {
  readonly set: boolean;
}

/** A certificate as the console shows it (from its PEM file; never the key). */
export interface CertSummary {
  readonly subject: string;
  readonly issuer: string;
  /** Epoch ms. */
  readonly notBefore: number;
  /** Epoch ms. */
  readonly notAfter: number;
  /** SHA-256, colon-separated hex. */
  readonly fingerprint: string;
}

export type Protocol = 'tls' | 'tcp' | 'udp';
/** Vision One servers: `cef` (Trend's own) or the others the daemon has (`leef` for IBM QRadar). */
export type SyslogFormat = 'cef' | 'leef' | 'rfc5424' | 'rfc3164';
export type VisionOneRegion = 'us' | 'eu' | 'jp' | 'sg' | 'au' | 'in' | 'mea' | 'uk' | 'usgov';
export type RiskLevel = 'critical' | 'high' | 'medium';
export type AuditLogType = 'account' | 'system';

/** A step of a connection check, exactly as `syslog-connector test-connection --json` prints it. */
export interface CheckStep {
  /** `resolve`, `connect`, `tls-handshake`, `certificate`, `client-auth`, `token`, `api`, `setup`, … */
  readonly step: string;
  readonly ok: boolean;
  readonly detail: string;
  /** The fix, on a failed step. */
  readonly hint?: string;
  readonly durationMs: number;
}

/** POST /api/test-connection answer. */
export interface TestConnectionResponse {
  readonly ok: boolean;
  readonly steps: readonly CheckStep[];
  /** `{ source }` whose plugin has no connection check: said here (ok, no steps). */
  readonly detail?: string;
}

/** A destination's live state as a screen lists it beside the server. */
export interface ServerStatus {
  readonly connected: boolean;
  readonly delivered: number;
  readonly lag: number;
  readonly lastError?: string;
}

// ---- Trend Vision One screen ---------------------------------------------------------------------------------------

/** One syslog server (a destination of the config) as read. */
export interface Server {
  /** The destination id in the YAML (`destinations.<id>`). */
  readonly id: string;
  readonly address: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly format: SyslogFormat;
  /** "Use CA certificate": the first certificate of the CA file. */
  readonly caCertificate?: CertSummary;
  /** "Server requires client authentication": the client certificate. */
  readonly clientCertificate?: CertSummary;
  readonly clientKey: SecretState;
  readonly passphrase: SecretState;
  /** Absent when the daemon does not run it (yet: saved but not reloaded, or the daemon is starting). */
  readonly status?: ServerStatus;
}

export interface VisionOneDataTypes {
  readonly workbench: boolean;
  readonly oat: { readonly enabled: boolean; readonly riskLevels: readonly RiskLevel[] };
  readonly audit: { readonly enabled: boolean; readonly logTypes: readonly AuditLogType[] };
}

/** GET /api/screens/vision-one */
export interface VisionOneScreen {
  /** SHA-256 of the config file's bytes as read; send it back with the save. */
  readonly revision: string;
  readonly connection: {
    /** One of region / baseUrl (region `us` when neither is in the file). */
    readonly region?: VisionOneRegion;
    readonly baseUrl?: string;
    readonly apiToken: SecretState;
    readonly companyId?: string;
  };
  readonly dataTypes: VisionOneDataTypes;
  readonly servers: readonly Server[];
  /** The source id of each ticked data type in the YAML (for status and Test Connection `{ source }`). */
  readonly sourceIds: { readonly workbench?: string; readonly oat?: string; readonly audit?: string };
}

/**
 * A server as the page sends it. Certificates: an upload id (POST /api/uploads), `"keep"` (the one the server has
 * now), or null/absent (none). The client upload holds certificate, key and passphrase together.
 */
export interface ServerDraft {
  /** The destination id to change; absent: a new server (the daemon picks the id, `syslog-<n>`). */
  readonly id?: string;
  readonly address: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly format: SyslogFormat;
  readonly caCertificate?: string | null;
  readonly clientCertificate?: string | null;
}

/** PUT /api/screens/vision-one */
export interface VisionOneSave {
  readonly revision: string;
  readonly connection: {
    readonly region?: VisionOneRegion;
    readonly baseUrl?: string;
    /** Absent: keep the one set. */
    readonly apiToken?: string;
    readonly companyId?: string;
  };
  readonly dataTypes: VisionOneDataTypes;
  /** The whole list: a server of the screen left out is removed from the YAML. */
  readonly servers: readonly ServerDraft[];
}

/** PUT answer (200). */
export interface SaveResponse {
  /** The file's new revision. */
  readonly revision: string;
  /** True when the running daemon applied the saved file (reload path); false with `reloadError` if not. */
  readonly applied: boolean;
  readonly reloadError?: string;
  /** Config keys (dotted) this save changed; secrets by name only. */
  readonly changed: readonly string[];
}

/** POST /api/uploads body. */
export type UploadRequest =
  | { readonly kind: 'ca'; readonly pem: string }
  | { readonly kind: 'client'; readonly certificate: string; readonly key: string; readonly passphrase?: string };

/** POST /api/uploads answer (200). The upload is held in memory (30 min) until a save or test refers to it. */
export interface UploadResponse {
  readonly id: string;
  /** The (first) certificate. */
  readonly summary: CertSummary;
  /** Every certificate of the PEM (a CA bundle may hold several). */
  readonly certificates: readonly CertSummary[];
}

/** POST /api/test-connection body: a draft server (uploads by id or "keep"), a saved destination or source. */
export type TestConnectionRequest =
  | { readonly server: ServerDraft }
  | { readonly destination: string }
  | { readonly source: string };

// ---- Microsoft Defender for Identity screen ------------------------------------------------------------------------

export type MdiTransport = 'udp' | 'tcp' | 'tls';
export type MdiFormat = 'rfc5424' | 'rfc3164';

export interface MdiSyslog {
  /** "Service endpoint". */
  readonly endpoint: string;
  /** Default 514. */
  readonly port: number;
  readonly transport: MdiTransport;
  readonly format: MdiFormat;
}

export interface MdiNotifications {
  readonly newAlerts: boolean;
  readonly updatedAlerts: boolean;
  readonly healthIssues: boolean;
}

/** GET /api/screens/mdi */
export interface MdiScreen {
  readonly revision: string;
  /** False when the YAML has no MDI source yet (the fields then hold defaults). */
  readonly configured: boolean;
  readonly graph: { readonly tenantId: string; readonly clientId: string; readonly clientSecret: SecretState };
  /** Absent when no destination receives the MDI source alone. */
  readonly syslog?: MdiSyslog;
  readonly notifications: MdiNotifications;
  readonly sourceId?: string;
  readonly destinationId?: string;
  readonly status?: ServerStatus;
}

/** PUT /api/screens/mdi */
export interface MdiSave {
  readonly revision: string;
  readonly graph: { readonly tenantId: string; readonly clientId: string; readonly clientSecret?: string };
  readonly syslog: MdiSyslog;
  readonly notifications: MdiNotifications;
}

/** POST /api/screens/mdi/send-test body. */
export interface MdiSendTestRequest {
  readonly syslog: MdiSyslog;
}

/** POST /api/screens/mdi/send-test answer (200 either way; `ok` says). */
export interface SendTestResponse {
  readonly ok: boolean;
  /** The line sent, exactly as sent (without framing). */
  readonly line?: string;
  /** What to look for at the server, or why it was not sent. */
  readonly detail: string;
  readonly hint?: string;
}

// ---- Status, recent lines, dead letters ----------------------------------------------------------------------------

export interface SourceStatusView {
  readonly id: string;
  readonly type: string;
  readonly polls: number;
  readonly fetched: number;
  readonly errors: number;
  readonly deadLettered: number;
  readonly paused: boolean;
  readonly lastPollAt?: number;
  readonly lastError?: string;
}

export interface CertificateView {
  readonly role: 'client' | 'ca';
  readonly subject: string;
  readonly notAfter: number;
  readonly daysLeft: number;
  readonly expiresSoon: boolean;
}

export interface DestinationStatusView {
  readonly id: string;
  readonly protocol: string;
  /** `host:port`. */
  readonly target: string;
  readonly connected: boolean;
  readonly delivered: number;
  readonly lag: number;
  readonly lagMs: number;
  readonly reconnects: number;
  readonly sendErrors: number;
  readonly deadLettered: number;
  readonly lastDeliveryAt?: number;
  readonly lastError?: string;
  readonly lastErrorAt?: number;
  readonly certificates: readonly CertificateView[];
}

/** GET /api/status, and each `event: status` of GET /api/status/stream. */
export interface StatusResponse {
  readonly at: number;
  /** False while the connector is not running (starting, stopping): the lists are then empty. */
  readonly running: boolean;
  readonly sources: readonly SourceStatusView[];
  readonly destinations: readonly DestinationStatusView[];
}

/** GET /api/destinations/<id>/recent: the last lines (at most 50) the destination sent, oldest first. */
export interface RecentLinesResponse {
  readonly destination: string;
  readonly lines: readonly { readonly at: number; readonly text: string }[];
}

export interface DeadLetterView {
  /** Opaque; use it in the retry URL (URL-encoded). */
  readonly id: string;
  /** `destination`: an event a destination could not format (retriable); `source`: an item a source could not read. */
  readonly kind: 'destination' | 'source';
  readonly destination?: string;
  readonly source: string;
  readonly key: string;
  readonly reason: string;
  /** Epoch ms. */
  readonly time: number;
  /** The start of the item's JSON. */
  readonly excerpt: string;
  readonly retriable: boolean;
}

/** GET /api/dead-letters?limit=N (default 100, newest first). */
export interface DeadLettersResponse {
  readonly items: readonly DeadLetterView[];
}

/** POST /api/dead-letters/<id>/retry answer (200): delivered, and removed from the dead letters. */
export interface RetryResponse {
  readonly retried: true;
  readonly line: string;
}
