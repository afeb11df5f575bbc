import { library } from '@syslog-connector/tsup-config';
import { defineConfig } from 'tsup';

// Two entries: the whole kit (`.`, oracles included) and the plugin kit (`./plugin-kit`) a third party tests with.
export default defineConfig({ ...library, entry: ['src/index.ts', 'src/plugin-kit.ts'] });
