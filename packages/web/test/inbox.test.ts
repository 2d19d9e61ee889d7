import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { makePerson, TEST_JWT_SECRET } from '../../server/test/helpers/principals.js';
import { account, close, launch, openPage, rest, signIn, skip, startServer } from './browser.js';

before(launch);
after(close);

test(
  'the inbox in two windows: what came while away is listed, reading in one clears the other’s badge at once',
  { skip },
  async (t) => {
    const server = await startServer(t, { JWT_SECRET: TEST_JWT_SECRET });
    const { url } = server;
    const admin = await makePerson(server, 'Root', 'admin');
    const sam = await account(url, 'Sam', 'job_seeker');
    // Before any window is open: one to Sam, one to every job seeker.
    await rest(
      url,
      'POST',
      '/api/v1/notifications',
      { user_id: sam.id, message: 'Welcome back, Sam' },
      admin.token,
    );
    await rest(
      url,
      'POST',
      '/api/v1/notifications',
      { role: 'job_seeker', message: 'New boards for seekers' },
      admin.token,
    );

    const [a, b] = await Promise.all([
      openPage(t, url, '#/notifications'),
      openPage(t, url, '#/notifications'),
    ]);
    await signIn(a, sam.email, sam.password);
    await signIn(b, sam.email, sam.password);
    for (const page of [a, b]) {
      const list = page.getByTestId('notifications');
      await list.getByText('New boards for seekers').waitFor({ timeout: 10_000 });
      await list.getByText('Welcome back, Sam').waitFor({ timeout: 5000 });
      await page.locator('[data-testid=unread]', { hasText: /^2$/ }).waitFor({ timeout: 5000 });
    }
    // One arriving live shows in both.
    await rest(url, 'POST', '/api/v1/notifications', { message: 'Maintenance at noon' }, admin.token);
    for (const page of [a, b]) {
      await page.getByTestId('notifications').getByText('Maintenance at noon').waitFor({ timeout: 5000 });
      await page.locator('[data-testid=unread]', { hasText: /^3$/ }).waitFor({ timeout: 5000 });
    }

    // Read one in window A: window B's badge and item follow without a reload.
    await a
      .locator('[data-testid=notifications] li', { hasText: 'Welcome back, Sam' })
      .getByRole('button', { name: 'Mark read' })
      .click();
    await b.locator('[data-testid=unread]', { hasText: /^2$/ }).waitFor({ timeout: 3000 });
    await b
      .locator('[data-testid=notifications] li.is-read', { hasText: 'Welcome back, Sam' })
      .waitFor({ timeout: 3000 });
    // Read all in window B: A's badge empties.
    await b.getByRole('button', { name: 'Mark all read' }).click();
    await a.locator('[data-testid=unread]', { hasText: /^0$/ }).waitFor({ timeout: 3000 });
    assert.equal(await a.locator('[data-testid=notifications] li.is-unread').count(), 0);

    // The server kept it: a reload shows the same, read.
    await a.reload();
    await a.getByTestId('notifications').getByText('Maintenance at noon').waitFor({ timeout: 10_000 });
    assert.equal(await a.locator('[data-testid=notifications] li').count(), 3);
    assert.equal(await a.locator('[data-testid=notifications] li.is-unread').count(), 0);
  },
);
