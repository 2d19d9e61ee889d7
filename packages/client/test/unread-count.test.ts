import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, signUp } from '../../server/test/helpers/api.js';
import { makePerson, TEST_JWT_SECRET } from '../../server/test/helpers/principals.js';
import { startServer } from './helpers/jobstream.js';
import { openTestPage, skip } from './helpers/page.js';

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

    const page = await openTestPage(
      t,
      new URL('unread/page.tsx', import.meta.url),
      '<div id="root"></div>',
      'unread',
    );
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
