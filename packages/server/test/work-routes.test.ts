import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { QueueStats, WorkJob } from '@jobstream/protocol';
import { createUserService } from '../src/domain/users.js';
import { api, logIn, signUp, watcher } from './helpers/api.js';
import { startServer } from './helpers/server.js';
import { TestClient } from './helpers/ws-client.js';

type Page = { items: WorkJob[]; total: number };

test('queue REST: filters, paging, visibility, cancel and retry, stats, worker health', async (t) => {
  // No pipelines: the jobs stay queued, where the test puts them.
  const { url, wsUrl, server } = await startServer(t);
  const [ada, bo] = await Promise.all([signUp(url, 'Ada', 'job_seeker'), signUp(url, 'Bo', 'job_seeker')]);
  await createUserService(server.store.db).createUser({
    email: 'root@example.test',
    password: 'password-123',
    role: 'admin',
    name: 'Root',
  });
  const root = await logIn(url, 'root@example.test');
  const anon = api(url);
  const adas = await server.work.create('analysis', { n: 1 }, ada.id);
  const adaMatching = await server.work.create('matching', { n: 2 }, ada.id);
  const bos = await server.work.create('analysis', { n: 3 }, bo.id);
  const open = await server.work.create('scrape', { n: 4 }, null);

  const ids = (page: Page) => page.items.map((j) => j.id).sort();
  const list = await ada.call<Page>('GET', '/api/v1/queue/jobs');
  assert.equal(list.status, 200);
  assert.deepEqual(ids(list.body), [adas.id, adaMatching.id, open.id].sort());
  assert.equal(list.body.total, 3);
  assert.deepEqual(ids((await ada.call<Page>('GET', '/api/v1/queue/jobs?kind=matching')).body), [
    adaMatching.id,
  ]);
  const paged = await ada.call<Page>('GET', '/api/v1/queue/jobs?limit=2&offset=2');
  assert.equal(paged.body.items.length, 1);
  assert.equal(paged.body.total, 3);
  assert.deepEqual(ids((await anon<Page>('GET', '/api/v1/queue/jobs')).body), [open.id]);
  assert.equal((await root.call<Page>('GET', '/api/v1/queue/jobs')).body.total, 4);
  assert.equal((await ada.call('GET', '/api/v1/queue/jobs?status=bogus')).status, 400);

  assert.equal((await ada.call<WorkJob>('GET', `/api/v1/queue/jobs/${adas.id}`)).body.kind, 'analysis');
  assert.equal((await ada.call('GET', `/api/v1/queue/jobs/${bos.id}`)).status, 404);
  assert.equal((await anon('GET', `/api/v1/queue/jobs/${open.id}`)).status, 200);
  assert.equal((await ada.call('GET', '/api/v1/queue/jobs/not-a-uuid')).status, 400);

  const cancelled = await ada.call<WorkJob>('POST', `/api/v1/queue/jobs/${adas.id}/cancel`);
  assert.equal(cancelled.status, 200);
  assert.equal(cancelled.body.status, 'cancelled');
  assert.equal((await ada.call('POST', `/api/v1/queue/jobs/${adas.id}/cancel`)).status, 409);
  assert.equal((await ada.call('POST', `/api/v1/queue/jobs/${bos.id}/cancel`)).status, 404);
  assert.equal((await ada.call('POST', `/api/v1/queue/jobs/${adaMatching.id}/retry`)).status, 409);
  const retried = await ada.call<WorkJob>('POST', `/api/v1/queue/jobs/${adas.id}/retry`);
  assert.equal(retried.body.status, 'queued');
  await root.call('POST', `/api/v1/queue/jobs/${bos.id}/cancel`);

  const stats = await anon<QueueStats>('GET', '/api/v1/queue/stats');
  assert.deepEqual(stats.body, {
    pending: 3,
    in_progress: 0,
    completed: 0,
    failed: 0,
    cancelled: 1,
    paused: 0,
    total: 4,
    throughput_per_min: 0,
    mean_duration_ms: 0,
  });
  const health = await anon<{ workers: unknown }>('GET', '/api/v1/stats');
  assert.deepEqual(health.body.workers, { alive: 1, concurrency: 2, running: 0 });

  // The work:{id} topic over the native socket: the owner, admins, and anyone for anonymous work.
  const watchAda = await watcher(t, wsUrl, ada.token, [`work:${adas.id}`, `work:${open.id}`]);
  const refused = watchAda.upcoming('error', (m) => m.ref === `work:${bos.id}`);
  watchAda.send({ type: 'subscribe', topic: `work:${bos.id}` });
  assert.equal((await refused).code, 'forbidden');
  await watcher(t, wsUrl, root.token, [`work:${bos.id}`]);
  const stranger = await TestClient.connect(t, `${wsUrl}/ws`);
  const missing = stranger.upcoming('error');
  stranger.send({ type: 'subscribe', topic: `work:${adas.id}` });
  assert.equal((await missing).code, 'forbidden');
});
