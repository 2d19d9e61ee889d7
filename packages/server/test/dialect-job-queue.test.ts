import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test, type TestContext } from 'node:test';
import WebSocket from 'ws';
import type { Pipeline } from '../src/work/work-job.js';
import type { QueueStats } from '@jobstream/protocol';
import { api, watcher } from './helpers/api.js';
import { startServer } from './helpers/server.js';
import { sleep } from './helpers/ws-client.js';
import { JOB_KEYS } from './helpers/work-job-keys.js';

/** job-queue.md's endpoint. */
const PATH = '/api/ws/jobs';

/** A job-queue client: it keeps every message as received (text, or parsed JSON). */
async function connect(t: TestContext, url: string) {
  const ws = new WebSocket(url);
  t.after(() => ws.terminate());
  const received: (string | Record<string, unknown>)[] = [];
  ws.on('message', (data: Buffer) => {
    const text = data.toString('utf8');
    try {
      received.push(JSON.parse(text) as Record<string, unknown>);
    } catch {
      received.push(text);
    }
  });
  await once(ws, 'open');
  const json = () => received.filter((m): m is Record<string, unknown> => typeof m === 'object');
  const until = async (check: () => boolean, what: string) => {
    const deadline = Date.now() + 5000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(5);
    }
  };
  return { ws, received, json, until };
}

const phased: Pipeline = async (job, ctx) => {
  await ctx.progress('fetching', 30);
  await ctx.progress('scoring', 70);
  return { score: 87, of: job.payload };
};

let attempts = 0;
/** Fails its first attempt, succeeds on the retry. */
const flaky: Pipeline = () => (++attempts === 1 ? Promise.reject(new Error('flaky')) : Promise.resolve('ok'));

test('job-queue.md: no welcome; text ping → text pong, JSON ping → JSON pong; others ignored', async (t) => {
  const { wsUrl, url } = await startServer(t);
  for (const path of [PATH, `${PATH}/`]) {
    const client = await connect(t, `${wsUrl}${path}`);
    await sleep(150);
    assert.deepEqual(client.received, [], 'no welcome message');
    client.ws.send('ping');
    await client.until(() => client.received.includes('pong'), 'pong');
    client.ws.send(JSON.stringify({ type: 'ping' }));
    await client.until(() => client.json().some((m) => m.type === 'pong'), 'JSON pong');
    const pong = client.json().find((m) => m.type === 'pong')!;
    assert.deepEqual(Object.keys(pong).sort(), ['timestamp', 'type']);
    client.ws.send('hello');
    client.ws.send(JSON.stringify({ type: 'subscribe' }));
    client.ws.send('ping');
    await client.until(() => client.received.filter((m) => m === 'pong').length === 2, 'second pong');
    assert.equal(client.received.length, 3, 'nothing answers an unknown message');
  }
  const stats = await api(url)<{ connections: { by_endpoint: Record<string, number> } }>(
    'GET',
    '/api/v1/stats',
  );
  assert.equal(stats.body.connections.by_endpoint['job-queue'], 2);
});

test('a job run streams job_created → job_started → job_updated… → job_completed, and stats_updated', async (t) => {
  const { wsUrl, server } = await startServer(t, {}, { pipelines: { analysis: phased } });
  const client = await connect(t, `${wsUrl}${PATH}`);
  await sleep(100); // the subscription is made once the socket opens
  const job = await server.work.create('analysis', { posting_id: 7 }, null);
  await client.until(() => client.json().some((m) => m.type === 'job_completed'), 'job_completed');
  const events = client.json().filter((m) => m.type !== 'stats_updated');
  assert.deepEqual(
    events.map((m) => `${String(m.type)} ${String((m.job as { status: string }).status)}`),
    [
      'job_created pending',
      'job_started in_progress',
      'job_updated in_progress',
      'job_updated in_progress',
      'job_completed completed',
    ],
  );
  for (const message of events) {
    assert.deepEqual(Object.keys(message).sort(), ['event_id', 'job', 'timestamp', 'type']);
    assert.deepEqual(Object.keys(message.job as object).sort(), JOB_KEYS);
    assert.match(String(message.event_id), /^queue@\d+$/);
    assert.ok(!Number.isNaN(Date.parse(String(message.timestamp))));
  }
  const done = events.at(-1)!.job as Record<string, unknown>;
  assert.equal(done.id, job.id);
  assert.equal(done.progress, 100);
  assert.deepEqual(done.result, { score: 87, of: { posting_id: 7 } });

  await client.until(
    () =>
      client
        .json()
        .some((m) => m.type === 'stats_updated' && (m.stats as { completed: number }).completed === 1),
    'stats_updated',
  );
  const stats = client
    .json()
    .filter((m) => m.type === 'stats_updated')
    .at(-1)!;
  assert.deepEqual(Object.keys(stats).sort(), ['event_id', 'stats', 'timestamp', 'type']);
  assert.deepEqual(stats.stats, {
    pending: 0,
    in_progress: 0,
    completed: 1,
    failed: 0,
    cancelled: 0,
    paused: 0,
    total: 1,
  });
});

test('job_started is sent once per job: a retried attempt is job_updated', async (t) => {
  attempts = 0;
  const { wsUrl, server } = await startServer(
    t,
    {},
    { pipelines: { scrape: flaky }, work: { retryBaseMs: 10 } },
  );
  const client = await connect(t, `${wsUrl}${PATH}`);
  await sleep(100);
  await server.work.create('scrape', {}, null);
  await client.until(() => client.json().some((m) => m.type === 'job_completed'), 'job_completed');
  const types = client
    .json()
    .filter((m) => m.type !== 'stats_updated')
    .map((m) => m.type);
  assert.deepEqual(types, ['job_created', 'job_started', 'job_updated', 'job_updated', 'job_completed']);
  const failed = await server.work.create('scrape', {}, null, { maxRetries: 0 });
  attempts = 0;
  await client.until(() => client.json().some((m) => m.type === 'job_failed'), 'job_failed');
  const last = client.json().filter((m) => m.type === 'job_failed')[0]!.job as Record<string, unknown>;
  assert.equal(last.id, failed.id);
  assert.equal(last.status, 'failed');
  assert.equal(last.error_message, 'flaky');
});

test('stats_updated is sent only when its counts change, not when only the throughput moves', async (t) => {
  const { wsUrl, server } = await startServer(t, {}, { pipelines: { analysis: phased } });
  const client = await connect(t, `${wsUrl}${PATH}`);
  const native = await watcher(t, wsUrl, undefined, []);
  await native.subscribe('queue', { types: ['queue.stats'] });
  await server.work.create('analysis', { posting_id: 1 }, null);
  const counts = () => client.json().filter((m) => m.type === 'stats_updated');
  await client.until(() => counts().some((m) => (m.stats as { completed: number }).completed === 1), 'done');
  await native.next('event', (m) => (m.data as QueueStats).completed === 1);
  const sent = counts().length;

  // The job finished two minutes ago, as far as the throughput knows: it drops to 0, the counts stay.
  await server.store.db
    .updateTable('work_jobs')
    .set({ finished_at: new Date(Date.now() - 120_000).toISOString() })
    .execute();
  await native.next('event', (m) => (m.data as QueueStats).throughput_per_min === 0, 5000);
  await sleep(200);
  assert.equal(counts().length, sent, 'no stats_updated repeating the same counts');
  const all = counts().map((m) => JSON.stringify(m.stats));
  for (let i = 1; i < all.length; i++) assert.notEqual(all[i], all[i - 1], 'consecutive counts differ');
});
