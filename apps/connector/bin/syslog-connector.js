#!/usr/bin/env node
// Thin launcher so `pnpm exec syslog-connector` works once the app is built.
import('../dist/cli.js');
