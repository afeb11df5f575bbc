import { library } from '@syslog-connector/tsup-config';
import { defineConfig } from 'tsup';

// Three entries: the whole kit (`.`, oracles included), the plugin kit (`./plugin-kit`) a third party tests with, and
// the bounded-poll harness (`./bounded-poll`) that child processes import with plain node (no test runner in it).
export default defineConfig({ ...library, entry: ['src/index.ts', 'src/plugin-kit.ts', 'src/bounded-poll.ts'] });
