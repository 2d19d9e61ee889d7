import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openStore } from '../src/store/open-store.js';
import { api, watcher } from './helpers/api.js';
import { spawnServer, testDatabaseUrl } from './helpers/server.js';
import { sleep } from './helpers/ws-client.js';

test('SIGKILL of the server in a burst of writes loses no event: the restarted relay sends what was pending', async (t) => {
  const databaseUrl = testDatabaseUrl(t);
  const first = await spawnServer(t, { DATABASE_URL: databaseUrl });
  const before = await watcher(t, first.url.replace(/^http/, 'ws'), undefined, []);
  const beforeEpoch = (await before.subscribe('postings')).epoch;

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
  const idOf = (row: { data: string }) => (JSON.parse(row.data) as { posting: { id: number } }).posting.id;
  const pendingIds = outbox
    .filter((row) => row.published_at === null)
    .map(idOf)
    .sort((a, b) => a - b);
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

  // After a restart the relay publishes exactly what was pending at the kill.
  const second = await spawnServer(t, { DATABASE_URL: databaseUrl });
  const wsUrl = second.url.replace(/^http/, 'ws');
  const after = await watcher(t, wsUrl, undefined, []);
  const subscribed = await after.subscribe('postings', { since: 0 });
  assert.equal(subscribed.recovered, true);
  const deadline = Date.now() + 10_000;
  while (after.events().length < pendingIds.length && Date.now() < deadline) await sleep(20);
  await sleep(100);
  const republished = after.events().map((e) => (e.data as { posting: { id: number } }).posting.id);
  assert.deepEqual(republished, pendingIds);

  // A client that watched the old server resumes: the embedded broker's history died with it (a new
  // epoch), so it is told to reload, and the reload over REST holds every committed posting.
  const resumed = await watcher(t, wsUrl, undefined, []);
  const lastSeen = before.events().at(-1);
  const resubscribed = await resumed.subscribe('postings', {
    since: Number(lastSeen?.seq ?? 0),
    epoch: String(beforeEpoch),
  });
  assert.equal(resubscribed.recovered, false);
  const reload = await api(second.url)<{ items: { id: number }[] }>('GET', '/api/v1/jobs?limit=200');
  assert.deepEqual(
    reload.body.items.map((p) => p.id).sort((a, b) => a - b),
    [...committed].sort((a, b) => a - b),
  );
  t.diagnostic(
    `${acknowledged.length} acknowledged, ${committed.size} committed, ${pendingIds.length} pending at the kill, ${seenBefore.length} seen before it`,
  );
});
