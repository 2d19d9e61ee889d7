// The dashboard's pages in headless Chromium against a real Jobstream: what changes shows up unreloaded.
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { runOf, slowLlm } from '../../server/test/helpers/matching-stream.js';
import { makePerson, TEST_JWT_SECRET } from '../../server/test/helpers/principals.js';
import { account, close, launch, openPage, rest, signIn, skip, startServer } from './browser.js';

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

/** Posts a job as the recruiter holding `token`; its id. */
const postJob = (url: string, job: ReturnType<typeof posting>, token: string) =>
  rest<{ id: number }>(url, 'POST', '/api/v1/jobs', job, token);

/** Applies to posting `postingId` as the seeker holding `token`; the application's id. */
const apply = (url: string, postingId: number, token: string) =>
  rest<{ id: number }>(url, 'POST', '/api/v1/applications', { posting_id: postingId }, token);

const matching = (targets: unknown[]) => ({
  source: { name: 'CV', text: 'TypeScript and Node.js backend engineer, remote, real-time APIs.' },
  targets,
  criteria: [
    { id: 'stack', label: 'TypeScript and Node.js' },
    { id: 'remote', label: 'Remote work' },
  ],
});

test(
  'two windows on the Queue page both show a job created over REST within a second',
  { skip },
  async (t) => {
    const { url } = await startServer(t);
    const [a, b] = await Promise.all([openPage(t, url, '#/queue'), openPage(t, url, '#/queue')]);
    // Both have loaded the (empty) queue: anything that shows now came live (the next poll is 30 s away).
    await Promise.all([a, b].map((p) => p.getByText('No work yet.').waitFor({ timeout: 10_000 })));
    const { job_id: id } = await rest<{ job_id: string }>(
      url,
      'POST',
      '/api/v1/matching-jobs',
      matching([{ name: 'Backend role', text: 'TypeScript Node.js remote backend' }]),
    );
    const created = Date.now();
    await Promise.all(
      [a, b].map(async (page) => {
        const row = page.locator(`[data-testid=jobs] li[data-id="${id}"]`);
        await row.waitFor({ timeout: 5000 });
        assert.match((await row.textContent()) ?? '', /matching/);
      }),
    );
    const shown = Date.now() - created;
    assert.ok(shown < 1000, `both windows showed the job ${shown} ms after the REST call answered`);
    // It completes, with a toast; the filter keeps it in and puts others out, in the URL.
    await a.locator(`li[data-id="${id}"] .status.complete`).waitFor({ timeout: 15_000 });
    await a
      .getByTestId('toasts')
      .getByText(/matching \w+ completed/)
      .waitFor({ timeout: 5000 });
    await a.getByLabel('Kind').selectOption('scrape');
    await a.getByText('No work of this kind and status yet.').waitFor({ timeout: 5000 });
    assert.match(a.url(), /#\/queue\?kind=scrape$/);
    await a.goBack();
    await a.locator(`li[data-id="${id}"]`).waitFor({ timeout: 5000 });
  },
);

test(
  'a Kanban card moves when its status changes through the API; an invalid move is refused',
  { skip },
  async (t) => {
    const { url } = await startServer(t);
    const rita = await account(url, 'Rita', 'recruiter');
    const sam = await account(url, 'Sam', 'job_seeker');
    const created = await postJob(url, posting('Board Engineer'), rita.token);
    const app = await apply(url, created.id, sam.token);

    const page = await openPage(t, url, '#/applications');
    await signIn(page, sam.email, sam.password);
    const card = (status: string) =>
      page.locator(`[data-testid=board] [data-status=${status}] .card[data-id="${app.id}"]`);
    await card('pending').waitFor({ timeout: 10_000 });

    await rest(url, 'PATCH', `/api/v1/applications/${app.id}/status`, { status: 'reviewing' }, rita.token);
    await card('reviewing').waitFor({ timeout: 5000 });
    assert.equal(await card('pending').count(), 0);
    await page
      .getByTestId('toasts')
      .getByText('Board Engineer at Acme: reviewing')
      .waitFor({ timeout: 5000 });

    // The seeker may not accept what was never offered: the server's words, and the card stays.
    await card('reviewing').getByLabel('Move to').selectOption('accepted');
    await page
      .getByTestId('toasts')
      .getByText('Refused: cannot move an application from reviewing to accepted')
      .waitFor({ timeout: 5000 });
    assert.equal(await card('reviewing').count(), 1);
    // Withdrawing is theirs to do.
    await card('reviewing').getByLabel('Move to').selectOption('withdrawn');
    await card('withdrawn').waitFor({ timeout: 5000 });
    // The card's timeline: every change, newest first.
    await card('withdrawn').getByText('Timeline').click();
    const timeline = card('withdrawn').getByTestId('timeline');
    await timeline.getByText('reviewing → withdrawn').waitFor({ timeout: 5000 });
    assert.match(
      (await timeline.textContent()) ?? '',
      /reviewing → withdrawn.*pending → reviewing.*applied/s,
    );
  },
);

test(
  "a recruiter's board moves live: the applicant withdraws, an admin moves a card",
  { skip },
  async (t) => {
    const server = await startServer(t, { JWT_SECRET: TEST_JWT_SECRET });
    const { url } = server;
    const rita = await account(url, 'Rita', 'recruiter');
    const sam = await account(url, 'Sam', 'job_seeker');
    const bo = await account(url, 'Bo', 'job_seeker');
    const root = await makePerson(server, 'Root', 'admin');
    const created = await postJob(url, posting('Kanban Engineer'), rita.token);
    const samApp = await apply(url, created.id, sam.token);
    const page = await openPage(t, url, '#/applications');
    await signIn(page, rita.email, rita.password);
    const card = (id: number, status: string) =>
      page.locator(`[data-testid=board] [data-status=${status}] .card[data-id="${id}"]`);
    await card(samApp.id, 'pending').waitFor({ timeout: 10_000 });
    // A new application shows up on the recruiter's board by itself.
    const boApp = await apply(url, created.id, bo.token);
    await card(boApp.id, 'pending').waitFor({ timeout: 5000 });

    // The applicant withdraws: the recruiter's card moves, with a toast.
    await rest(url, 'PATCH', `/api/v1/applications/${samApp.id}/status`, { status: 'withdrawn' }, sam.token);
    await card(samApp.id, 'withdrawn').waitFor({ timeout: 5000 });
    assert.equal(await card(samApp.id, 'pending').count(), 0);
    await page
      .getByTestId('toasts')
      .getByText('Kanban Engineer at Acme: withdrawn')
      .waitFor({ timeout: 5000 });
    // An admin moves the other card: it moves here too.
    await rest(url, 'PATCH', `/api/v1/applications/${boApp.id}/status`, { status: 'reviewing' }, root.token);
    await card(boApp.id, 'reviewing').waitFor({ timeout: 5000 });
    assert.equal(await card(boApp.id, 'pending').count(), 0);
  },
);

test("a matching run's candidates appear on its page while it runs, then ranked", { skip }, async (t) => {
  // Each evaluation takes 400 ms (an OpenAI-compatible stub): eight targets run for a few seconds.
  const llm = await slowLlm(t, 400);
  const { url } = await startServer(t, { LLM_BASE_URL: llm, LLM_MODEL: 'stub' });
  const page = await openPage(t, url);
  const { job_id: id } = await rest<{ job_id: string }>(url, 'POST', '/api/v1/matching-jobs', runOf(8));
  await page.evaluate((h) => (window.location.hash = h), `/work/${id}`);
  const candidates = page.getByTestId('candidates').locator(':scope > li');
  await candidates.first().waitFor({ timeout: 15_000 });
  // A candidate is on the page, and the run is still running (the page's status and the REST one).
  const status = page.locator('#work-title .status');
  assert.equal(await status.textContent(), 'running', 'the page still shows the run running');
  const job = await rest<{ status: string }>(url, 'GET', `/api/v1/queue/jobs/${id}`);
  assert.equal(job.status, 'running', 'the run is still running');
  const early = await candidates.count();
  assert.ok(early >= 1 && early < 8, `${early} of 8 candidates while it runs`);
  // More arrive unreloaded; at the end all eight, with their persisted ranks.
  await page.locator('#work-title .status.complete').waitFor({ timeout: 30_000 });
  await page.waitForFunction(
    () => document.querySelectorAll('[data-testid=candidates] > li').length === 8,
    undefined,
    { timeout: 10_000 },
  );
  await candidates.first().getByText(/^#1 /).waitFor({ timeout: 10_000 });
});

test("a matching run's candidates appear on its page, ranked", { skip }, async (t) => {
  const { url } = await startServer(t);
  const sam = await account(url, 'Sam', 'job_seeker');
  const targets = [
    'Backend TypeScript remote',
    'Frontend designer on site',
    'Node.js real-time APIs remote',
  ].map((text, i) => ({ name: `Target ${i + 1}`, text: `${text} engineer` }));
  const page = await openPage(t, url);
  await signIn(page, sam.email, sam.password);
  const { job_id: id } = await rest<{ job_id: string }>(
    url,
    'POST',
    '/api/v1/matching-jobs',
    matching(targets),
    sam.token,
  );
  await page.evaluate((h) => (window.location.hash = h), `/work/${id}`);
  await page.getByText('TypeScript and Node.js').first().waitFor({ timeout: 10_000 });
  const candidates = page.getByTestId('candidates').locator(':scope > li');
  await page.waitForFunction(
    () => document.querySelectorAll('[data-testid=candidates] > li').length === 3,
    undefined,
    { timeout: 15_000 },
  );
  await candidates.first().getByText(/^#1 /).waitFor({ timeout: 15_000 });
  assert.match((await candidates.first().textContent()) ?? '', /search hits/);
});

test('a reminder shows on the agenda when it arrives', { skip }, async (t) => {
  const { url } = await startServer(t, { SCHEDULER_TICK_MS: '200' });
  const rita = await account(url, 'Rita', 'recruiter');
  const sam = await account(url, 'Sam', 'job_seeker');
  const created = await postJob(url, posting('Agenda Engineer'), rita.token);
  const app = await apply(url, created.id, sam.token);
  const page = await openPage(t, url, '#/agenda');
  await signIn(page, sam.email, sam.password);
  await page.getByText('No interview scheduled.').waitFor({ timeout: 10_000 });
  const soon = new Date(Date.now() + 10 * 60_000).toISOString();
  await rest(url, 'POST', '/api/v1/interviews', { application_id: app.id, scheduled_date: soon }, rita.token);
  await page
    .getByTestId('reminders')
    .getByText(/Interview at Acme in/)
    .waitFor({ timeout: 10_000 });
  await page
    .getByTestId('toasts')
    .getByText(/^⏰ Interview in/)
    .waitFor({ timeout: 5000 });
  await page
    .getByTestId('interviews')
    .getByText(/in (9|10) min/)
    .waitFor({ timeout: 10_000 });
  assert.ok(Number(await page.getByTestId('unread').textContent()) >= 1, 'counted unread');
  // The notifications list it; marking all read empties the count.
  await page.getByRole('link', { name: /^Notifications/ }).click();
  await page
    .getByTestId('notifications')
    .getByText(/^Interview in/)
    .first()
    .waitFor({ timeout: 5000 });
  await page.getByRole('button', { name: 'Mark all read' }).click();
  await page.locator('[data-testid=unread]', { hasText: /^0$/ }).waitFor({ timeout: 5000 });
});

test(
  'the indicator says reconnecting… while the server is down and live when it returns',
  { skip },
  async (t) => {
    const first = await startServer(t);
    const page = await openPage(t, first.url, '#/queue');
    assert.equal(await page.getByTestId('connection').textContent(), ' live');
    const { port } = new URL(first.url);
    const database = first.config.databaseUrl;
    await first.server.close();
    await page.locator('[data-testid=connection]', { hasText: 'reconnecting…' }).waitFor({ timeout: 10_000 });
    await startServer(t, { PORT: port, DATABASE_URL: database });
    await page.locator('[data-testid=connection]', { hasText: 'live' }).waitFor({ timeout: 30_000 });
  },
);

test('a source whose scrapes fail says why on Home (not only a red count)', { skip }, async (t) => {
  const { url } = await startServer(t, { SOURCE_ALLOW_PRIVATE: 'true' });
  // Nothing listens on port 9 of this machine: every fetch of this feed is refused.
  await rest(url, 'POST', '/api/v1/sources', {
    name: 'left-over',
    kind: 'json',
    url: 'http://127.0.0.1:9/jobs.json',
    company: 'Gone Ltd',
  });
  const { jobs } = await rest<{ jobs: { job_id: string }[] }>(url, 'POST', '/api/v1/scrapes', {
    source: 'left-over',
  });
  const page = await openPage(t, url);
  await page.getByTestId('scrapes').getByText('left-over').waitFor({ timeout: 15_000 });
  // Loaded with the page, or again when the scrape completes.
  const why = page.getByTestId('source-errors').locator('li', { hasText: 'left-over' });
  await why.waitFor({ timeout: 15_000 });
  assert.match((await why.textContent()) ?? '', /left-over: \S+/);
  // The scrape's own page names the error too.
  await page.evaluate((h) => (window.location.hash = h), `/work/${jobs[0]!.job_id}`);
  await page.getByTestId('scrape-errors').waitFor({ timeout: 10_000 });
});

test('a session renews its token before it expires instead of signing the user out', { skip }, async (t) => {
  const { url } = await startServer(t);
  const sam = await account(url, 'Sam', 'job_seeker');
  // The page's clock is ours to move: the token (1 h) is renewed at four fifths of its life.
  const page = await openPage(t, url, '#/queue', undefined, (p) => p.clock.install());
  await signIn(page, sam.email, sam.password);
  const stored = () => page.evaluate(() => sessionStorage.getItem('jobstream.session') ?? '');
  type Stored = { token: string; expiresAt: number };
  const first = JSON.parse(await stored()) as Stored;
  await page.clock.fastForward('49:00');
  // Asked from here (the page's own timers are stopped): at most 50 looks, 200 ms apart. A renewed
  // session lapses an hour after the renewal (the token itself may be the same within a second).
  let now = first;
  for (let i = 0; i < 50 && now.expiresAt === first.expiresAt; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    now = JSON.parse(await stored()) as Stored;
  }
  assert.ok(now.expiresAt - first.expiresAt > 40 * 60_000, 'renewed for another hour');
  const renewed = JSON.parse(await stored()) as { token: string };
  const me = await rest<{ user: { id: string } }>(url, 'GET', '/api/v1/auth/me', undefined, renewed.token);
  assert.equal(me.user.id, sam.id);
  // Still signed in, still connected.
  await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 5000 });
  await page.locator('[data-testid=connection][data-state=open]').waitFor({ timeout: 10_000 });
});

test(
  'Postings: filters in the URL, a live posting with its badge and salary, its analysis, Apply',
  { skip },
  async (t) => {
    const { url } = await startServer(t);
    const rita = await account(url, 'Rita', 'recruiter');
    const sam = await account(url, 'Sam', 'job_seeker');
    await rest(
      url,
      'PUT',
      '/api/v1/profile',
      {
        skills: ['TypeScript', 'Node.js'],
        desired_titles: ['Backend Engineer'],
        locations: ['Remote'],
        remote_preference: 'remote',
      },
      sam.token,
    );
    await rest(url, 'POST', '/api/v1/jobs', posting('Designer', { skills_required: ['Figma'] }), rita.token);
    const page = await openPage(t, url, '#/postings?skill=TypeScript');
    await signIn(page, sam.email, sam.password);
    const list = page.getByTestId('posting-list');
    await page.getByText('No postings match these filters yet.').waitFor({ timeout: 10_000 });
    // Arrives live, fits the filter; the analysis made for Sam puts a badge on it.
    const made = await rest<{ id: number }>(
      url,
      'POST',
      '/api/v1/jobs',
      posting('Backend Engineer', {
        salary_min: 70000,
        salary_max: 90000,
        skills_required: ['TypeScript', 'Node.js', 'Rust'],
      }),
      rita.token,
    );
    const row = list.locator('li', { hasText: 'Backend Engineer' });
    await row.getByTestId('score').waitFor({ timeout: 15_000 });
    assert.match((await row.textContent()) ?? '', /Acme · Remote · 70K–90K/);
    assert.match(
      (await row.getByTestId('score').textContent()) ?? '',
      /^(Excellent match|Good match|Match) \d+$/,
    );
    assert.equal(await list.getByText('Designer').count(), 0, 'filtered out');

    await row.getByRole('link', { name: 'Backend Engineer' }).click();
    const analysis = page.getByTestId('analysis');
    await analysis.getByText('Skill gap').waitFor({ timeout: 15_000 });
    // The one missing skill, with a suggestion of how to learn it.
    await analysis.locator('.gap li', { hasText: 'Rust' }).locator('.meta').waitFor({ timeout: 5000 });
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByTestId('toasts').getByText('Applied to Backend Engineer').waitFor({ timeout: 5000 });
    const mine = await rest<{ posting_id: number }[]>(
      url,
      'GET',
      '/api/v1/applications',
      undefined,
      sam.token,
    );
    assert.deepEqual(
      mine.map((a) => a.posting_id),
      [made.id],
    );
    await page.goBack();
    await page.getByTestId('posting-list').waitFor({ timeout: 5000 });
    assert.match(page.url(), /#\/postings\?skill=TypeScript$/);
  },
);

test('Queue: cancel a waiting job of yours, then retry it', { skip }, async (t) => {
  // A feed that never answers holds the only worker, so the run queued after it waits.
  const held = new Set<ServerResponse>();
  const feed = createServer((_req, res) => void held.add(res));
  await new Promise<void>((resolve) => feed.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const res of held) res.destroy();
    feed.close();
  });
  const feedPort = (feed.address() as AddressInfo).port;
  const { url } = await startServer(t, {
    WORK_CONCURRENCY: '1',
    SOURCE_ALLOW_PRIVATE: 'true',
    SCRAPE_TIMEOUT_MS: '60000',
  });
  await rest(url, 'POST', '/api/v1/sources', {
    name: 'slow',
    kind: 'json',
    url: `http://127.0.0.1:${feedPort}/jobs.json`,
    company: 'Slow Ltd',
  });
  await rest(url, 'POST', '/api/v1/scrapes', { source: 'slow' });
  const sam = await account(url, 'Sam', 'job_seeker');
  const { job_id: id } = await rest<{ job_id: string }>(
    url,
    'POST',
    '/api/v1/matching-jobs',
    matching([{ name: 'Backend role', text: 'TypeScript Node.js remote backend' }]),
    sam.token,
  );
  const page = await openPage(t, url, '#/queue');
  await signIn(page, sam.email, sam.password);
  const row = page.locator(`[data-testid=jobs] li[data-id="${id}"]`);
  await row.locator('.status.queued').waitFor({ timeout: 10_000 });
  await row.getByRole('button', { name: 'Cancel' }).click();
  await row.locator('.status.cancelled').waitFor({ timeout: 5000 });
  await row.getByRole('button', { name: 'Retry' }).click();
  await row.locator('.status.queued').waitFor({ timeout: 5000 });
  await page
    .getByTestId('toasts')
    .getByText(/queued again/)
    .waitFor({ timeout: 5000 });
});

