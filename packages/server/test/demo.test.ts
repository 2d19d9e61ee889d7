import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, logIn } from './helpers/api.js';
import { spawnServer, stopProcess, testDatabaseUrl } from './helpers/server.js';
import { TestClient } from './helpers/ws-client.js';

test('serve --demo: within a minute postings arrive, are analysed for the demo seeker, recommended and matched', async (t) => {
  const node = await spawnServer(t, {}, ['--demo']);
  const wsUrl = node.url.replace(/^http/, 'ws');
  const ada = await logIn(node.url, 'ada@demo.test', 'demo-password');
  // From the start of each topic's history: the demo began before this client connected.
  const feed = await TestClient.connect(t, `${wsUrl}/ws`);
  for (const topic of ['scrapes', 'postings', 'queue']) await feed.subscribe(topic, { since: 0 });
  const mine = await TestClient.connect(t, `${wsUrl}/ws?token=${ada.token}`);
  await mine.subscribe(`user:${ada.id}`, { since: 0 });

  const scraped = await feed.next('event', (m) => m.event === 'scrape.completed', 20_000);
  assert.ok(Number((scraped.data as { new_jobs: number }).new_jobs) > 0, 'the first scrape found postings');
  await feed.next('event', (m) => m.event === 'posting.created', 20_000);
  const analysed = await mine.next('event', (m) => m.event === 'analysis.completed', 20_000);
  assert.equal(typeof (analysed.data as { match_score: unknown }).match_score, 'number');
  await mine.next('event', (m) => m.event === 'recommendations.new', 20_000);
  const matched = await feed.next(
    'event',
    (m) => m.event === 'work.completed' && (m.data as { kind?: string }).kind === 'matching',
    30_000,
  );
  const ranked = await ada.call<unknown[]>(
    'GET',
    `/api/v1/matching-jobs/${(matched.data as { id: string }).id}/matches`,
  );
  assert.ok(ranked.body.length > 0, 'the résumé was matched against the scraped postings');

  // Boards keep growing: a later scrape finds more.
  const before = feed.events('postings').length;
  await feed.next(
    'event',
    (m) => m.event === 'posting.created' && feed.events('postings').length > before,
    25_000,
  );
  assert.equal((await api(node.url)('GET', '/health')).status, 200);
  assert.equal(await stopProcess(node.child), 0);
});

test('a restarted demo carries on where its boards had grown: no posting closes and reopens', async (t) => {
  const env = { DATABASE_URL: testDatabaseUrl(t) };
  const first = await spawnServer(t, env, ['--demo']);
  const feed = await TestClient.connect(t, `${first.url.replace(/^http/, 'ws')}/ws`);
  await feed.subscribe('scrapes', { since: 0 });
  // Until a board shows more than it did at the start (two postings).
  await feed.next(
    'event',
    (m) => m.event === 'scrape.completed' && Number((m.data as { jobs_found: number }).jobs_found) > 2,
    25_000,
  );
  assert.equal(await stopProcess(first.child), 0);

  const second = await spawnServer(t, env, ['--demo']);
  const again = await TestClient.connect(t, `${second.url.replace(/^http/, 'ws')}/ws`);
  await again.subscribe('postings', { since: 0 });
  await again.subscribe('scrapes', { since: 0 });
  for (let i = 0; i < 3; i++) {
    await again.next(
      'event',
      () => again.events('scrapes').filter((m) => m.event === 'scrape.completed').length >= 3,
      15_000,
    );
  }
  const closed = again
    .events('postings')
    .filter((m) => ((m.data as { changes?: string[] }).changes ?? []).includes('is_active'));
  assert.deepEqual(closed, [], 'the boards did not shrink back to their first postings');
});
