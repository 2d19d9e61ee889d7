import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from './helpers/server.js';
import { publish, sleep } from './helpers/ws-client.js';

interface Answer {
  topic: string;
  epoch: string;
  seq: number;
  recovered: boolean;
  events: { topic: string; seq: number; event: string; ts: string; data: unknown }[];
}

const post = (url: string, topic: string, type: string, data: unknown) => publish(url, { topic, type, data });

async function subscriptions(url: string): Promise<number> {
  const stats = (await (await fetch(`${url}/api/v1/stats`)).json()) as { subscriptions: number };
  return stats.subscriptions;
}

async function until(what: string, check: () => Promise<boolean>, withinMs = 3000): Promise<void> {
  const end = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`not within ${withinMs} ms: ${what}`);
    await sleep(20);
  }
}

test('long-poll: a waiting poll whose client leaves is let go of at once, not at its timeout', async (t) => {
  const { url } = await startServer(t);
  const before = await subscriptions(url);
  const leaving = new AbortController();
  const waiting = fetch(`${url}/api/v1/events/poll?topic=postings&since=0&timeout=30`, {
    signal: leaving.signal,
  }).catch((error: unknown) => error);
  await until('the poll waits', async () => (await subscriptions(url)) === before + 1);
  leaving.abort();
  assert.ok((await waiting) instanceof Error, 'the client gave up');
  await until('its subscription ends', async () => (await subscriptions(url)) === before, 2000);
  // And the server goes on answering polls of that topic.
  await post(url, 'postings', 'posting.created', { n: 1 });
  const next = (await (await fetch(`${url}/api/v1/events/poll?topic=postings&since=0`)).json()) as Answer;
  assert.deepEqual(
    next.events.map((e) => e.seq),
    [1],
  );
});

test('long-poll: polls of one topic each keep their own cursor, waiting or not', async (t) => {
  const { url } = await startServer(t);
  const poll = async (query: string) =>
    (await (await fetch(`${url}/api/v1/events/poll?topic=postings&${query}`)).json()) as Answer;
  for (let n = 1; n <= 3; n++) await post(url, 'postings', 'posting.created', { n });
  const { epoch } = await poll('timeout=0');
  const [fromOne, fromThree, fromTwo] = await Promise.all([
    poll(`since=1&epoch=${epoch}&timeout=5`),
    poll(`since=3&epoch=${epoch}&timeout=5`), // waits for 4
    (async () => {
      await sleep(100);
      const answer = await poll(`since=2&epoch=${epoch}&timeout=5`);
      await post(url, 'postings', 'posting.created', { n: 4 });
      return answer;
    })(),
  ]);
  const seqs = (a: Answer) => a.events.map((e) => e.seq);
  assert.deepEqual([seqs(fromOne), fromOne.seq], [[2, 3], 3]);
  assert.deepEqual([seqs(fromTwo), fromTwo.seq], [[3], 3]);
  assert.deepEqual([seqs(fromThree), fromThree.seq], [[4], 4]);
  // Two polls waiting on the same seq both get the next event, each its own answer.
  const both = Promise.all([
    poll(`since=4&epoch=${epoch}&timeout=5`),
    poll(`since=4&epoch=${epoch}&timeout=5`),
  ]);
  await sleep(100);
  await post(url, 'postings', 'posting.updated', { n: 5 });
  for (const answer of await both) assert.deepEqual([seqs(answer), answer.seq], [[5], 5]);
  assert.equal(await subscriptions(url), 0, 'no poll holds a subscription once answered');
});

