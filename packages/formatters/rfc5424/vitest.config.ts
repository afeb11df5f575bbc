import preset from '@syslog-connector/vitest-config';
import { defineConfig, mergeConfig } from 'vitest/config';

// The benchmark measures the formatters' built bundles (dist/). Node loads them, and the formatter packages they
// import, directly: through Vite's module runner every call across a module boundary goes through an export
// getter, which would be measured too (vitest.dev/guide/benchmarking#module-runner-overhead).
export default mergeConfig(
  preset,
  defineConfig({ test: { server: { deps: { external: [/\/packages\/formatters\/[^/]+\/dist\//] } } } }),
);
