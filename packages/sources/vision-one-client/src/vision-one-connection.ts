import { duration, maxConcurrentRequestsOption, secretOption, since, sourceLimitsOption, z } from '@syslog-connector/core';
import { companyIdOption } from './trend-cef-profile.js';
import { VISION_ONE_REGION_NAMES, VISION_ONE_REGIONS } from './vision-one-regions.js';

const LOOPBACK_HOST = /^(127(\.\d{1,3}){3}|\[::1\]|localhost)$/i;

/** `http://` only for loopback (tests, the simulator, a local proxy); anything that leaves the machine is https. */
const baseUrl = z
  .string()
  .superRefine((text, ctx) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a URL; write https://host[:port]` });
      return;
    }
    if (url.username !== '' || url.password !== '') {
      ctx.addIssue({ code: 'custom', message: 'must not contain a user name or password; the API key goes in `token`' });
    } else if (url.search !== '' || url.hash !== '') {
      ctx.addIssue({ code: 'custom', message: 'must not contain a query (?…) or fragment (#…)' });
    } else if (url.protocol === 'http:' && !LOOPBACK_HOST.test(url.hostname)) {
      ctx.addIssue({
        code: 'custom',
        message: `http:// is only accepted for loopback addresses (127.0.0.0/8, ::1, localhost); use https://${url.host}${url.pathname === '/' ? '' : url.pathname}`,
      });
    } else if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: `must start with https:// (got ${url.protocol}//)` });
    }
  })
  .transform((text) => text.replace(/\/+$/, ''))
  .describe('API base URL instead of `region` (https://…; http:// only for loopback addresses)');

/**
 * Requests in flight at once to one Vision One API host, shared by every Vision One source of the daemon with that
 * host (region or `baseUrl`). FACTS §B.3 publishes no numbers, only that the rate is counted per 60 s and a request
 * may take up to 60 s: 16 keeps 1,000 sources polling every 30 s (33 requests/s) served even at 0.4 s an answer,
 * while a burst of them opens 16 connections, not 1,000. Tenants' own rate limits are their API keys' (429 per key).
 */
export { DEFAULT_MAX_CONCURRENT_REQUESTS } from '@syslog-connector/core';

/**
 * The account options every Vision One source shares (where and how to connect, and the tenant's company ID);
 * a source extends it with its own keys
 * (`visionOneConnection.extend({ … })`). Strict: an unknown key is a config error.
 */
export const visionOneConnection = z
  .strictObject({
    region: z
      .enum(VISION_ONE_REGION_NAMES)
      .optional()
      .describe(`Vision One region of the account: ${VISION_ONE_REGION_NAMES.join(', ')}; default us (FACTS §B.1)`),
    baseUrl: baseUrl.optional(),
    token: secretOption(
      z
        .string()
        .min(1, 'is empty; set it to ${VISION_ONE_TOKEN} and export the API key in that variable')
        // A header value cannot hold CR, LF or other controls; checked here so the error names the config key, and
        // worded without the value so the key never reaches a log.
        .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), { message: 'contains a line break or control character; remove it from the variable' })
        .refine((value) => value.trim() === value, { message: 'has leading or trailing spaces; remove them from the variable' })
        .describe('API key (Administration → API Keys); write ${VISION_ONE_TOKEN} to read it from the environment'),
    ),
    since: since().prefault('24h').describe('First run only: an ISO time or a duration back from now (24h)'),
    pollInterval: duration().prefault('60s').describe('Time between polls'),
    requestTimeout: duration()
      // FACTS §B.3: the API itself gives up after 60 s (504), so waiting longer gains nothing.
      .prefault('60s')
      .describe('Time limit of one HTTP request, after which it is retried'),
    pageSize: z
      .literal([50, 100, 200], { error: 'must be 50, 100 or 200, the page sizes the Vision One API accepts for `top` (FACTS §B.6, §B.7)' })
      .default(200)
      .describe('Items per page (`top`)'),
    // Issue #16: what one poll may read; past it the source narrows its window (README "Limits").
    limits: sourceLimitsOption(),
    // Issue #20: one limit per API host, shared by every source of that host; the lowest configured value applies.
    maxConcurrentRequests: maxConcurrentRequestsOption('this API host', 'Vision One source'),
    // The tenant, not the connection, but every Vision One source needs it the same way (see `visionOneAdvice`).
    companyId: companyIdOption(),
  })
  .superRefine((options, ctx) => {
    if (options.region !== undefined && options.baseUrl !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: 'set either `region` or `baseUrl`, not both' });
    }
  });

export type VisionOneConnectionOptions = z.output<typeof visionOneConnection>;

/** The API base URL for validated options: `baseUrl`, or the region's host (default `us`). */
export const visionOneBaseUrl = (options: Pick<VisionOneConnectionOptions, 'region' | 'baseUrl'>): string =>
  options.baseUrl ?? VISION_ONE_REGIONS[options.region ?? 'us'];
