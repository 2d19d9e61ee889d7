// Runs every package's tests (packages/*/test/**/*.test.ts) in one run of Node's test runner, on the
// TypeScript sources through tsx: the `@jobstream/source` export condition (in NODE_OPTIONS, so that
// servers and workers the tests spawn get it too) makes `@jobstream/protocol` and `@jobstream/client`
// resolve to their src/ instead of their build in dist/, so tests never need `npm run build`.
// Extra arguments are passed on, e.g. `npm test -- --test-name-pattern=resume`; test files or folders
// named among them (`npm test -- packages/server/test/resume.test.ts`) are run instead of all.
// Two test files run at once (TEST_CONCURRENCY, default 2): every test has its own server on an
// ephemeral port, its own SQLite file, PostgreSQL database and Redis key prefix, so files never share
// state, and the run takes about 8 minutes on 2 cores instead of 12.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : findTests(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const isDir = (path) => statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
const files = readdirSync('packages').flatMap((pkg) => {
  try {
    return findTests(join('packages', pkg, 'test'));
  } catch {
    return [];
  }
});
const args = process.argv.slice(2);
const named = args.filter((arg) => arg.endsWith('.test.ts') || isDir(arg));
const flags = args.filter((arg) => !named.includes(arg));
const tests = named.flatMap((arg) => (isDir(arg) ? findTests(arg) : [arg]));
const concurrency = /^[1-9]\d*$/.test(process.env.TEST_CONCURRENCY ?? '')
  ? process.env.TEST_CONCURRENCY
  : '2';
const condition = '--conditions=@jobstream/source';
const nodeOptions = process.env.NODE_OPTIONS ?? '';
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    ...flags,
    ...(named.length > 0 ? tests : files),
  ],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      NODE_OPTIONS: nodeOptions.includes(condition) ? nodeOptions : `${nodeOptions} ${condition}`.trim(),
    },
  },
);
process.exit(result.status ?? 1);
