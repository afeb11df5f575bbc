import { afterEach, describe, expect, it, vi } from 'vitest';
import { MachineConditionError, requireMachineCondition } from './machine-condition.js';

const unmet = { what: 'the widget tests', unmet: 'no widget in /dev', hint: 'plug a widget in' } as const;

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('requireMachineCondition', () => {
  it('runs the tests when the condition holds, in CI or not', () => {
    vi.stubEnv('CI', 'true');
    expect(requireMachineCondition({ ...unmet, unmet: undefined })).toBe(false);
    vi.stubEnv('CI', '');
    expect(requireMachineCondition({ ...unmet, unmet: undefined })).toBe(false);
  });

  it('skips on a developer machine and says why, once', async () => {
    vi.stubEnv('CI', '');
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      expect(requireMachineCondition(unmet)).toBe(true);
      expect(requireMachineCondition(unmet)).toBe(true);
      // emitWarning delivers on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual(['skipping the widget tests: no widget in /dev; plug a widget in']);
  });

  it('fails in CI instead of skipping, with the reason and the fix', () => {
    vi.stubEnv('CI', 'true');
    const error = (() => {
      try {
        return requireMachineCondition({ ...unmet, what: 'the gadget tests' });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(MachineConditionError);
    expect(error).toMatchObject({
      code: 'MACHINE_CONDITION_UNMET',
      message: 'the gadget tests cannot run on this machine: no widget in /dev and CI=true\nhint: plug a widget in',
      hint: 'plug a widget in',
    });
  });
});
