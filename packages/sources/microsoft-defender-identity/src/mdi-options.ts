import { duration, maxConcurrentRequestsOption, secretOption, since, sourceLimitsOption, z } from '@syslog-connector/core';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOOPBACK_HOST = /^(127(\.\d{1,3}){3}|\[::1\]|localhost)$/i;

/** The three notifications MDI's own syslog settings offer (FACTS §C.1). */
export const MDI_NOTIFICATIONS = ['new-alerts', 'updated-alerts', 'health-issues'] as const;
export type MdiNotification = (typeof MDI_NOTIFICATIONS)[number];

/** A host URL: https://, or http:// for loopback only (the simulator); no path, query, or credentials. */
const hostUrl = (what: string) =>
  z
    .string()
    .superRefine((text, ctx) => {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        ctx.addIssue({ code: 'custom', message: `"${text}" is not a URL; write https://host` });
        return;
      }
      if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || url.pathname.replace(/\/+$/, '') !== '') {
        ctx.addIssue({ code: 'custom', message: `must be the ${what} host only (https://host[:port]), without path, query or credentials` });
      } else if (url.protocol === 'http:' && !LOOPBACK_HOST.test(url.hostname)) {
        ctx.addIssue({ code: 'custom', message: `http:// is only accepted for loopback addresses; use https://${url.host}` });
      } else if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        ctx.addIssue({ code: 'custom', message: `must start with https:// (got ${url.protocol}//)` });
      }
    })
    .transform((text) => new URL(text).origin);

/** A secret read from the environment: checked here so errors name the key, worded without the value. */
const secret = (variable: string) =>
  z
    .string()
    .min(1, `is empty; set it to \${${variable}} and export the secret in that variable`)
    .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), { message: 'contains a line break or control character; remove it from the variable' })
    .refine((value) => value.trim() === value, { message: 'has leading or trailing spaces; remove them from the variable' });

/** The config of a `microsoft-defender-identity` source. Strict: an unknown key is a config error. */
export const mdiOptions = z
  .strictObject({
    tenantId: z
      .string()
      .regex(/^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z]{2,})$/i, 'must be the directory (tenant) ID, a GUID, or a verified domain such as contoso.onmicrosoft.com')
      .describe('Microsoft Entra directory (tenant) ID or domain'),
    clientId: z.string().regex(GUID, 'must be the application (client) ID of the app registration, a GUID').describe('Application (client) ID'),
    clientSecret: secretOption(
      secret('MDI_CLIENT_SECRET')
        .optional()
        .describe('Client secret value (not its ID); write ${MDI_CLIENT_SECRET}. Never logged. Either this or `certificate`.'),
    ),
    certificate: z
      .strictObject({
        cert: z.string().min(1).describe('PEM file of the certificate uploaded to the app registration (relative to the config file)'),
        key: z.string().min(1).describe('PEM file of its private key (RSA; relative to the config file)'),
        passphrase: secretOption(secret('MDI_KEY_PASSPHRASE').optional().describe('Passphrase of an encrypted key; write ${MDI_KEY_PASSPHRASE}')),
      })
      .optional()
      .describe('Sign in with a certificate (a signed JWT client assertion, FACTS §D.5) instead of a secret'),
    notifications: z
      .array(z.enum(MDI_NOTIFICATIONS))
      .min(1, 'choose at least one of new-alerts, updated-alerts, health-issues')
      .refine((list) => new Set(list).size === list.length, { message: 'lists a notification twice' })
      .default([...MDI_NOTIFICATIONS])
      .describe('What to forward, as MDI\'s syslog settings (FACTS §C.1): new-alerts, updated-alerts, health-issues'),
    since: since().prefault('24h').describe('First run only: an ISO time or a duration back from now (24h)'),
    pollInterval: duration().prefault('60s').describe('Time between polls'),
    requestTimeout: duration().prefault('30s').describe('Time limit of one HTTP request, after which it is retried'),
    authorityHost: hostUrl('Entra ID authority')
      .default('https://login.microsoftonline.com')
      .describe('Entra ID authority host; national clouds: https://login.microsoftonline.us, https://login.chinacloudapi.cn'),
    graphHost: hostUrl('Microsoft Graph')
      .default('https://graph.microsoft.com')
      .describe('Microsoft Graph host; national clouds: https://graph.microsoft.us, https://dod-graph.microsoft.us, https://microsoftgraph.chinacloudapi.cn'),
    pageSize: z.number().int().min(1).max(1000).default(100).describe('Items per page ($top)'),
    requestsPerMinute: z
      .number()
      .int()
      .min(1)
      .max(150, 'Graph allows 150 requests per minute per app and tenant on /security (FACTS §D.3)')
      .default(150)
      .describe('Graph requests per minute for this app and tenant, shared by every MDI source of the same graphHost, tenantId and clientId; the lowest value applies (FACTS §D.3: 150 per app and tenant)'),
    // Issue #16: what one poll may read; past it the source narrows its window (README "Limits").
    limits: sourceLimitsOption(),
    // Issue #20: one limit per host (Graph, and the authority for tokens), shared by every MDI source of that host.
    maxConcurrentRequests: maxConcurrentRequestsOption('the Graph host (and to the authority host)', 'MDI source'),
  })
  .superRefine((options, ctx) => {
    if ((options.clientSecret === undefined) === (options.certificate === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['clientSecret'],
        message: options.clientSecret === undefined ? 'set `clientSecret` (e.g. ${MDI_CLIENT_SECRET}) or `certificate`' : 'set either `clientSecret` or `certificate`, not both',
      });
    }
  });

export type MdiOptions = z.output<typeof mdiOptions>;
