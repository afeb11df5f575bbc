import { defineConfig } from 'vite';

// Static files for the admin listener's /console/ (CSP: scripts and styles from 'self' only). No inline script: the
// module-preload polyfill would be one more script, and every browser the console supports has modulepreload.
// Nothing is inlined as a data: URL and nothing comes from a CDN: the machine has no internet, and many SOCs neither.
export default defineConfig({
  root: '.',
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist/web',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    target: 'es2022',
    reportCompressedSize: false,
  },
});
