import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openStore } from '../src/store/store.js';
import { api, watcher } from './helpers/api.js';
import { spawnServer, testDatabaseUrl } from './helpers/server.js';
import { sleep } from './helpers/ws-client.js';

test('SIGKILL of the server in a burst of writes loses no event: the restarted relay sends what was pending', async (t) => {
  const databaseUrl = testDatabaseUrl(t);
  const first = await spawnServer(t, { DATABASE_URL: databaseUrl });
  const before = await watcher(t, first.url.replace(/^http/, 'ws'), undefined, ['postings']);

  // Writers post as fast as they can; the server is killed while they do.
  const acknowledged: number[] = [];
  let killed = false;
  const writer = async (w: number) => {
    for (let i = 0; !killed; i++) {
      try {
        const res = await api(first.url)<{ id: number }>('POST', '/api/v1/jobs', {
          company: `Writer ${w}`,
          job_title: `Job ${i}`,
        });
        if (res.status === 201) acknowledged.push(res.body.id);
      } catch {
        return; // the server is gone
      }
    }
  };
  const writers = [1, 2, 3, 4].map(writer);
  while (acknowledged.length < 150) await sleep(5);
  first.child.kill('SIGKILL');
  killed = true;
  await Promise.all(writers);
  await sleep(100);
  const seenBefore = before.events().map((e) => (e.data as { posting: { id: number } }).posting.id);

  // What the store committed: every acknowledged write, each with its one event in the outbox.
  const store = await openStore(databaseUrl);
  const postings = await store.db.selectFrom('postings').select('id').execute();
  const outbox = await store.db.selectFrom('outbox').select(['data', 'published_at']).execute();
  const pending = outbox.filter((row) => row.published_at === null).length;
  await store.close();
  const committed = new Set(postings.map((p) => p.id));
  for (const id of acknowledged) assert.ok(committed.has(id), `acknowledged posting ${id} was committed`);
  const outboxIds = outbox
    .map((row) => (JSON.parse(row.data) as { posting: { id: number } }).posting.id)
    .sort((a, b) => a - b);
  assert.deepEqual(
    outboxIds,
    [...committed].sort((a, b) => a - b),
    'exactly one event per committed posting',
  );

  // After a restart the relay publishes what was pending; with what clients saw before the crash,
  // every committed posting reached them.
  const second = await spawnServer(t, { DATABASE_URL: databaseUrl });
  const after = await watcher(t, second.url.replace(/^http/, 'ws'), undefined, []);
  const subscribed = await after.subscribe('postings', { since: 0 });
  assert.equal(subscribed.recovered, true);
  const deadline = Date.now() + 10_000;
  const union = () =>
    new Set([
      ...seenBefore,
      ...after.events().map((e) => (e.data as { posting: { id: number } }).posting.id),
    ]);
  while (union().size < committed.size && Date.now() < deadline) await sleep(20);
  assert.deepEqual(
    [...union()].sort((a, b) => a - b),
    [...committed].sort((a, b) => a - b),
  );
  t.diagnostic(
    `${acknowledged.length} acknowledged, ${committed.size} committed, ${pending} pending at the kill`,
  );
});
