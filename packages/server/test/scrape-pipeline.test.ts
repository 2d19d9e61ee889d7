import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { createUserService } from '../src/domain/users.js';
import { api, logIn, signUp, watcher } from './helpers/api.js';
import { feedServer, fixture } from './helpers/feed-server.js';
import { startServer as startJobstream, testDatabaseUrl } from './helpers/server.js';
import { sleep, TestClient, type Message } from './helpers/ws-client.js';

interface SourceBody {
  id: number;
  name: string;
  last_status: string | null;
  last_error: string | null;
  last_work_id: string | null;
  next_run_at: string | null;
}

/** A job-feed.md client (`/api/v1/ws/jobs`) that has been told `connected`. */
async function feedClient(t: TestContext, wsUrl: string): Promise<TestClient> {
  const client = new TestClient(`${wsUrl}/api/v1/ws/jobs`);
  t.after(() => client.ws.terminate());
  await client.next('connected');
  return client;
}

/** Scrapes a source on demand and waits for its `scrape.completed` on the native client. */
async function scrapeNow(
  call: ReturnType<typeof api>,
  client: TestClient,
  sourceId: number,
): Promise<Record<string, unknown>> {
  const answer = await call<{ jobs: { job_id: string; source: string }[] }>('POST', '/api/v1/scrapes', {
    source_id: sourceId,
  });
  assert.equal(answer.status, 202);
  const jobId = answer.body.jobs[0]?.job_id;
  assert.ok(jobId);
  const done = await client.next(
    'event',
    (m) => m.event === 'scrape.completed' && (m.data as { work_id?: string }).work_id === jobId,
    10_000,
  );
  return done.data as Record<string, unknown>;
}

const dataOf = (m: Message) => m.data as Record<string, unknown>;

/** A server that may scrape the feed servers on this machine (sources are public addresses by default). */
const startServer = (t: TestContext, env: Record<string, string> = {}) =>
  startJobstream(t, { SOURCE_ALLOW_PRIVATE: '127.0.0.1', ...env });

test('a scrape on demand: started, postings, completed, in order on `scrapes`, `postings` and job-feed', async (t) => {
  const feeds = await feedServer(t);
  const { url, wsUrl } = await startServer(t);
  const call = api(url);
  const created = await call<SourceBody>('POST', '/api/v1/sources', {
    name: 'greenhouse',
    kind: 'greenhouse',
    url: `${feeds.url}/greenhouse`,
    company: 'Acme',
  });
  assert.equal(created.status, 201);
  assert.equal(created.body.next_run_at, null, 'no interval: scraped only on demand');
  const native = await watcher(t, wsUrl, undefined, ['scrapes', 'postings']);
  const feed = await feedClient(t, wsUrl);

  const report = await scrapeNow(call, native, created.body.id);
  assert.deepEqual(
    {
      source: report.source,
      jobs_found: report.jobs_found,
      new_jobs: report.new_jobs,
      updated_jobs: report.updated_jobs,
      errors: report.errors,
    },
    { source: 'greenhouse', jobs_found: 2, new_jobs: 2, updated_jobs: 0, errors: 0 },
  );
  assert.equal(typeof report.duration_seconds, 'number');
  // The documented order: started, the postings, completed.
  const order = native.events().map((m) => `${String(m.topic)} ${String(m.event)}`);
  assert.deepEqual(order, [
    'scrapes scrape.started',
    'postings posting.created',
    'postings posting.created',
    'scrapes scrape.completed',
  ]);
  const started = native.events('scrapes')[0];
  assert.ok(started);
  assert.equal(dataOf(started).expected_duration_seconds, 30, 'no run measured yet: the default guess');

  // job-feed.md's rendering of the same run, with its documented fields.
  await feed.next('scrape_completed');
  // The local owner's analyses of the new postings (job_updated with their score) may follow at any time.
  const feedTypes = feed.received
    .map((m) => m.type)
    .filter((type) => type !== 'connected' && type !== 'job_updated');
  assert.deepEqual(feedTypes, ['scrape_started', 'new_job', 'new_job', 'scrape_completed']);
  const completed = feed.received.find((m) => m.type === 'scrape_completed');
  assert.ok(completed);
  for (const field of ['source', 'jobs_found', 'new_jobs', 'updated_jobs', 'duration_seconds', 'errors']) {
    assert.ok(field in dataOf(completed), `scrape_completed has ${field}`);
  }
  assert.equal(dataOf(completed).new_jobs, 2);

  const listed = await call<{ items: { job_title: string; source: string }[] }>(
    'GET',
    '/api/v1/jobs?source=greenhouse',
  );
  assert.deepEqual(listed.body.items.map((p) => p.job_title).sort(), [
    'Frontend Engineer',
    'Senior Backend Engineer',
  ]);
  const source = await call<SourceBody>('GET', `/api/v1/sources/${created.body.id}`);
  assert.equal(source.body.last_status, 'ok');
});

