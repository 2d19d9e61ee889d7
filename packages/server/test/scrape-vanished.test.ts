import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, watcher } from './helpers/api.js';
import { feedServer, fixture } from './helpers/feed-server.js';
import { addSource, feedClient, scrapeNow, startScrapingServer } from './helpers/scrape.js';
import type { Message } from './helpers/ws-client.js';

const dataOf = (m: Message) => m.data as Record<string, unknown>;

test('a posting gone from its board is deactivated after two successful scrapes without it, and comes back when it reappears', async (t) => {
  const feeds = await feedServer(t);
  const { url, wsUrl } = await startScrapingServer(t);
  const call = api(url);
  const id = await addSource(call, {
    name: 'acme',
    kind: 'greenhouse',
    url: `${feeds.url}/greenhouse`,
    company: 'Acme',
  });
  const native = await watcher(t, wsUrl, undefined, ['scrapes', 'postings']);
  const feed = await feedClient(t, wsUrl);
  await scrapeNow(call, native, id);
  const created = native
    .events('postings')
    .map((m) => dataOf(m).posting as { id: number; job_title: string });
  const gone = created.find((p) => p.job_title === 'Frontend Engineer');
  assert.ok(gone);

  const full = fixture('greenhouse-board.json');
  const board = JSON.parse(full) as { jobs: { title: string }[] };
  const without = JSON.stringify({ jobs: board.jobs.filter((j) => j.title !== 'Frontend Engineer') });
  const updates = () => native.events('postings').filter((m) => m.event === 'posting.updated');

  feeds.set('/greenhouse', 200, without);
  const once = await scrapeNow(call, native, id);
  assert.equal(once.updated_jobs, 0, 'missing from one scrape: still active');
  // A failed scrape says nothing about the board: it neither counts as a miss nor resets one.
  feeds.set('/greenhouse', 503, 'down');
  const failed = await scrapeNow(call, native, id);
  assert.equal(failed.errors, 1);
  assert.equal(updates().length, 0);
  const listed = await call<{ is_active: boolean }>('GET', `/api/v1/jobs/${gone.id}`);
  assert.equal(listed.body.is_active, true);

  feeds.set('/greenhouse', 200, without);
  const twice = await scrapeNow(call, native, id);
  assert.equal(twice.updated_jobs, 1);
  assert.deepEqual(
    updates().map((m) => [(dataOf(m).posting as { id: number; is_active: boolean }).id, dataOf(m).changes]),
    [[gone.id, ['is_active']]],
  );
  assert.equal((dataOf(updates()[0]!).posting as { is_active: boolean }).is_active, false);
  const feedUpdate = await feed.next(
    'job_updated',
    (m) => !(dataOf(m).changes as string[]).includes('score'),
    10_000,
  );
  assert.deepEqual(
    { job_id: dataOf(feedUpdate).job_id, changes: dataOf(feedUpdate).changes },
    { job_id: gone.id, changes: ['is_active'] },
  );
  assert.equal((await call<{ is_active: boolean }>('GET', `/api/v1/jobs/${gone.id}`)).body.is_active, false);
  const third = await scrapeNow(call, native, id);
  assert.equal(third.updated_jobs, 0, 'already inactive: no more events');

  // Back on the board: active again, at once.
  feeds.set('/greenhouse', 200, full);
  const back = await scrapeNow(call, native, id);
  assert.deepEqual([back.new_jobs, back.updated_jobs], [0, 1]);
  const last = updates().at(-1);
  assert.ok(last);
  assert.deepEqual(dataOf(last).changes, ['is_active']);
  assert.equal((dataOf(last).posting as { is_active: boolean }).is_active, true);

  // Its count started again: one miss after coming back does not deactivate it.
  feeds.set('/greenhouse', 200, without);
  const missedAgain = await scrapeNow(call, native, id);
  assert.equal(missedAgain.updated_jobs, 0);
  assert.equal((await call<{ is_active: boolean }>('GET', `/api/v1/jobs/${gone.id}`)).body.is_active, true);
});
