export { visionOneWorkbenchSource } from './vision-one-workbench-source.js';
export { workbenchOptions, type WorkbenchOptions } from './workbench-options.js';
export {
  WorkbenchSource,
  WORKBENCH_ALERTS_PATH,
  SAFETY_LAG_MS,
  OVERLAP_MS,
  INVALID_ITEMS_METRIC,
  type WorkbenchSourceDeps,
} from './workbench-source.js';
export { workbenchAlertSchema, readWorkbenchAlert, IMPACT_SCOPE_COUNTS, type WorkbenchAlert, type WorkbenchAlertFields } from './workbench-alert.js';
export { workbenchCefRecord, WORKBENCH_SEVERITY, type WorkbenchAlertVersion } from './workbench-cef-record.js';
export { readWorkbenchCheckpoint, type WorkbenchCheckpoint, type WorkbenchDateTimeTarget } from './workbench-checkpoint.js';
export { visionOneWorkbenchSource as default } from './vision-one-workbench-source.js';
