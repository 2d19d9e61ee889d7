// Web Push in headless Chromium: the button asks for permission on its click only, registers the
// service worker and subscribes; the server then holds the browser's subscription.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pushDb } from '../../server/src/push/push-tables.js';
import { account, close, launch, openPage, signIn, skip, startServer } from './browser.js';

before(launch);
after(close);

declare global {
  interface Window {
    permissionAsks?: number;
  }
}

test(
  'Push notifications: permission asked on the click only, /sw.js registered, the subscription stored where the browser can subscribe',
  { skip },
  async (t) => {
    const server = await startServer(t);
    const ada = await account(server.url, 'Ada', 'job_seeker');
    // Counts the permission prompts the page asks for.
    const page = await openPage(t, server.url, '#/', undefined, async (p) => {
      await p.addInitScript(() => {
        window.permissionAsks = 0;
        const ask = Notification.requestPermission.bind(Notification);
        Notification.requestPermission = (...args) => {
          window.permissionAsks = (window.permissionAsks ?? 0) + 1;
          return ask(...args);
        };
      });
    });
    await signIn(page, ada.email, ada.password);
    const button = page.getByRole('button', { name: 'Push notifications' });
    await button.waitFor({ timeout: 10_000 });
    // Loaded and signed in: nothing asked, no worker yet.
    assert.equal(await page.evaluate(() => window.permissionAsks), 0);
    assert.equal(
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length),
      0,
    );

    await page.context().grantPermissions(['notifications'], { origin: server.url });
    await button.click();
    const panel = page.getByTestId('web-push');
    await page.waitForFunction(
      () =>
        ['on', 'failed'].includes(
          document.querySelector('[data-testid=web-push]')?.getAttribute('data-state') ?? '',
        ),
      undefined,
      { timeout: 15_000 },
    );
    assert.equal(await page.evaluate(() => window.permissionAsks), 1, 'asked once, on the click');
    const worker = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration('/');
      return { scope: registration?.scope, script: registration?.active?.scriptURL };
    });
    assert.deepEqual(worker, { scope: `${server.url}/`, script: `${server.url}/sw.js` });

    const state = await panel.getAttribute('data-state');
    const stored = await pushDb(server.server.store.db)
      .selectFrom('push_subscriptions')
      .select(['endpoint', 'user_id'])
      .execute();
    if (state === 'on') {
      assert.equal(stored.length, 1);
      assert.equal(stored[0]?.user_id, ada.id);
      assert.match(stored[0]?.endpoint ?? '', /^https:\/\//);
    } else {
      // Headless Chromium has no push service to register with (no Google Cloud Messaging behind it):
      // subscribe() fails there, and the button says so; nothing is stored.
      const message = (await panel.textContent()) ?? '';
      t.diagnostic(`pushManager.subscribe failed headless: ${message}`);
      assert.match(message, /push|registration|service/i);
      assert.equal(stored.length, 0);
    }
  },
);
