// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.bench/**', 'data/**', 'eslint.config.js', 'scripts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', name: ['test', 'it', 'describe', 'suite'], package: 'node:test' },
          ],
        },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['packages/*/bin/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The dashboard's service worker is plain JavaScript, served as written: no TypeScript project.
    files: ['packages/web/public/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['packages/web/public/**/*.js'],
    languageOptions: { globals: { self: 'readonly', clients: 'readonly', URL: 'readonly' } },
  },
  {
    // The hub knows nothing of connections, HTTP or the domain; brokers are leaves.
    files: ['packages/server/src/hub/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/gateway/**', '**/http/**', '**/domain/**', '**/store/**', 'ws', 'fastify'],
              message: 'the hub must not reach downstream',
            },
          ],
        },
      ],
    },
  },
  {
    // Dialects render and parse; they never reach into HTTP routes, the store or the domain.
    files: ['packages/server/src/gateway/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/http/**', '**/domain/**', '**/store/**', 'fastify'],
              message: 'the gateway is given what it needs',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