test('a second scrape upserts by the source’s own ids: new, changed, missing, unchanged', async (t) => {
  const feeds = await feedServer(t);
  const { url, wsUrl } = await startServer(t);
  const call = api(url);
  const { body: source } = await call<SourceBody>('POST', '/api/v1/sources', {
    name: 'acme',
    kind: 'greenhouse',
    url: `${feeds.url}/greenhouse`,
    company: 'Acme',
  });
  const native = await watcher(t, wsUrl, undefined, ['scrapes', 'postings']);
  await scrapeNow(call, native, source.id);

  // The board now: the first job retitled, the second gone, a third new.
  const board = JSON.parse(fixture('greenhouse-board.json')) as { jobs: Record<string, unknown>[] };
  const [first] = board.jobs;
  assert.ok(first);
  feeds.set(
    '/greenhouse',
    200,
    JSON.stringify({
      jobs: [
        { ...first, title: 'Staff Backend Engineer' },
        { ...first, id: 4099999, title: 'Platform Engineer', absolute_url: null },
      ],
    }),
  );
  const before = native.events('postings').length;
  const second = await scrapeNow(call, native, source.id);
  assert.deepEqual([second.jobs_found, second.new_jobs, second.updated_jobs, second.errors], [2, 1, 1, 0]);
  const postingEvents = native.events('postings').slice(before);
  assert.deepEqual(postingEvents.map((m) => m.event).sort(), ['posting.created', 'posting.updated']);
  const changes = postingEvents
    .filter((m) => m.event === 'posting.updated')
    .map((m) => (dataOf(m).changes as string[]).join(','));
  assert.deepEqual(changes, ['job_title'], 'missing once is not yet gone');

  const third = await scrapeNow(call, native, source.id);
  assert.deepEqual([third.jobs_found, third.new_jobs, third.updated_jobs], [2, 0, 1], 'missing twice: gone');
  const fourth = await scrapeNow(call, native, source.id);
  assert.deepEqual([fourth.jobs_found, fourth.new_jobs, fourth.updated_jobs], [2, 0, 0], 'nothing changed');
  const all = await call<{ items: { job_title: string; is_active: boolean }[]; total: number }>(
    'GET',
    '/api/v1/jobs?source=acme',
  );
  assert.equal(all.body.total, 3, 'each source id is one posting, never a duplicate');
  assert.deepEqual(
    all.body.items
      .filter((p) => p.is_active)
      .map((p) => p.job_title)
      .sort(),
    ['Platform Engineer', 'Staff Backend Engineer'],
  );
});

