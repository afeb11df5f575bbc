// The preset every package's vitest.config.ts re-exports: unit tests next to the code (src/**), integration
// tests with real sockets and child processes under test/**, benchmarks under bench/** (run by `pnpm bench`).
import { defineConfig } from 'vitest/config';

export const preset = defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    passWithNoTests: false,
    restoreMocks: true,
    // The JSON report feeds tooling/repo-checks/test-summary.mjs (one closing 'N passed, N failed' line). `vitest
    // bench` would write it too (benchmark.reporters does not stop that), so every `bench` script passes
    // `--reporter=default`: a `pnpm bench` beside or after `pnpm test` must not replace a package's test count.
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results.json' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    benchmark: { include: ['bench/**/*.bench.ts'] },
  },
});

export default preset;
