import { existsSync } from 'node:fs';
import { readFile, realpath } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { type AdminResponse, type AdminRoute, text } from './admin-router.js';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/**
 * The folder of the console's built files: `consoleAssetsDir()` of `@syslog-connector/console`, undefined when that
 * package is not installed or not built (the API works without it).
 */
export const findConsoleAssets = async (): Promise<string | undefined> => {
  const name = '@syslog-connector/console';
  try {
    const module = (await import(name)) as { consoleAssetsDir?: () => string };
    return module.consoleAssetsDir?.();
  } catch {
    return undefined;
  }
};

const redirect = (location: string): AdminResponse => ({ ...text(302, `see ${location}\n`), headers: { Location: location } });

/**
 * `/console/…` from the console's built folder (no sign-in: they are the same files for everyone; the API behind
 * them needs it), `/` and `/console` redirect to `/console/`. A path outside the folder (`..`, a symlink out) is 404.
 */
export const consoleStaticRoutes = (assetsDir: string | undefined): AdminRoute[] => [
  { path: '/', method: 'GET', access: 'public', handle: async () => redirect('/console/') },
  { path: '/console', method: 'GET', access: 'public', handle: async () => redirect('/console/') },
  {
    path: /^\/console\/(.*)$/,
    method: 'GET',
    access: 'public',
    handle: async (_request, { params }) => {
      if (assetsDir === undefined || !existsSync(join(assetsDir, 'index.html'))) {
        return text(404, 'the console is not built: run `pnpm build` (package @syslog-connector/console)\n');
      }
      const wanted = params[0] === undefined || params[0] === '' ? 'index.html' : params[0];
      const root = await realpath(assetsDir).catch(() => resolve(assetsDir));
      const file = resolve(join(root, wanted));
      if (!file.startsWith(root + sep)) return text(404, 'not found\n');
      try {
        const real = await realpath(file);
        if (!real.startsWith(root + sep)) return text(404, 'not found\n');
        return { status: 200, contentType: TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream', body: await readFile(real) };
      } catch {
        // A page path of the single-page console (`/console/status`) is its index; a missing asset is 404.
        if (extname(wanted) === '') return { status: 200, contentType: TYPES['.html'] as string, body: await readFile(join(root, 'index.html')).catch(() => Buffer.from('')) };
        return text(404, 'not found\n');
      }
    },
  },
];
