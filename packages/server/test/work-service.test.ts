import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WorkJob } from '@jobstream/protocol';
import { anonymous, type Principal } from '../src/auth/principal.js';
import type { Store } from '../src/store/store.js';
import { WorkService } from '../src/work/work-service.js';
import { storeBackends } from './helpers/store-backends.js';
import { userRow } from './helpers/store-rows.js';
import { JOB_KEYS } from './helpers/work-job-keys.js';

/** The outbox, as `topic type status` lines, in commit order. */
async function outbox(store: Store): Promise<string[]> {
  const rows = await store.db.selectFrom('outbox').select(['topic', 'type', 'data']).orderBy('id').execute();
  return rows.map((r) => `${r.topic} ${r.type} ${(JSON.parse(r.data) as WorkJob).status}`);
}

for (const backend of await storeBackends()) {
  describe(`work service on ${backend.name}`, { skip: backend.skip }, () => {
    test('each transition commits its event on queue and work:{id}, carrying the whole job', async (t) => {
      const store = await (await backend.database(t)).open();
      const work = new WorkService(store);
      const heard: string[] = [];
      work.onChange((type, job) => heard.push(`${type} ${job.status}`));

      const job = await work.create('analysis', { posting_id: 1 }, null);
      assert.equal(job.status, 'queued');
      assert.equal(job.max_retries, 3);
      const started = await work.start(job.id);
      assert.deepEqual(started?.payload, { posting_id: 1 });
      assert.equal(await work.start(job.id), undefined, 'a job is claimed once');
      await work.progress(job.id, 'scoring', 40.4);
      const done = await work.complete(job.id, { score: 87 });
      assert.equal(done.status, 'complete');
      assert.deepEqual(done.result, { score: 87 });
      assert.ok(done.finished_at && done.started_at);

      const work1 = `work:${job.id}`;
      const expected = [
        'work.created queued',
        'work.started running',
        'work.progress running',
        'work.completed complete',
      ];
      assert.deepEqual(
        await outbox(store),
        expected.flatMap((e) => [`queue ${e}`, `${work1} ${e}`]),
      );
      assert.deepEqual(heard, expected);
      const rows = await store.db.selectFrom('outbox').select('data').orderBy('id').execute();
      const progress = JSON.parse(rows[4]!.data) as WorkJob;
      assert.deepEqual(Object.keys(progress).sort(), JOB_KEYS);
      assert.equal(progress.phase, 'scoring');
      assert.equal(progress.progress, 40);

      await assert.rejects(work.complete(job.id, null), { code: 'conflict' });
      await assert.rejects(work.cancel(job.id), { code: 'conflict' });
      await assert.rejects(work.cancel('00000000-0000-0000-0000-000000000000'), { code: 'not_found' });
    });

    test('a failing job is retried with backoff, then fails keeping its error; retry queues it again', async (t) => {
      const store = await (await backend.database(t)).open();
      const work = new WorkService(store, { retryBaseMs: 0 });
      const job = await work.create('scrape', {}, null, { maxRetries: 1 });
      await work.start(job.id);
      const again = await work.fail(job.id, new Error('board unreachable'));
      assert.equal(again.status, 'queued');
      assert.equal(again.phase, 'retrying');
      assert.equal(again.retries, 1);
      await work.start(job.id);
      const failed = await work.fail(job.id, new Error('x'.repeat(5000)));
      assert.equal(failed.status, 'failed');
      assert.equal(failed.error_message?.length, 1000);
      const retried = await work.retry(job.id);
      assert.equal(retried.status, 'queued');
      assert.equal(retried.retries, 0);
      assert.equal(retried.error_message, null);
      const types = (await outbox(store)).filter((l) => l.startsWith('queue ')).map((l) => l.slice(6));
      assert.deepEqual(types, [
        'work.created queued',
        'work.started running',
        'work.progress queued',
        'work.started running',
        'work.failed failed',
        'work.progress queued',
      ]);
    });

    test('interrupted jobs are queued again at start; cancel; list, visibility, ownerOf and stats', async (t) => {
      const store = await (await backend.database(t)).open();
      const [ada, bo] = [userRow(), userRow({ name: 'Bo' })];
      await store.db.insertInto('users').values([ada, bo]).execute();
      const work = new WorkService(store, { retryBaseMs: 0 });
      const mine = await work.create('matching', {}, ada.id);
      const anon = await work.create('analysis', {}, null);
      const other = await work.create('analysis', {}, bo.id);
      await work.start(mine.id);
      assert.equal(await work.recoverInterrupted(), 1);
      assert.equal((await work.get({ ...anonymous, role: 'admin' }, mine.id)).status, 'queued');
      await work.start(anon.id);
      await work.complete(anon.id, null);
      await work.cancel(other.id);

      assert.equal(await work.ownerOf(mine.id), ada.id);
      assert.equal(await work.ownerOf(anon.id), null);
      assert.equal(await work.ownerOf('00000000-0000-0000-0000-000000000000'), undefined);

      const adaActor: Principal = { userId: ada.id, role: 'job_seeker', expiresAt: null };
      const page = { limit: 50, offset: 0 };
      const seen = await work.list(adaActor, page);
      assert.deepEqual(seen.items.map((j) => j.id).sort(), [mine.id, anon.id].sort());
      assert.equal((await work.list(anonymous, page)).items[0]?.id, anon.id);
      assert.equal((await work.list({ ...adaActor, role: 'admin' }, page)).total, 3);
      assert.equal((await work.list(adaActor, { ...page, kind: 'matching' })).total, 1);
      assert.equal((await work.list(adaActor, { ...page, status: 'complete' })).items[0]?.id, anon.id);
      await assert.rejects(work.get(adaActor, other.id), { code: 'not_found' });

      const stats = await work.stats();
      assert.deepEqual(
        { ...stats, mean_duration_ms: 0 },
        {
          pending: 1,
          in_progress: 0,
          completed: 1,
          failed: 0,
          cancelled: 1,
          paused: 0,
          total: 3,
          throughput_per_min: 1,
          mean_duration_ms: 0,
        },
      );
      assert.ok(stats.mean_duration_ms >= 0);
    });
  });
}
