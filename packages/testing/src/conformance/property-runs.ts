/**
 * How many runs a fast-check property makes: `PROPERTY_RUNS` when set, else 100,000 in CI (`CI=true`, the bar of
 * issue 3) and `local` (default 10,000) on a developer's machine, so a local `vitest run` stays quick.
 */
export const propertyRuns = (local = 10_000): number => {
  const configured = Number(process.env['PROPERTY_RUNS']);
  if (Number.isInteger(configured) && configured > 0) return configured;
  return process.env['CI'] === 'true' ? 100_000 : local;
};