test('Lever, JSON and RSS sources go through the same pipeline; POST /scrapes {} scrapes every enabled one', async (t) => {
  const feeds = await feedServer(t);
  const { url, wsUrl } = await startServer(t);
  const call = api(url);
  for (const kind of ['lever', 'json', 'rss'] as const) {
    const made = await call('POST', '/api/v1/sources', {
      name: `${kind}-feed`,
      kind,
      url: `${feeds.url}/${kind}`,
      company: 'Globex',
    });
    assert.equal(made.status, 201);
  }
  await call('POST', '/api/v1/sources', {
    name: 'paused',
    kind: 'json',
    url: `${feeds.url}/json`,
    company: 'Initech',
    enabled: false,
  });
  const native = await watcher(t, wsUrl, undefined, ['scrapes']);
  const answer = await call<{ jobs: { source: string }[] }>('POST', '/api/v1/scrapes', {});
  assert.equal(answer.status, 202);
  assert.deepEqual(answer.body.jobs.map((j) => j.source).sort(), ['json-feed', 'lever-feed', 'rss-feed']);
  const completedCount = () => native.events('scrapes').filter((m) => m.event === 'scrape.completed').length;
  for (let waited = 0; completedCount() < 3 && waited < 10_000; waited += 20) await sleep(20);
  const completed = native
    .events('scrapes')
    .filter((m) => m.event === 'scrape.completed')
    .map(dataOf);
  assert.equal(completed.length, 3);
  for (const report of completed) {
    assert.equal(report.errors, 0, `${String(report.source)} read cleanly`);
    assert.ok(Number(report.new_jobs) > 0, `${String(report.source)} brought postings`);
    assert.equal(report.new_jobs, report.jobs_found);
  }
  assert.equal(feeds.hits('/json'), 1, 'the disabled source was not scraped');
});

test('a malformed, failing or unreachable source is an error of a completed scrape, never a crash', async (t) => {
  const feeds = await feedServer(t);
  const { url, wsUrl } = await startServer(t, { SCRAPE_TIMEOUT_MS: '300' });
  const call = api(url);
  const native = await watcher(t, wsUrl, undefined, ['scrapes']);
  const cases = [
    ['broken', 'greenhouse', `${feeds.url}/broken-json`, /did not answer JSON/],
    ['wrong-shape', 'lever', `${feeds.url}/wrong-shape`, /not a Lever/i],
    ['down', 'json', `${feeds.url}/error`, /HTTP 503/],
    ['hanging', 'rss', `${feeds.url}/hang`, /timed out/],
    ['nowhere', 'json', 'http://127.0.0.1:9/feed', /unreachable/],
  ] as const;
  for (const [name, kind, feedUrl, why] of cases) {
    const { body: source } = await call<SourceBody>('POST', '/api/v1/sources', {
      name,
      kind,
      url: feedUrl,
      company: 'Umbrella',
    });
    const report = await scrapeNow(call, native, source.id);
    assert.deepEqual([report.jobs_found, report.new_jobs, report.errors], [0, 0, 1], name);
    const after = await call<SourceBody>('GET', `/api/v1/sources/${source.id}`);
    assert.equal(after.body.last_status, 'error');
    assert.match(after.body.last_error ?? '', why, name);
    const job = await call<{ status: string }>('GET', `/api/v1/queue/jobs/${after.body.last_work_id ?? ''}`);
    assert.equal(job.body.status, 'complete', 'the scrape ran to its end and said what went wrong');
  }

  // One bad item in an otherwise good feed: counted, the rest saved.
  feeds.set(
    '/json',
    200,
    JSON.stringify({
      jobs: [
        { id: 'a1', title: 'Data Engineer', description: 'Python and SQL' },
        { id: 'a2', title: '   ', description: 'no title' },
      ],
    }),
  );
  const { body: mixed } = await call<SourceBody>('POST', '/api/v1/sources', {
    name: 'mixed',
    kind: 'json',
    url: `${feeds.url}/json`,
    company: 'Umbrella',
  });
  const report = await scrapeNow(call, native, mixed.id);
  assert.deepEqual([report.new_jobs, report.errors], [1, 1]);
  assert.match(String((report.error_messages as string[])[0]), /posting a2/);
  assert.equal((await call('GET', '/health')).status, 200, 'the server is up');
});

