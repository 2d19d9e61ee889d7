import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TopicEvent } from '../src/index.js';
import { client, dropConnections, publish, reach, sleep, startServer, until } from './helpers/jobstream.js';

test('handlers see every event exactly once, in order, while connections are killed during a burst', async (t) => {
  const server = await startServer(t);
  const c = client(t, { url: server.url, initialDelayMs: 20, maxDelayMs: 100 });
  const seen: Record<string, number[]> = { postings: [], scrapes: [] };
  const second: number[] = [];
  c.subscribe('postings', (e) => seen.postings!.push(e.seq));
  c.subscribe('scrapes', (e) => seen.scrapes!.push(e.seq));
  await until(() => server.server.registry.size > 0 && c.state === 'open', 'the first connection');
  await sleep(50);
  // A second handler of the same topic shares the subscription, from the moment it joins.
  c.subscribe('postings', (e) => second.push(e.seq));

  const total = 300;
  let killed = 0;
  const killer = setInterval(() => {
    killed += dropConnections(server);
  }, 50);
  const sends: Promise<number>[] = [];
  for (let i = 1; i <= total; i++) {
    sends.push(
      publish(server.url, i % 3 ? 'postings' : 'scrapes', i % 3 ? 'posting.created' : 'scrape.started'),
    );
    if (i % 10 === 0) await Promise.all([...sends.splice(0), sleep(30)]);
  }
  await Promise.all(sends);
  clearInterval(killer);
  const posted = 200;
  await until(
    () => seen.postings!.length >= posted && seen.scrapes!.length >= total - posted,
    'every event',
    10_000,
  ).catch((e: unknown) => {
    console.log(
      c.state,
      seen.postings!.length,
      seen.scrapes!.length,
      second.length,
      JSON.stringify(c.changes.slice(-3)),
      c.cursor('postings'),
      c.cursor('scrapes'),
    );
    throw e;
  });
  await sleep(100);
  assert.ok(killed >= 5, `connections were killed mid-stream (${killed})`);
  const expect = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  assert.deepEqual(seen.postings, expect(posted), 'postings: every seq once, in order');
  assert.deepEqual(seen.scrapes, expect(total - posted), 'scrapes: every seq once, in order');
  assert.deepEqual(second, expect(posted), 'the second handler too');
  const reconnects = c.changes.filter((s) => s.newState === 'reconnecting').length;
  assert.ok(reconnects >= 5, `the client reconnected (${reconnects} times)`);
});

test('events narrow by type: the handler of a topic sees its typed union', async (t) => {
  const server = await startServer(t);
  const c = client(t, { url: server.url });
  const titles: string[] = [];
  const handler = (e: TopicEvent<'postings'>): void => {
    if (e.type === 'posting.created') titles.push(e.data.posting.job_title);
    else titles.push(`changed ${e.data.changes.join(',')}`);
  };
  c.subscribe('postings', handler);
  await reach(c, 'open');
  await sleep(50);
  await publish(server.url, 'postings', 'posting.created', { posting: { job_title: 'Engineer' } });
  await publish(server.url, 'postings', 'posting.updated', { posting: {}, changes: ['salary'] });
  await until(() => titles.length === 2, 'two events');
  assert.deepEqual(titles, ['Engineer', 'changed salary']);
});

test('a topic whose history is lost (server restart) is reset: onReset, then live events', async (t) => {
  const first = await startServer(t);
  const port = new URL(first.url).port;
  const resets: string[] = [];
  const subResets: string[] = [];
  const c = client(t, {
    url: first.url,
    initialDelayMs: 50,
    maxDelayMs: 200,
    onReset: (topic) => resets.push(topic),
  });
  const seen: number[] = [];
  c.subscribe('postings', (e) => seen.push(e.seq), { onReset: (topic) => subResets.push(topic) });
  await reach(c, 'open');
  await sleep(50);
  await publish(first.url, 'postings', 'posting.created');
  await publish(first.url, 'postings', 'posting.created');
  await until(() => seen.length === 2, 'two events');
  await first.server.close();
  const second = await startServer(t, { PORT: port });
  await until(() => resets.length === 1, 'onReset after the restart', 5000);
  assert.deepEqual(resets, ['postings']);
  assert.deepEqual(subResets, ['postings']);
  await publish(second.url, 'postings', 'posting.created');
  await until(() => seen.length === 3, 'the live event after the reset');
  assert.deepEqual(seen, [1, 2, 1], 'after a reset the new history counts from its own start');
  assert.equal(c.cursor('postings')?.seq, 1);
});

test('a subscription made with since and epoch replays what it missed; a wrong epoch is a reset', async (t) => {
  const server = await startServer(t);
  for (let i = 0; i < 5; i++) await publish(server.url, 'queue', 'work.progress');
  const c = client(t, { url: server.url });
  const live: number[] = [];
  c.subscribe('queue', (e) => live.push(e.seq));
  await until(() => c.cursor('queue') !== undefined, 'the first subscription');
  const epoch = c.cursor('queue')!.epoch!;
  const resumed: number[] = [];
  c.subscribe('queue', (e) => resumed.push(e.seq), { since: 2, epoch });
  await until(() => resumed.length === 3, 'the replay');
  await publish(server.url, 'queue', 'work.progress');
  await until(() => resumed.length === 4 && live.length === 1, 'the live event');
  assert.deepEqual(resumed, [3, 4, 5, 6]);
  assert.deepEqual(live, [6], 'the first handler was not replayed to');

  const other = client(t, { url: server.url });
  const resets: string[] = [];
  const got: number[] = [];
  other.subscribe('queue', (e) => got.push(e.seq), {
    since: 2,
    epoch: 'not-this-history',
    onReset: (x) => resets.push(x),
  });
  await until(() => resets.length === 1, 'a reset');
  await publish(server.url, 'queue', 'work.progress');
  await until(() => got.length === 1, 'the live event');
  assert.deepEqual(got, [7]);
});
