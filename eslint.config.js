// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The one-way arrows of DESIGN.md, as import boundaries for each folder of packages/server/src.
const SRC = 'packages/server/src';
const folders = [
  'auth',
  'cli',
  'demo',
  'domain',
  'gateway',
  'http',
  'hub',
  'metrics',
  'push',
  'store',
  'webhooks',
  'work',
];
/** The composition root (server.ts, lifecycle.ts, relay-reactions.ts, cli.ts) imports the folders, never the reverse. */
const compositionRoot = ['**/server.js', '**/lifecycle.js', '**/relay-reactions.js', '**/cli.js'];
const below = (...allowed) => folders.filter((f) => !allowed.includes(f)).map((f) => `**/${f}/**`);
/** The gateway and its dialects know who a caller is (auth/principal.ts), never how credentials are read. */
const identityOnly = ['**/auth/**', '!**/auth/principal.js'];

function boundary(files, groups, message, ignores = []) {
  return {
    files,
    ignores,
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: groups, message }] }] },
  };
}
const at = (folder) => [`${SRC}/${folder}/**/*.ts`];

const boundaries = [
  boundary(
    at('hub'),
    [...below('hub'), ...compositionRoot, 'ws', 'fastify'],
    'the hub knows no connection, route, store or domain (DESIGN.md)',
  ),
  boundary(
    at('store'),
    [...below('store'), ...compositionRoot],
    'the store is a leaf: nothing above it is imported (DESIGN.md)',
  ),
  boundary(
    at('webhooks'),
    [...below('webhooks'), ...compositionRoot],
    'webhook signatures and normalising are a leaf',
  ),
  boundary(
    at('auth'),
    [...below('auth', 'store'), ...compositionRoot],
    'auth knows users and tokens: the domain uses auth, never the reverse',
  ),
  boundary(
    at('domain'),
    [...below('domain', 'auth', 'store', 'webhooks'), ...compositionRoot],
    'domain services reach only auth, the store and webhooks: work uses the domain, not the reverse',
  ),
  boundary(
    at('work'),
    [...below('work', 'domain', 'auth', 'store', 'hub'), ...compositionRoot],
    'work runs below the HTTP API and knows no connection',
  ),
  boundary(
    at('push'),
    [...below('push', 'store', 'work', 'auth', 'domain'), ...compositionRoot],
    'push is fed by the relay: it knows no route or connection',
  ),
  boundary(
    at('demo'),
    [...below('demo', 'auth', 'domain', 'work', 'store'), ...compositionRoot],
    'the demo seeds through the domain and work services',
  ),
  boundary(
    at('metrics'),
    [...below('metrics', 'hub', 'gateway'), ...compositionRoot],
    'metrics observe the hub and the gateway only',
  ),
  boundary(
    at('http'),
    ['**/cli/**', ...compositionRoot],
    'routes are composed by the server, not the reverse',
  ),
  boundary(
    [`${SRC}/gateway/**/*.ts`],
    [...below('gateway', 'hub', 'auth'), ...identityOnly, ...compositionRoot, './dialects/*', 'fastify'],
    'the gateway is handed what it needs; only gateway/gateway.ts composes the dialects',
    [`${SRC}/gateway/dialects/**`, `${SRC}/gateway/gateway.ts`],
  ),
  boundary(
    [`${SRC}/gateway/gateway.ts`],
    [...below('gateway', 'hub', 'auth'), ...identityOnly, ...compositionRoot, 'fastify'],
    'the gateway is handed what it needs',
  ),
  boundary(
    [`${SRC}/gateway/dialects/**/*.ts`],
    [...below('gateway', 'hub', 'auth'), ...identityOnly, ...compositionRoot, 'fastify', 'ws'],
    'a dialect parses, chooses topics and renders: it reads no credential and reaches no domain, store or socket',
  ),
];

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
  ...boundaries,
  {
    files: ['**/test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
