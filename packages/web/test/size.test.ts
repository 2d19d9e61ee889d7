// The dashboard's JavaScript, as the server serves it: under 120 KB gzipped (React and the SDK included).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const LIMIT = 120 * 1024;

test('the dashboard is under 120 KB of gzipped JavaScript', { timeout: 120_000 }, async (t) => {
  // A build of its own (not dist/, which the page tests build into at the same time).
  const outDir = mkdtempSync(join(tmpdir(), 'jobstream-web-size-'));
  t.after(() => rmSync(outDir, { recursive: true, force: true }));
  await build({
    root: fileURLToPath(new URL('..', import.meta.url)),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  const assets = join(outDir, 'assets');
  const scripts = readdirSync(assets).filter((name) => name.endsWith('.js'));
  assert.ok(scripts.length > 0, 'the build has JavaScript');
  let raw = 0;
  let gzipped = 0;
  for (const name of scripts) {
    const code = readFileSync(join(assets, name));
    raw += code.length;
    gzipped += gzipSync(code, { level: 9 }).length;
  }
  console.log(`dashboard: ${scripts.length} script(s), ${raw} B minified, ${gzipped} B gzipped`);
  assert.ok(gzipped < LIMIT, `the dashboard is ${gzipped} B of gzipped JavaScript, over ${LIMIT}`);
});
