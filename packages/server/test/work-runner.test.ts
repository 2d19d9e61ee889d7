import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WorkJob } from '@jobstream/protocol';
import type { Principal } from '../src/auth/principal.js';
import type { Pipeline } from '../src/work/work-job.js';
import { watcher } from './helpers/api.js';
import { startServer } from './helpers/server.js';
import { storeBackends, waitFor } from './helpers/store-backends.js';
import type { Message, TestClient } from './helpers/ws-client.js';
import { anyType } from './helpers/drafts.js';

/** Reports three phases and completes with what it was given. */
const phased: Pipeline = async (job, ctx) => {
  await ctx.progress('fetching', 25);
  await ctx.emit(`work:${job.id}`, anyType('scrape.started'), { source: 'test' });
  await ctx.progress('parsing', 50);
  await ctx.progress('saving', 90);
  return { echoed: job.payload };
};

/** Always throws. */
const failing: Pipeline = () => Promise.reject(new Error('source unreachable'));

/** Runs until its signal is aborted (cancel, or the server stopping). */
const waiting: Pipeline = (_job, ctx) =>
  new Promise((_resolve, reject) => {
    void ctx.progress('waiting', 10);
    ctx.signal.addEventListener('abort', () => reject(new Error('aborted')));
  });

/** `event status phase` of the work events a client received on `queue` for one job. */
const story = (client: TestClient, id: string): string[] =>
  client
    .events('queue')
    .filter((m: Message) => (m.data as WorkJob).id === id)
    .map((m) => `${String(m.event)} ${(m.data as WorkJob).status} ${(m.data as WorkJob).phase}`);

const jobOf = (m: Message): WorkJob => m.data as WorkJob;

for (const backend of await storeBackends()) {
  describe(`work runner on ${backend.name}`, { skip: backend.skip }, () => {
    test('a pipeline runs: started, its phases, its own events, completed with its result', async (t) => {
      const db = await backend.database(t);
      const { server, wsUrl } = await startServer(
        t,
        { DATABASE_URL: db.url },
        { pipelines: { scrape: phased } },
      );
      const queue = await watcher(t, wsUrl, undefined, ['queue']);
      const job = await server.work.create('scrape', { board: 'acme' }, null);
      // From seq 0: on SQLite the run may be over before this subscription is made.
      const topic = await watcher(t, wsUrl, undefined, []);
      await topic.subscribe(`work:${job.id}`, { since: 0 });
      const done = jobOf(await queue.next('event', (m) => m.event === 'work.completed'));
      assert.deepEqual(done.result, { echoed: { board: 'acme' } });
      assert.equal(done.progress, 100);
      assert.deepEqual(story(queue, job.id), [
        'work.created queued null',
        'work.started running started',
        'work.progress running fetching',
        'work.progress running parsing',
        'work.progress running saving',
        'work.completed complete complete',
      ]);
      await topic.next('event', (m) => m.event === 'work.completed');
      assert.ok(
        topic.events().some((m) => m.event === 'scrape.started'),
        'pipeline events reach work:{id}',
      );
    });

    test('a throwing pipeline is retried, then fails with its error_message', async (t) => {
      const db = await backend.database(t);
      const { server, wsUrl } = await startServer(
        t,
        { DATABASE_URL: db.url },
        { pipelines: { analysis: failing }, work: { retryBaseMs: 20 } },
      );
      const queue = await watcher(t, wsUrl, undefined, ['queue']);
      const job = await server.work.create('analysis', {}, null, { maxRetries: 2 });
      const failed = jobOf(await queue.next('event', (m) => m.event === 'work.failed'));
      assert.equal(failed.status, 'failed');
      assert.equal(failed.retries, 2);
      assert.equal(failed.error_message, 'source unreachable');
      assert.equal(story(queue, job.id).filter((s) => s.startsWith('work.started')).length, 3);
      assert.equal(story(queue, job.id).filter((s) => s.endsWith('retrying')).length, 2);
    });

    test('cancelling a running job aborts its pipeline; it stays cancelled', async (t) => {
      const db = await backend.database(t);
      const { server, wsUrl } = await startServer(
        t,
        { DATABASE_URL: db.url },
        { pipelines: { matching: waiting } },
      );
      const queue = await watcher(t, wsUrl, undefined, ['queue']);
      const job = await server.work.create('matching', {}, null);
      await queue.next('event', (m) => m.event === 'work.progress' && jobOf(m).phase === 'waiting');
      assert.equal(server.runner.health().running, 1);
      await server.work.cancel(job.id);
      await waitFor(() => server.runner.health().running === 0, 3000, 'the pipeline to end');
      const after = await server.work.get({ userId: null, role: 'admin', expiresAt: null }, job.id);
      assert.equal(after.status, 'cancelled');
      await queue.next('event', (m) => m.event === 'work.cancelled');
      assert.deepEqual(story(queue, job.id).slice(-1), ['work.cancelled cancelled cancelled']);
    });

    test('work left running by a stopped server runs again on the next start and completes', async (t) => {
      const db = await backend.database(t);
      const first = await startServer(t, { DATABASE_URL: db.url }, { pipelines: { scrape: waiting } });
      const queue = await watcher(t, first.wsUrl, undefined, ['queue']);
      const jobs = await Promise.all([1, 2, 3].map((n) => first.server.work.create('scrape', { n }, null)));
      await queue.next('event', (m) => m.event === 'work.progress' && jobOf(m).phase === 'waiting');
      await first.server.close();

      const second = await startServer(t, { DATABASE_URL: db.url }, { pipelines: { scrape: phased } });
      const admin: Principal = { userId: null, role: 'admin', expiresAt: null };
      for (const job of jobs) {
        const deadline = Date.now() + 5000;
        let current = await second.server.work.get(admin, job.id);
        while (current.status !== 'complete' && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          current = await second.server.work.get(admin, job.id);
        }
        assert.equal(current.status, 'complete', `job ${job.id}`);
        assert.deepEqual(current.result, { echoed: { n: jobs.indexOf(job) + 1 } });
      }
      // The two that were running when the first server stopped count one retry each.
      const retried = await Promise.all(jobs.map((j) => second.server.work.get(admin, j.id)));
      assert.deepEqual(retried.map((j) => j.retries).sort(), [0, 1, 1]);
    });
  });
}
