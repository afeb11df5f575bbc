import { library } from '@syslog-connector/tsup-config';
import { defineConfig } from 'tsup';

// Two entries: the plugin API (`.`) and the host's engine (`./engine`), sharing chunks.
export default defineConfig({ ...library, entry: ['src/index.ts', 'src/engine.ts'] });
