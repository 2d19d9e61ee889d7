// The built dashboard in headless Chromium against a real Jobstream: what arrives shows up unreloaded.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { close, launch, openPage, rest, skip, startServer } from './browser.js';

before(launch);
after(close);

const posting = (title: string, extra: Record<string, unknown> = {}) => ({
  company: 'Acme',
  job_title: title,
  job_description: 'Build real-time APIs in TypeScript and Node.js.',
  location: 'Remote',
  skills_required: ['TypeScript', 'Node.js'],
  ...extra,
});

test(
  'the dashboard is served at / and shows a posting created over REST without a reload',
  { skip },
  async (t) => {
    const { url } = await startServer(t);
    await rest(url, 'POST', '/api/v1/jobs', posting('Loaded Engineer'));
    // A scrape that finished before the page opened (published as a scrape pipeline would).
    for (const [type, data] of [
      ['scrape.started', { source: 'acme-board', expected_duration_seconds: 30 }],
      [
        'scrape.completed',
        {
          source: 'acme-board',
          jobs_found: 42,
          new_jobs: 10,
          updated_jobs: 5,
          duration_seconds: 3,
          errors: 0,
        },
      ],
    ] as const) {
      await rest(url, 'POST', '/api/v1/publish', { topic: 'scrapes', type, data });
    }
    const page = await openPage(t, url);
    // From the topic's history: the scrapes panel is not empty until the next run.
    const scrapes = page.getByTestId('scrapes');
    await scrapes.getByText('acme-board').waitFor({ timeout: 5000 });
    assert.match((await scrapes.textContent()) ?? '', /acme-board\s*42\s*10\s*5\s*0/);
    const postings = page.getByTestId('postings');
    // The initial REST load, then the live event.
    await postings.getByText('Loaded Engineer').waitFor({ timeout: 5000 });
    await rest(url, 'POST', '/api/v1/jobs', posting('Live Engineer'));
    const live = postings.locator('li.posting', { hasText: 'Live Engineer' });
    await live.waitFor({ timeout: 5000 });
    assert.equal(await live.locator('.badge.created').textContent(), 'new');
    // Newest first.
    assert.match((await postings.locator('li.posting').first().textContent()) ?? '', /Live Engineer/);
    // The posting's analysis queue work shows in the queue panel's statistics.
    await page.getByTestId('queue-stats').waitFor({ timeout: 5000 });
    // Not the demo: no credentials offered.
    assert.equal(await page.getByTestId('demo-hint').count(), 0);
  },
);

test(
  'a signed-in seeker sees their analysis and recommendations arrive live, and their matching run’s matches',
  { skip },
  async (t) => {
    const { url } = await startServer(t);
    const email = 'sam@example.test';
    const password = 'a long enough password';
    await rest(url, 'POST', '/api/v1/auth/register', {
      email,
      password,
      role: 'job_seeker',
      name: 'Sam Seeker',
    });
    const page = await openPage(t, url);

    // Sign in through the form; wait until the dashboard's connection has subscribed to the user's topic.
    const subscribed = new Promise<void>((resolve) => {
      page.on('websocket', (ws) =>
        ws.on('framereceived', ({ payload }) => {
          if (/"type":"subscribed","topic":"user:/.test(String(payload))) resolve();
        }),
      );
    });
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'For Sam Seeker' }).waitFor({ timeout: 5000 });
    await subscribed;

    const { access_token: token } = await rest<{ access_token: string }>(url, 'POST', '/api/v1/auth/login', {
      email,
      password,
    });
    await rest(
      url,
      'PUT',
      '/api/v1/profile',
      {
        skills: ['TypeScript', 'Node.js', 'WebSocket'],
        desired_titles: ['Backend Engineer'],
        locations: ['Remote'],
        remote_preference: 'remote',
      },
      token,
    );
    await rest(url, 'POST', '/api/v1/jobs', posting('Backend Engineer', { company: 'Fitting Co' }));

    const activity = page.getByTestId('activity');
    const analysed = activity.locator('li', { hasText: 'Analysed: Backend Engineer at Fitting Co' });
    await analysed.waitFor({ timeout: 10_000 });
    assert.match((await analysed.textContent()) ?? '', /match \d+(\.\d+)? \/ 100/);
    await page.getByTestId('recommendations').getByText('Backend Engineer').waitFor({ timeout: 10_000 });
    await activity.getByText(/new recommendations?/).waitFor({ timeout: 5000 });

    // A matching run of theirs gets a link to its ranked matches.
    const { items } = await rest<{ items: { id: number }[] }>(url, 'GET', '/api/v1/jobs?limit=5');
    await rest(
      url,
      'POST',
      '/api/v1/matching-jobs',
      {
        source: { name: 'CV', text: 'TypeScript and Node.js backend engineer, remote.' },
        targets: items.map((p) => ({ posting_id: p.id })),
        criteria: [{ id: 'stack', label: 'TypeScript and Node.js' }],
      },
      token,
    );
    await page.locator('.runs a[href^="#/work/"]').first().click({ timeout: 5000 });
    const best = page.getByTestId('candidates').locator('li', { hasText: /^#1 / }).first();
    await best.waitFor({ timeout: 10_000 });
    assert.match((await best.textContent()) ?? '', /^#1 Backend Engineer/);
    await page.goBack();

    // Signing out goes back to the form and an anonymous connection.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 5000 });
    await page.locator('[data-testid=connection][data-state=open]').waitFor({ timeout: 5000 });
  },
);