test(
  'Admin: connections by endpoint and by node, topics with last seq, workers, every 5 s',
  { skip },
  async (t) => {
    const server = await startServer(t, { JWT_SECRET: TEST_JWT_SECRET });
    const { url } = server;
    const root = await makePerson(server, 'Root', 'admin');
    const page = await openPage(t, url, '#/admin');
    await signIn(page, root.email, root.password);
    const total = page.getByTestId('by-endpoint').locator('tr', { hasText: 'total' }).locator('td');
    await total.waitFor({ timeout: 10_000 });
    assert.ok(Number(await total.textContent()) >= 1, 'this page’s own connection');
    const node = page.getByTestId('by-node').locator('tbody tr');
    assert.equal(await node.count(), 1);
    assert.match((await node.textContent()) ?? '', /\(this one\)/);
    // This page reads its user's topic: listed with its subscriber count.
    await page
      .getByTestId('topics')
      .locator('tr', { hasText: `user:${root.id}` })
      .waitFor({ timeout: 10_000 });
    assert.match((await page.getByTestId('workers').textContent()) ?? '', /0 \/ \d+/);
    // Another window opens (anonymous, it reads `system` too): the next poll (every 5 s) counts one
    // more subscriber there, unreloaded.
    const system = () => page.getByTestId('topics').locator('tr', { hasText: /^system/ });
    const before = Number(await system().locator('td').first().textContent());
    await openPage(t, url, '#/queue');
    await system()
      .locator('td', { hasText: new RegExp(`^${before + 1}$`) })
      .waitFor({ timeout: 8000 });
  },
);
