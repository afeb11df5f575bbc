// One flat config for the whole workspace; each package's `lint` script runs `eslint .` against it.
import tseslint from 'typescript-eslint';

const PLUGIN_PACKAGES = ['@syslog-connector/source-*', '@syslog-connector/format-*', '@syslog-connector/transport-*', '@syslog-connector/store-*', '@syslog-connector/vision-one-*'];
const NO_CONTAINER = { group: ['inversify'], message: 'plugins declare deps; only the host app imports the container' };
// A plugin's contract is core's main entry; the engine (runners, config loading, InMemoryJournal) is the host's.
const NO_ENGINE = { group: ['@syslog-connector/core/engine', '@syslog-connector/core/dist/*'], message: 'plugins import only @syslog-connector/core (the plugin API); the engine belongs to the host' };
const PLUGIN_SOURCES = ['packages/sources/**/*.ts', 'packages/formatters/**/*.ts', 'packages/transports/**/*.ts', 'examples/**/*.ts'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '**/*.js', '**/*.mjs', '**/*.d.ts'] },
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // DESIGN §6: core knows plugins only through their definitions, and only the host app imports the container.
    files: ['packages/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: PLUGIN_PACKAGES, message: 'core must not import a plugin package' }, { group: ['inversify'], message: 'only apps/connector/src/container imports inversify' }] }],
    },
  },
  {
    files: ['packages/**/*.ts', 'examples/**/*.ts'],
    ignores: ['packages/core/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [NO_CONTAINER] }],
    },
  },
  {
    // Plugins' own code. Their tests may drive the real engine (SourceRunner over a journal) as the host would.
    files: PLUGIN_SOURCES,
    ignores: ['**/test/**', '**/*.test.ts', '**/bench/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [NO_CONTAINER, NO_ENGINE] }],
    },
  },
  {
    files: ['**/*.test.ts', '**/test/**/*.ts', '**/bench/**/*.ts', 'apps/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
