// Every page on the demo at 1280×800 and 390×844, saved to test-artifacts/ to look at (the whole
// page, below the fold too): none wider than the phone's screen, no errors in the page.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { close, launch, openPage, rest, signIn, skip, startServer } from './browser.js';

before(launch);
after(close);

const OUT = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const PASSWORD = 'demo-password';

async function shoot(page: Page, name: string, width: number): Promise<void> {
  await page.waitForTimeout(700); // let the glow and the bars' growth of what just arrived settle (a picture, not an assertion)
  await page.screenshot({ path: `${OUT}${name}-${width}.png`, fullPage: true });
  // A page taller than the screen also in screen-sized parts, legible without zooming out.
  const { height } = page.viewportSize()!;
  const tall = await page.evaluate(() => document.documentElement.scrollHeight);
  for (let y = 0, i = 1; tall > height * 1.2 && y < tall; y += height, i++) {
    const clip = { x: 0, y, width, height: Math.min(height, tall - y) };
    await page.screenshot({ path: `${OUT}${name}-${width}-part${i}.png`, fullPage: true, clip });
  }
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= width, `${name} at ${width} px is ${wide} px wide`);
}

const go = (page: Page, hash: string) => page.evaluate((h) => (window.location.hash = h), hash);

test('every page at 1280×800 and 390×844', { skip, timeout: 120_000 }, async (t) => {
  mkdirSync(OUT, { recursive: true });
  const started = await startServer(t, { SOURCE_ALLOW_PRIVATE: 'true' }, { demo: true });
  const { url } = started;
  const ada = await rest<{ access_token: string }>(url, 'POST', '/api/v1/auth/login', {
    email: 'ada@demo.test',
    password: PASSWORD,
  });
  const { items } = await rest<{ items: { id: number }[] }>(url, 'GET', '/api/v1/jobs?limit=4');
  assert.ok(items.length > 0, 'the demo has postings');
  const run = await rest<{ job_id: string }>(
    url,
    'POST',
    '/api/v1/matching-jobs',
    {
      source: { name: 'CV', text: 'TypeScript and Node.js backend engineer, remote.' },
      targets: items.map((p) => ({ posting_id: p.id })),
      criteria: [
        { id: 'stack', label: 'TypeScript and Node.js' },
        { id: 'remote', label: 'Remote work' },
      ],
    },
    ada.access_token,
  );
  // Something on the board and the agenda: Ada applied twice, the admin moved one on and booked an interview.
  const admin = await rest<{ access_token: string }>(url, 'POST', '/api/v1/auth/login', {
    email: 'admin@demo.test',
    password: PASSWORD,
  });
  const apps = [];
  for (const p of items.slice(0, 2))
    apps.push(
      await rest<{ id: number }>(url, 'POST', '/api/v1/applications', { posting_id: p.id }, ada.access_token),
    );
  for (const status of ['reviewing', 'interviewing'])
    await rest(url, 'PATCH', `/api/v1/applications/${apps[0]!.id}/status`, { status }, admin.access_token);
  const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
  await rest(
    url,
    'POST',
    '/api/v1/interviews',
    { application_id: apps[0]!.id, scheduled_date: inHours(26), interview_type: 'technical' },
    admin.access_token,
  );
  await rest(
    url,
    'POST',
    '/api/v1/followups',
    { application_id: apps[1]!.id, scheduled_date: inHours(48) },
    ada.access_token,
  );
  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ]) {
    const w = viewport.width;
    const page = await openPage(t, url, '', viewport);
    await page.getByTestId('server-stats').waitFor({ timeout: 10_000 });
    await shoot(page, 'home-signed-out', w);
    await go(page, '/signin');
    await shoot(page, 'signin', w);
    await signIn(page, 'ada@demo.test', PASSWORD);
    await go(page, '/');
    await page.getByRole('heading', { name: /^For / }).waitFor({ timeout: 10_000 });
    await shoot(page, 'home', w);
    await go(page, '/postings');
    await page.getByTestId('posting-list').waitFor({ timeout: 10_000 });
    await shoot(page, 'postings', w);
    await go(page, `/postings/${items[0]!.id}`);
    await page.getByTestId('analysis').getByText('Strengths').waitFor({ timeout: 15_000 });
    await shoot(page, 'posting', w);
    await go(page, '/applications');
    await page.locator('[data-testid=board] [data-status=interviewing] .card').waitFor({ timeout: 10_000 });
    await shoot(page, 'applications', w);
    await go(page, '/agenda');
    await page.getByTestId('interviews').waitFor({ timeout: 10_000 });
    await page.getByTestId('followups').waitFor({ timeout: 10_000 });
    await shoot(page, 'agenda', w);
    await go(page, '/queue');
    await page.getByTestId('jobs').waitFor({ timeout: 10_000 });
    await shoot(page, 'queue', w);
    await go(page, `/work/${run.job_id}`);
    await page.getByTestId('candidates').waitFor({ timeout: 15_000 });
    await shoot(page, 'work', w);
    await go(page, '/notifications');
    await page.getByRole('heading', { name: /^Notifications/ }).waitFor({ timeout: 10_000 });
    await shoot(page, 'notifications', w);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, 'admin@demo.test', PASSWORD);
    await go(page, '/admin');
    await page.getByTestId('by-node').waitFor({ timeout: 10_000 });
    await page.getByTestId('topics').locator('tbody tr').first().waitFor({ timeout: 10_000 });
    await page.getByTestId('workers').waitFor({ timeout: 10_000 });
    await shoot(page, 'admin', w);
    await page.getByRole('button', { name: 'Publish' }).click();
    await page
      .getByTestId('toasts')
      .getByText(/^Published to alerts as seq \d+$/)
      .waitFor({ timeout: 5000 });
  }
});
