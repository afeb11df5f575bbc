export { VisionOneSimulator } from './vision-one-simulator.js';
export type {
  AuditTimeSpread,
  InjectedFailureStatus,
  OatTimeSpread,
  RecordedRequest,
  TimeSpread,
  VisionOneSimulatorOptions,
  VisionOneTenant,
} from './vision-one-simulator.js';
export type { AuditLog, HostValue, ImpactScopeEntity, OatDetection, OatRiskLevel, WorkbenchAlert, WorkbenchIndicator } from './vision-one-items.js';
export { HOSTILE_STRINGS, HOSTILE_STRING_NAMES, type HostileStringName } from './hostile-strings.js';
export { ManualClock } from './manual-clock.js';
export { SeededRandom } from './seeded-random.js';
export { parseTmv1Filter, matchesTmv1Filter, Tmv1FilterSyntaxError, type Tmv1FilterExpression } from './tmv1-filter.js';
export { VisionOneItemGenerator } from './vision-one-item-generator.js';
