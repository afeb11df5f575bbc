export { visionOneOatSource } from './vision-one-oat-source.js';
export { oatOptions, OAT_RISK_LEVELS, type OatOptions, type OatRiskLevel } from './oat-options.js';
export {
  OatSource,
  OAT_DETECTIONS_PATH,
  OAT_MAX_RANGE_MS,
  INVALID_ITEMS_METRIC,
  SKIPPED_FILTERS_METRIC,
  UNMAPPED_PRODUCT_CODES_METRIC,
  type OatSourceDeps,
} from './oat-source.js';
export { oatDetectionSchema, readOatDetection, type OatDetection, type OatDetectionFields, type OatFilterFields } from './oat-detection.js';
export { oatCefRecord, oatDeviceFacility, OAT_SEVERITY, OAT_PRODUCT_NAMES, type OatDeviceFacility } from './oat-cef-record.js';
export { visionOneOatSource as default } from './vision-one-oat-source.js';
