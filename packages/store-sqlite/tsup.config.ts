import { library } from '@syslog-connector/tsup-config';
import { defineConfig } from 'tsup';

// tsup strips the `node:` prefix by default, but `node:sqlite` exists only under its prefixed name (there is
// no bare `sqlite` builtin): keep the prefix. The journal's worker thread is an entry of its own: ThreadedJournal
// starts it from its file next to index.js.
export default defineConfig({ ...library, entry: ['src/index.ts', 'src/journal-worker.ts'], removeNodeProtocol: false });