test('each source is scraped on its interval; on-demand sources wait to be asked', async (t) => {
  const feeds = await feedServer(t);
  const { url, wsUrl } = await startServer(t, { SCHEDULER_TICK_MS: '100' });
  const call = api(url);
  const native = await watcher(t, wsUrl, undefined, ['scrapes']);
  const { body: timed } = await call<SourceBody>('POST', '/api/v1/sources', {
    name: 'every-second',
    kind: 'greenhouse',
    url: `${feeds.url}/greenhouse`,
    company: 'Acme',
    interval_seconds: 1,
  });
  assert.ok(timed.next_run_at, 'first run one interval from now');
  await call('POST', '/api/v1/sources', {
    name: 'on-demand',
    kind: 'lever',
    url: `${feeds.url}/lever`,
    company: 'Acme',
  });
  await sleep(3300);
  const runs = native
    .events('scrapes')
    .filter((m) => m.event === 'scrape.completed')
    .map((m) => dataOf(m).source);
  assert.ok(runs.length >= 2 && runs.length <= 4, `every second for 3.3 s, got ${runs.length}`);
  assert.ok(runs.every((name) => name === 'every-second'));
  assert.equal(feeds.hits('/lever'), 0);

  // Disabled: the schedule stops.
  await call('PATCH', `/api/v1/sources/${timed.id}`, { enabled: false });
  await sleep(300);
  const hits = feeds.hits('/greenhouse');
  await sleep(1500);
  assert.equal(feeds.hits('/greenhouse'), hits);
});

test('a scrape cut off by a restart runs again on the next start, without duplicate postings', async (t) => {
  const feeds = await feedServer(t);
  feeds.delay('/greenhouse', 1500);
  const databaseUrl = testDatabaseUrl(t);
  const first = await startServer(t, { DATABASE_URL: databaseUrl });
  const call = api(first.url);
  const { body: source } = await call<SourceBody>('POST', '/api/v1/sources', {
    name: 'slow',
    kind: 'greenhouse',
    url: `${feeds.url}/greenhouse`,
    company: 'Acme',
  });
  await call('POST', '/api/v1/scrapes', { source_id: source.id });
  while (feeds.hits('/greenhouse') === 0) await sleep(20);
  await first.server.close(); // mid-fetch

  const second = await startServer(t, { DATABASE_URL: databaseUrl });
  const native = await watcher(t, second.wsUrl, undefined, ['scrapes']);
  const done = await native.next('event', (m) => m.event === 'scrape.completed', 10_000);
  assert.equal(dataOf(done).new_jobs, 2);
  const listed = await api(second.url)<{ total: number }>('GET', '/api/v1/jobs?source=slow');
  assert.equal(listed.body.total, 2);
});

test('with AUTH_REQUIRED only admins configure sources and start scrapes', async (t) => {
  const feeds = await feedServer(t);
  const { url, server } = await startServer(t, { AUTH_REQUIRED: 'true' });
  const seeker = await signUp(url, 'Sam', 'job_seeker');
  const body = { name: 'gh', kind: 'greenhouse', url: `${feeds.url}/greenhouse`, company: 'Acme' };
  assert.equal((await seeker.call('POST', '/api/v1/sources', body)).status, 403);
  assert.equal((await api(url)('POST', '/api/v1/sources', body)).status, 401);
  await createUserService(server.store.db).createUser({
    email: 'root@example.test',
    password: 'password-123',
    role: 'admin',
    name: 'Root',
  });
  const admin = await logIn(url, 'root@example.test');
  const made = await admin.call<SourceBody>('POST', '/api/v1/sources', body);
  assert.equal(made.status, 201);
  assert.equal((await admin.call('POST', '/api/v1/sources', body)).status, 409, 'names are unique');
  assert.equal((await seeker.call('POST', '/api/v1/scrapes', {})).status, 403);
  assert.equal((await seeker.call('GET', '/api/v1/sources')).status, 200, 'anyone signed in may look');
  const bad = await admin.call<{ error?: unknown }>('POST', '/api/v1/sources', {
    ...body,
    name: 'Bad Name',
    kind: 'ftp',
  });
  assert.equal(bad.status, 400);
  assert.equal((await admin.call('DELETE', `/api/v1/sources/${made.body.id}`)).status, 204);
  assert.equal((await admin.call('GET', `/api/v1/sources/${made.body.id}`)).status, 404);
});
