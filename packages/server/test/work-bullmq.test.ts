import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { api } from './helpers/api.js';
import { feedServer } from './helpers/feed-server.js';
import { redisPrefix, redisSkip, TEST_REDIS_URL } from './helpers/redis.js';
import { spawnServer, spawnWorker, stopProcess, type ServerProcess } from './helpers/server.js';
import { storeBackends, waitFor } from './helpers/store-backends.js';
import { TestClient } from './helpers/ws-client.js';

// With REDIS_URL, `jobstream serve` queues work on BullMQ and `jobstream worker` processes run it.
const redisUnreachable = await redisSkip();
const postgres = (await storeBackends()).find((backend) => backend.name === 'postgres');
const skip = redisUnreachable ?? (postgres === undefined ? 'PostgreSQL is not among STORES' : postgres.skip);

async function clusterEnv(t: TestContext): Promise<Record<string, string>> {
  if (postgres === undefined) throw new Error('no PostgreSQL backend');
  const database = await postgres.database(t);
  return {
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: redisPrefix(t),
    DATABASE_URL: database.url,
    WORK_LOCK_MS: '2000',
    // The test feeds are on this machine.
    SOURCE_ALLOW_PRIVATE: '127.0.0.1',
  };
}

async function queueWatcher(t: TestContext, node: ServerProcess): Promise<TestClient> {
  const client = await TestClient.connect(t, `${node.url.replace(/^http/, 'ws')}/ws`);
  await client.subscribe('queue');
  return client;
}

interface Job {
  id: string;
  status: string;
  retries: number;
  error_message: string | null;
}

test(
  'work queued on a serve node runs on a worker process; its events stream from the node',
  { skip },
  async (t) => {
    const env = await clusterEnv(t);
    const node = await spawnServer(t, env);
    const call = api(node.url);
    const watcher = await queueWatcher(t, node);
    const started = await call<{ job_id: string }>('POST', '/api/v1/matching-jobs', {
      source: {
        name: 'resume',
        text: 'TypeScript engineer who builds real-time systems with Node.js and Redis.',
      },
      targets: [
        { id: 'a', name: 'Backend role', text: 'Node.js and TypeScript backend, Redis streams, real-time.' },
        { id: 'b', name: 'Chef', text: 'Cook pasta in a busy kitchen.' },
      ],
      criteria: [{ id: 'ts', label: 'TypeScript experience' }],
    });
    assert.equal(started.status, 202);
    const id = started.body.job_id;
    await watcher.next('event', (m) => m.event === 'work.created' && m.topic === 'queue');
    // No worker yet: the job waits, queued.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal((await call<Job>('GET', `/api/v1/queue/jobs/${id}`)).body.status, 'queued');

    await spawnWorker(t, { ...env, WORK_CONCURRENCY: '3' });
    const done = await watcher.next('event', (m) => m.event === 'work.completed', 20_000);
    assert.equal((done.data as Job).id, id);
    const types = watcher
      .events('queue')
      .map((m) => String(m.event))
      .filter((e) => e.startsWith('work.'));
    assert.deepEqual(
      types.filter((e) => e !== 'work.progress'),
      ['work.created', 'work.started', 'work.completed'],
    );
    const matches = await call<{ target_id: string }[]>('GET', `/api/v1/matching-jobs/${id}/matches`);
    assert.equal(matches.body[0]?.target_id, 'a', 'ranked matches saved by the worker');

    // The node sees the worker, and its capacity.
    let workers: { alive: number; concurrency: number } | undefined;
    for (let i = 0; i < 30 && workers?.alive !== 1; i++) {
      workers = (await call<{ workers: { alive: number; concurrency: number } }>('GET', '/api/v1/stats')).body
        .workers;
      if (workers.alive !== 1) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.deepEqual(
      { alive: workers?.alive, concurrency: workers?.concurrency },
      { alive: 1, concurrency: 3 },
    );
  },
);

test(
  'a worker killed mid-run: another takes the job over after its lock lapses, as a retry',
  { skip },
  async (t) => {
    const env = await clusterEnv(t);
    const feeds = await feedServer(t);
    feeds.delay('/greenhouse', 1500);
    const node = await spawnServer(t, env);
    const call = api(node.url);
    const { body: source } = await call<{ id: number }>('POST', '/api/v1/sources', {
      name: 'slow-board',
      kind: 'greenhouse',
      url: `${feeds.url}/greenhouse`,
      company: 'Acme',
    });
    const first = await spawnWorker(t, env);
    const asked = await call<{ jobs: { job_id: string }[] }>('POST', '/api/v1/scrapes', {
      source_id: source.id,
    });
    const id = asked.body.jobs[0]?.job_id ?? '';
    await waitFor(() => feeds.hits('/greenhouse') > 0, 10_000, 'the first worker fetching');
    await stopProcess(first, 'SIGKILL');
    assert.equal((await call<Job>('GET', `/api/v1/queue/jobs/${id}`)).body.status, 'running', 'left running');

    await spawnWorker(t, env);
    let job: Job | undefined;
    for (let i = 0; i < 100 && job?.status !== 'complete'; i++) {
      job = (await call<Job>('GET', `/api/v1/queue/jobs/${id}`)).body;
      if (job.status !== 'complete') await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(job?.status, 'complete');
    assert.equal(job.retries, 1, 'the interrupted attempt counts as a retry');
    const postings = await call<{ total: number }>('GET', '/api/v1/jobs?source=slow-board');
    assert.equal(postings.body.total, 2, 'upserted once');
  },
);

test('a cancelled job stops on the worker that runs it', { skip }, async (t) => {
  const env = await clusterEnv(t);
  const feeds = await feedServer(t);
  feeds.delay('/greenhouse', 4000);
  const node = await spawnServer(t, env);
  const call = api(node.url);
  const { body: source } = await call<{ id: number }>('POST', '/api/v1/sources', {
    name: 'slower',
    kind: 'greenhouse',
    url: `${feeds.url}/greenhouse`,
    company: 'Acme',
  });
  await spawnWorker(t, env);
  const asked = await call<{ jobs: { job_id: string }[] }>('POST', '/api/v1/scrapes', {
    source_id: source.id,
  });
  const id = asked.body.jobs[0]?.job_id ?? '';
  await waitFor(() => feeds.hits('/greenhouse') > 0, 10_000, 'the worker fetching');
  assert.equal((await call('POST', `/api/v1/queue/jobs/${id}/cancel`)).status, 200);
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const job = (await call<Job>('GET', `/api/v1/queue/jobs/${id}`)).body;
  assert.equal(job.status, 'cancelled');
  assert.equal(
    (await call<{ total: number }>('GET', '/api/v1/jobs?source=slower')).body.total,
    0,
    'nothing saved',
  );
});

test('jobstream worker without REDIS_URL says what it needs', async (t) => {
  await assert.rejects(spawnWorker(t, { REDIS_URL: '' }), /exited with 2/);
});
