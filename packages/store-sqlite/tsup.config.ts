import { library } from '@syslog-connector/tsup-config';
import { defineConfig } from 'tsup';

// tsup strips the `node:` prefix by default, but `node:sqlite` exists only under its prefixed name (there is
// no bare `sqlite` builtin): keep the prefix.
export default defineConfig({ ...library, removeNodeProtocol: false });
