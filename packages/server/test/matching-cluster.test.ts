import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { api } from './helpers/api.js';
import { assertWholeRun, runOf, slowLlm, watch, type Message } from './helpers/matching-stream.js';
import { redisPrefix, redisSkip, TEST_REDIS_URL } from './helpers/redis.js';
import { spawnServer, spawnWorker, stopProcess } from './helpers/server.js';
import { storeBackends } from './helpers/store-backends.js';

// `/ws/matching-jobs/{id}` in a cluster: two nodes and a worker on one Redis and one PostgreSQL.

const redisUnreachable = await redisSkip();
const postgres = (await storeBackends()).find((backend) => backend.name === 'postgres');
const clusterSkip =
  redisUnreachable ?? (postgres === undefined ? 'PostgreSQL is not among STORES' : postgres.skip);
const timeout = 180_000; // a bound for a slow machine, not an expectation

test(
  'cluster: a client that connects mid-run on another node gets the whole run, once, in order',
  { skip: clusterSkip, timeout },
  async (t) => {
    if (postgres === undefined) return;
    const processes: ChildProcess[] = [];
    // Registered first, so it runs first: the processes stop before their database goes.
    t.after(() => Promise.all(processes.map((child) => stopProcess(child, 'SIGKILL'))));
    const database = await postgres.database(t);
    const env = {
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: redisPrefix(t),
      DATABASE_URL: database.url,
      JWT_SECRET: randomBytes(24).toString('hex'),
      // A history shorter than the run: what the client gets before it came is the store's.
      HISTORY_SIZE: '100',
      // Evaluations take a few ms each, so that the run is still going when the client comes.
      LLM_BASE_URL: await slowLlm(t, 20),
      LLM_MODEL: 'stub',
    };
    const a = await spawnServer(t, env);
    processes.push(a.child);
    const b = await spawnServer(t, env);
    processes.push(b.child);
    processes.push(await spawnWorker(t, env));
    // 100 targets: 405 events.
    const started = await api(a.url)<{ job_id: string }>('POST', '/api/v1/matching-jobs', runOf(100));
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const id = started.body.job_id;
    const newest = async () =>
      (
        await api(a.url)<{ event_type: string; payload: Message }[]>(
          'GET',
          `/api/matching-jobs/${id}/updates/?limit=1`,
        )
      ).body[0];
    for (let i = 0; i < 300 && (await newest())?.event_type !== 'matching.job.target.candidate'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const midRun = watch(`${b.url.replace(/^http/, 'ws')}/ws/matching-jobs/${id}`);
    await new Promise((resolve) => midRun.ws.once('open', resolve));
    assert.notEqual((await newest())?.payload.status, 'complete', 'the client came while the run went on');
    const seen = await midRun.done;
    assertWholeRun(seen, 100);

    const after = await watch(`${a.url.replace(/^http/, 'ws')}/ws/matching-jobs/${id}`).done;
    assert.deepEqual(
      seen.map((m) => m.event_id),
      after.map((m) => m.event_id),
      'the mid-run client got what the run kept, no more, no less',
    );
  },
);
