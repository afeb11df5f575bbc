import { fileURLToPath } from 'node:url';

/**
 * The folder of the console's built static files (index.html and assets/), which the daemon's admin listener serves
 * under `/console/`. Built by `pnpm build` (vite, into dist/web beside this module); nothing is fetched at run time.
 */
export const consoleAssetsDir = (): string => fileURLToPath(new URL('./web/', import.meta.url));

/** The admin API's request and response shapes (docs/console-api.md), one declaration for the page and the daemon. */
export type * from './api.js';
