import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import Fastify from 'fastify';
import { registerRootPage } from '../src/http/root-page.js';

function app(t: TestContext, distDir: string, demo = false) {
  const fastify = Fastify();
  registerRootPage(fastify, { version: '9.9.9', demo, distDir });
  t.after(() => fastify.close());
  return fastify;
}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'jobstream-web-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('without a built dashboard, / is the landing page and says how to build it', async (t) => {
  const server = app(t, join(tempDir(t), 'missing'));
  const res = await server.inject('/');
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['content-type'] as string, /^text\/html/);
  assert.match(res.body, /Jobstream 9\.9\.9/);
  assert.match(res.body, /npm run build -w packages\/web/);
  assert.equal((await server.inject('/assets/index-abc.js')).statusCode, 404);
});

test('a built dashboard is served at / with its hashed assets, cached; nothing outside them', async (t) => {
  const dist = tempDir(t);
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(join(dist, 'assets', 'index-Ab1_c.js'), 'console.log(1)');
  writeFileSync(join(dist, 'assets', 'index-Xy2.css'), 'body{}');
  writeFileSync(join(dist, 'secret.txt'), 'no');
  const server = app(t, dist, true);

  const index = await server.inject('/');
  assert.equal(index.body, '<!doctype html><div id="root"></div>');
  assert.equal(index.headers['cache-control'], 'no-cache');
  const js = await server.inject('/assets/index-Ab1_c.js');
  assert.equal(js.statusCode, 200);
  assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(
    (await server.inject('/assets/index-Xy2.css')).headers['content-type'],
    'text/css; charset=utf-8',
  );
  for (const path of [
    '/assets/../secret.txt',
    '/assets/..%2fsecret.txt',
    '/assets/.hidden.js',
    '/assets/nope.js',
  ]) {
    assert.equal((await server.inject(path)).statusCode, 404, path);
  }
  assert.deepEqual((await server.inject('/api/v1/info')).json(), { version: '9.9.9', demo: true });
});
