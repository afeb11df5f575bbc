// One flat config for the whole workspace; each package's `lint` script runs `eslint .` against it.
import tseslint from 'typescript-eslint';

const PLUGIN_PACKAGES = ['@syslog-connector/source-*', '@syslog-connector/format-*', '@syslog-connector/transport-*', '@syslog-connector/store-*', '@syslog-connector/vision-one-*'];

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
      'no-restricted-imports': ['error', { patterns: [{ group: ['inversify'], message: 'plugins declare deps; only the host app imports the container' }] }],
    },
  },
  {
    files: ['**/*.test.ts', '**/test/**/*.ts', '**/bench/**/*.ts', 'apps/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
