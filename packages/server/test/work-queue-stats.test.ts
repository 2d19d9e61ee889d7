import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { QueueStats } from '@jobstream/protocol';
import type { Pipeline } from '../src/work/work-job.js';
import { watcher } from './helpers/api.js';
import { startServer } from './helpers/server.js';
import { sleep } from './helpers/ws-client.js';

const quick: Pipeline = async (_job, ctx) => {
  await ctx.progress('working', 50);
  await sleep(30);
  return { ok: true };
};

test('queue.stats: at most once a second, only when the statistics change', async (t) => {
  const { server, wsUrl } = await startServer(t, {}, { pipelines: { analysis: quick } });
  const client = await watcher(t, wsUrl, undefined, []);
  await client.subscribe('queue', { types: ['queue.stats'] });
  const stats = () =>
    client.events('queue').map((m) => ({ ts: Date.parse(String(m.ts)), data: m.data as QueueStats }));

  // Nothing changes: nothing is published.
  await sleep(1200);
  assert.equal(stats().length, 0);

  // Twelve jobs over ~1.5 s: many changes, yet at most one event per second.
  for (let i = 0; i < 12; i++) {
    await server.work.create('analysis', { i }, null);
    await sleep(120);
  }
  await client.next('event', (m) => (m.data as QueueStats).completed === 12, 5000);
  const seen = stats();
  assert.ok(seen.length >= 2, `${seen.length} events`);
  for (let i = 1; i < seen.length; i++) {
    assert.ok(seen[i]!.ts - seen[i - 1]!.ts >= 950, `events ${i - 1} and ${i} within a second`);
    assert.notDeepEqual(seen[i]!.data, seen[i - 1]!.data, 'an unchanged statistic is not sent again');
  }
  const last = seen.at(-1)!.data;
  assert.equal(last.total, 12);
  assert.equal(last.pending + last.in_progress, 0);
  assert.equal(last.throughput_per_min, 12);
  assert.equal(last.paused, 0);
  assert.ok(last.mean_duration_ms >= 30, `mean ${last.mean_duration_ms}`);

  // Settled: still nothing new, though the throughput is looked at every second.
  const count = seen.length;
  await sleep(2200);
  assert.equal(stats().length, count);
});