test('long-poll: the answer is the documented JSON, event by event, whatever the data', async (t) => {
  const { url } = await startServer(t);
  const data = {
    text: 'caf\u00e9 \u2603 "quoted" \\ back\nslash \u2028',
    list: [1, 2.5, null, true],
    nested: { a: {} },
  };
  await post(url, 'postings', 'posting.created', data);
  await post(url, 'postings', 'posting.updated', { n: 2 });
  const res = await fetch(`${url}/api/v1/events/poll?topic=postings&since=0`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const text = await res.text();
  const body = JSON.parse(text) as Answer;
  // Byte for byte what JSON.stringify makes of it, keys in the documented order.
  assert.equal(text, JSON.stringify(body));
  assert.deepEqual(Object.keys(body), ['topic', 'epoch', 'seq', 'recovered', 'events']);
  assert.deepEqual(
    body.events.map((e) => ({ ...e, ts: typeof e.ts })),
    [
      { topic: 'postings', seq: 1, event: 'posting.created', ts: 'string', data },
      { topic: 'postings', seq: 2, event: 'posting.updated', ts: 'string', data: { n: 2 } },
    ],
  );
  assert.deepEqual([body.topic, body.seq, body.recovered], ['postings', 2, true]);
  // A waiting poll's answer is rendered the same way.
  const waiting = fetch(`${url}/api/v1/events/poll?topic=postings&since=2&epoch=${body.epoch}&timeout=5`);
  await sleep(100);
  await post(url, 'postings', 'posting.created', data);
  const later = await (await waiting).text();
  assert.equal(later, JSON.stringify(JSON.parse(later)));
  assert.deepEqual((JSON.parse(later) as Answer).events[0]?.data, data);
});

test('long-poll: the query is read and refused as documented', async (t) => {
  const { url } = await startServer(t);
  await post(url, 'postings', 'posting.created', { n: 1 });
  await post(url, 'postings', 'posting.closed', { n: 2 });
  const get = async (query: string) => {
    const res = await fetch(`${url}/api/v1/events/poll?${query}`);
    return {
      status: res.status,
      body: (await res.json()) as Answer & { error?: { fields: { path: string }[] } },
    };
  };
  for (const [query, path] of [
    ['topic=Bad!', 'topic'],
    ['since=0', 'topic'],
    ['topic=postings&since=abc', 'since'],
    ['topic=postings&since=1.5', 'since'],
    ['topic=postings&timeout=61', 'timeout'],
    ['topic=postings&timeout=-1', 'timeout'],
    ['topic=postings&since=1&since=2', 'since'],
    [`topic=postings&epoch=${'e'.repeat(101)}`, 'epoch'],
  ] as const) {
    const res = await get(query);
    assert.equal(res.status, 400, query);
    assert.equal(res.body.error?.fields[0]?.path, path, query);
  }
  const typed = await get('topic=postings&since=0&types=posting.closed');
  assert.deepEqual(
    typed.body.events.map((e) => e.seq),
    [2],
  );
  // Parameters it does not know are ignored; a fractional timeout is seconds.
  const t0 = Date.now();
  const other = await get(`topic=postings&since=2&epoch=${typed.body.epoch}&timeout=0.2&extra=1`);
  assert.equal(other.status, 200);
  assert.ok(Date.now() - t0 >= 150, 'it waited for the timeout');
  assert.deepEqual([other.body.events, other.body.seq, other.body.recovered], [[], 2, true]);
  const first = await get('topic=postings&timeout=0');
  assert.deepEqual([first.body.events, first.body.seq, first.body.recovered], [[], 2, false]);
});

test('long-poll: waiting polls answer at once, with 200, when the server stops', async (t) => {
  const { url, server } = await startServer(t);
  const waiting = Promise.all(
    [0, 1, 2].map(async () => {
      const res = await fetch(`${url}/api/v1/events/poll?topic=postings&since=0&timeout=30`);
      return { status: res.status, body: (await res.json()) as Answer };
    }),
  );
  await until('the polls wait', async () => (await subscriptions(url)) === 3);
  const t0 = Date.now();
  await server.close();
  for (const { status, body } of await waiting)
    assert.deepEqual([status, body.events, body.seq], [200, [], 0]);
  assert.ok(Date.now() - t0 < 5000, 'they did not wait for their timeout');
});
