// A test page in headless Chromium: the browser's path, the page bundled and served on its own origin.
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Page } from 'playwright-core';
import assert from 'node:assert/strict';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const missing = !existsSync(CHROMIUM);
// In CI a missing browser is a failure, never a silent skip.
export const skip = missing && process.env.CI !== 'true' ? `no Chromium at ${CHROMIUM}` : false;

/** The page at `entry`, bundled with React's development build (StrictMode double-invokes only there). */
export async function bundlePage(entry: URL): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(entry)],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['@jobstream/source'],
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"development"' },
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** Serves `body` then `script` as `/page.js` on an origin of its own, as a dashboard would be; its URL. */
export async function servePage(t: TestContext, script: string, body: string): Promise<string> {
  const server = createServer((req, res) => {
    if (req.url === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(`<!doctype html>${body}<script type="module" src="/page.js"></script>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/**
 * The page at `entry` (bundled, served with `body`) open in headless Chromium, once the page has set
 * `window[global]`; the page must throw nothing while the test runs.
 */
export async function openTestPage(t: TestContext, entry: URL, body: string, global: string): Promise<Page> {
  if (missing)
    throw new Error(`CI=true and no Chromium at ${CHROMIUM}: install it (apt-get install chromium)`);
  const url = await servePage(t, await bundlePage(entry), body);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  t.after(() => browser.close());
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  t.after(() => assert.deepEqual(errors, [], 'no errors in the page'));
  await page.goto(url);
  await page.waitForFunction((name) => name in window, global);
  return page;
}
