import { library } from '@syslog-connector/tsup-config';
import { defineConfig } from 'tsup';

// The node entry only (consoleAssetsDir); the browser code is built by vite into dist/web after this has run (tsup
// cleans dist first).
export default defineConfig({ ...library, entry: ['src/index.ts'] });
