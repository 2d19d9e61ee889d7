import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shown } from '../../src/demo/catalogue.js';
import { api } from '../helpers/api.js';
import { feedServer } from '../helpers/feed-server.js';
import { startServer, testDatabaseUrl } from '../helpers/server.js';
import { TestClient } from '../helpers/ws-client.js';

test('the demo boards never run dry: one posting more every 8 s, however long the demo runs', () => {
  for (const board of ['greenhouse', 'lever', 'rss'] as const) {
    const seen = new Set<string>();
    let newest: string | undefined;
    // An hour in 8 s steps, far past the catalogue's few postings.
    for (let step = 0; step < 450; step++) {
      const postings = shown(board, step * 8000);
      assert.ok(postings.length >= 2 && postings.length <= 20, `${board}: a board stays small`);
      const last = postings.at(-1)!;
      assert.notEqual(last.id, newest, `${board} at ${step * 8} s: a new posting`);
      assert.ok(!seen.has(last.id), `${board}: a posting id is never reused`);
      seen.add(last.id);
      newest = last.id;
    }
  }
});

test('a start without --demo neither lists nor scrapes the sources an earlier demo made', async (t) => {
  const env = {
    DATABASE_URL: testDatabaseUrl(t),
    SCHEDULER_TICK_MS: '50',
    SOURCE_ALLOW_PRIVATE: '127.0.0.1',
  };
  const demo = await startServer(t, env, { demo: true });
  const feed = await TestClient.connect(t, `${demo.wsUrl}/ws`);
  await feed.subscribe('scrapes', { since: 0 });
  // The demo's first scrapes are done (none is left running for the next start to pick up).
  await feed.next(
    'event',
    () => feed.events('scrapes').filter((m) => m.event === 'scrape.completed').length >= 3,
    20_000,
  );
  const listed = await api(demo.url)<{ items: { id: number; name: string }[] }>('GET', '/api/v1/sources');
  assert.deepEqual(listed.body.items.map((s) => s.name).sort(), [
    'demo-globex',
    'demo-initech',
    'demo-northwind',
  ]);
  const demoId = listed.body.items[0]!.id;
  await demo.server.close();

  const plain = await startServer(t, env);
  const call = api(plain.url);
  const feeds = await feedServer(t);
  const control = await call<{ id: number }>('POST', '/api/v1/sources', {
    name: 'control',
    kind: 'json',
    url: `${feeds.url}/json`,
    company: 'Initech',
    interval_seconds: 3600,
  });
  assert.equal(control.status, 201);
  assert.deepEqual(
    (await call<{ items: { name: string }[] }>('GET', '/api/v1/sources')).body.items.map((s) => s.name),
    ['control'],
  );
  assert.equal((await call('GET', `/api/v1/sources/${demoId}`)).status, 404);
  assert.equal((await call('POST', '/api/v1/scrapes', { source: 'demo-northwind' })).status, 404);

  // Every source due at once: the scheduler's next look queues the control source, and only it.
  const watch = await TestClient.connect(t, `${plain.wsUrl}/ws`);
  await watch.subscribe('scrapes');
  const past = '2000-01-01T00:00:00.000Z';
  await plain.server.store.db.updateTable('scrape_sources').set({ next_run_at: past }).execute();
  await watch.next('event', (m) => m.event === 'scrape.completed', 20_000);
  const rows = await plain.server.store.db
    .selectFrom('scrape_sources')
    .select(['name', 'next_run_at'])
    .execute();
  for (const row of rows) {
    if (row.name === 'control') assert.notEqual(row.next_run_at, past, 'the control source was queued');
    else assert.equal(row.next_run_at, past, `${row.name} was not queued`);
  }
  assert.deepEqual(
    watch.events('scrapes').map((m) => (m.data as { source: string }).source),
    ['control', 'control'],
    'scrape.started and scrape.completed of the control source alone',
  );
});
