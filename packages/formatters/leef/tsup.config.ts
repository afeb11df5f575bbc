import { library } from '@syslog-connector/tsup-config';
import { defineConfig } from 'tsup';

export default defineConfig(library);
