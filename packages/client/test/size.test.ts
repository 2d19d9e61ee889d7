import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const LIMIT = 6 * 1024;

async function bundle(entry: string, platform: 'browser' | 'node' = 'browser') {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    minify: true,
    treeShaking: true,
    format: 'esm',
    platform,
    conditions: ['@jobstream/source'],
    target: 'es2022',
    external: ['react', 'ws'],
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  return { code, min: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length };
}

test('the core is at most 6 KB minified and gzipped, and carries nothing of zod, React or ws', async () => {
  const core = await bundle('../src/index.ts');
  const react = await bundle('../src/react/index.ts');
  console.log(`core: ${core.min} B minified, ${core.gzip} B gzipped`);
  console.log(
    `core + react hooks: ${react.min} B minified, ${react.gzip} B gzipped (React itself not counted)`,
  );
  assert.ok(core.gzip <= LIMIT, `core is ${core.gzip} B gzipped, over ${LIMIT}`);
  assert.doesNotMatch(
    core.code,
    /from\s*"(ws|react|zod)"|import\("ws"\)/,
    'no runtime dependency in the browser build',
  );
  assert.doesNotMatch(core.code, /ZodError|safeParse/);
});

test('in Node, ws is loaded only when needed (a dynamic import the bundle leaves alone)', async () => {
  const node = await bundle('../src/index.ts', 'node');
  assert.match(node.code, /import\("ws"\)/);
});

test('tree-shaking: importing one helper does not pull in the client', async () => {
  const result = await build({
    stdin: {
      contents: "export { backoffDelay } from './src/index.ts';",
      resolveDir: fileURLToPath(new URL('..', import.meta.url)),
      loader: 'ts',
    },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['@jobstream/source'],
    write: false,
    logLevel: 'silent',
  });
  const size = Buffer.byteLength(result.outputFiles[0]!.text);
  assert.ok(size < 300, `backoffDelay alone is ${size} B`);
});
