// Runs every package's tests (packages/*/test/**/*.test.ts) in one run of Node's test runner.
// Extra arguments are passed on, e.g. `npm test -- --test-name-pattern=resume`; test files named among
// them (`npm test -- packages/server/test/resume.test.ts`) are run instead of all.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : findTests(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = readdirSync('packages').flatMap((pkg) => {
  try {
    return findTests(join('packages', pkg, 'test'));
  } catch {
    return [];
  }
});
const args = process.argv.slice(2);
const named = args.filter((arg) => arg.endsWith('.test.ts'));
const flags = args.filter((arg) => !arg.endsWith('.test.ts'));
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', ...flags, ...(named.length > 0 ? named : files)],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
