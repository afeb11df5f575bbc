import { isCi } from '../oracles/oracle-availability.js';

/**
 * Why a test needs more of the machine than the code: a folder the unprivileged user can reach, a capability,
 * a device. A value with a `code` and a `hint`, like core's errors.
 */
export class MachineConditionError extends Error {
  readonly code = 'MACHINE_CONDITION_UNMET';
  readonly hint: string;

  constructor(what: string, reason: string, hint: string) {
    super(`${what} cannot run on this machine: ${reason} and CI=true\nhint: ${hint}`);
    this.name = 'MachineConditionError';
    this.hint = hint;
  }
}

/** A condition a test needs: `unmet` says why it does not hold here (undefined: it holds). */
export interface MachineCondition {
  /** What would be skipped, e.g. 'store permission tests as an unprivileged user'. */
  readonly what: string;
  readonly unmet: string | undefined;
  /** How to make it hold. */
  readonly hint: string;
}

const warned = new Set<string>();

/**
 * For `describe.skipIf(requireMachineCondition(…))(…)`: returns `true` (skip) when the condition does not hold on a
 * developer machine, after printing why once (never a silent skip); throws a MachineConditionError in CI (CI=true),
 * where a missing condition is a broken runner, not a reason to pass.
 */
export const requireMachineCondition = (condition: MachineCondition): boolean => {
  if (condition.unmet === undefined) return false;
  if (isCi()) throw new MachineConditionError(condition.what, condition.unmet, condition.hint);
  if (!warned.has(condition.what)) {
    warned.add(condition.what);
    process.emitWarning(`skipping ${condition.what}: ${condition.unmet}; ${condition.hint}`, { code: 'MACHINE_CONDITION_UNMET' });
  }
  return true;
};
