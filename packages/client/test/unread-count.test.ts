import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { api, signUp } from '../../server/test/helpers/api.js';
import { makePerson, TEST_JWT_SECRET } from '../../server/test/helpers/principals.js';
import { startServer } from './helpers/jobstream.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const missing = !existsSync(CHROMIUM);
// In CI a missing browser is a failure, never a silent skip.
const skip = missing && process.env.CI !== 'true' ? `no Chromium at ${CHROMIUM}` : false;

type State = { status: 'loading' } | { status: 'ready'; count: number } | { status: 'error'; error: string };

test(
  'in Chromium under StrictMode: useUnreadCount loads the count, follows a new item, and takes inbox.read from another device at once',
  { skip },
  async (t) => {
    const server = await startServer(t, { CORS_ORIGINS: '*', JWT_SECRET: TEST_JWT_SECRET });
    const admin = api(server.url, (await makePerson(server, 'Root', 'admin')).token);
    const ada = await signUp(server.url, 'Ada', 'job_seeker');
    assert.equal(
      (await admin('POST', '/api/v1/notifications', { user_id: ada.id, message: 'one' })).status,
      201,
    );

    const bundled = await build({
      entryPoints: [fileURLToPath(new URL('unread/page.tsx', import.meta.url))],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      conditions: ['@jobstream/source'],
      jsx: 'automatic',
      define: { 'process.env.NODE_ENV': '"development"' },
      write: false,
      logLevel: 'silent',
    });
    const script = bundled.outputFiles[0]!.text;
    const site = createServer((req, res) => {
      if (req.url === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      else
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<!doctype html><div id="root"></div><script type="module" src="/page.js"></script>');
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    t.after(() => site.close());
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    t.after(() => browser.close());
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    t.after(() => assert.deepEqual(errors, [], 'no errors in the page'));
    await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => 'unread' in window);
    await page.evaluate(
      ([url, token, id]) =>
        (window as unknown as { unread: { mount(...a: string[]): void } }).unread.mount(url!, token!, id!),
      [server.url, ada.token, ada.id],
    );
    const last = () =>
      page.evaluate(() => {
        const states = (window as unknown as { unread: { states: State[] } }).unread.states;
        return states[states.length - 1];
      });
    const until = async (want: State) => {
      const deadline = Date.now() + 5000;
      while (JSON.stringify(await last()) !== JSON.stringify(want)) {
        assert.ok(
          Date.now() < deadline,
          `never ${JSON.stringify(want)}: last ${JSON.stringify(await last())}`,
        );
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await until({ status: 'ready', count: 1 });
    // Wait for the socket to be subscribed: the server counts it.
    const deadline = Date.now() + 5000;
    while (server.server.registry.size === 0) {
      assert.ok(Date.now() < deadline, 'the page never connected');
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(
      (await admin('POST', '/api/v1/notifications', { user_id: ada.id, message: 'two' })).status,
      201,
    );
    await until({ status: 'ready', count: 2 });
    const loadsBefore = await page.evaluate(
      () => (window as unknown as { unread: { loads: number } }).unread.loads,
    );
    // Another device reads everything: the count the event carries, without asking the server.
    assert.equal((await ada.call('POST', '/api/v1/inbox/read-all')).status, 200);
    await until({ status: 'ready', count: 0 });
    const loadsAfter = await page.evaluate(
      () => (window as unknown as { unread: { loads: number } }).unread.loads,
    );
    assert.equal(loadsAfter, loadsBefore, 'inbox.read set the count; nothing was loaded for it');
  },
);
