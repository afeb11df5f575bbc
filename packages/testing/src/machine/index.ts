export { MachineConditionError, requireMachineCondition, type MachineCondition } from './machine-condition.js';
