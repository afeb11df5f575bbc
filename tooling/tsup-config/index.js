// One preset for every package, so a later move from tsup to tsdown touches this folder only.
/** @type {import('tsup').Options} */
export const library = {
  entry: ['src/index.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'node24',
  dts: true,
  sourcemap: true,
  clean: true,
  // Keep 'node:' prefixes: node:sqlite (and node:test) exist only under that name.
  removeNodeProtocol: false,
};

/** @type {import('tsup').Options} */
export const app = { ...library, entry: ['src/index.ts', 'src/cli.ts'] };
