export { visionOneConnection, visionOneBaseUrl, DEFAULT_MAX_CONCURRENT_REQUESTS, type VisionOneConnectionOptions } from './vision-one-connection.js';
export { VISION_ONE_REGIONS, VISION_ONE_REGION_NAMES, type VisionOneRegion } from './vision-one-regions.js';
export {
  VisionOneClient,
  type VisionOneClientDeps,
  type VisionOneClientTuning,
  type VisionOneItem,
  type VisionOneListOptions,
  type VisionOnePage,
  type VisionOneProbe,
  type VisionOneQuery,
} from './vision-one-client.js';
export { DEFAULT_RETRY_POLICY, RetryAfterBackoff, parseRetryAfter, type RetryPolicy } from './retry-after-backoff.js';
export { toVisionOneDateTime } from './vision-one-date-time.js';
export { tmv1AnyOf } from './tmv1-filter.js';
export {
  planPollWindow,
  readWindowCheckpoint,
  readWindowSpan,
  windowCheckpoint,
  alignToSecond,
  MIN_WINDOW_MS,
  POLL_OVERLAP_MS,
  POLL_SAFETY_LAG_MS,
  type PollWindow,
  type PollWindowInput,
  type WindowCheckpoint,
} from './poll-window.js';
export {
  TREND_CEF_HEADER,
  TREND_ALERT_TIME_FORM,
  TREND_AUDIT_TIME_FORM,
  TREND_COMPANY_ID_KEY,
  companyIdOption,
  trendCompanyIdExtension,
  visionOneAdvice,
} from './trend-cef-profile.js';
export { describeVisionOneTarget } from './vision-one-target.js';
export { mapPages } from './map-pages.js';
