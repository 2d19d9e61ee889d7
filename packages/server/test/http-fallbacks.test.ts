import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from './helpers/server.js';
import { SseClient } from './helpers/sse-client.js';
import { publish, sleep } from './helpers/ws-client.js';

const post = (url: string, n: number, topic = 'postings') =>
  publish(url, { topic, type: 'posting.created', data: { n } });

test('SSE streams events with id topic@seq, event type and JSON data, and keep-alive comments', async (t) => {
  const { url } = await startServer(t, { HEARTBEAT_INTERVAL_MS: '100' });
  const sse = new SseClient(`${url}/api/v1/events?topics=postings`);
  t.after(() => sse.close());
  await sse.waitFor((e) => e.event === 'subscribed');
  assert.equal(sse.status, 200);
  await post(url, 1);
  await post(url, 2);
  await sse.waitFor((e) => e.id === 'postings@2');
  const [first] = sse.events.filter((e) => e.event === 'posting.created');
  assert.equal(first?.id, 'postings@1');
  const data = JSON.parse(first.data) as Record<string, unknown>;
  assert.deepEqual(
    { ...data, ts: undefined },
    { topic: 'postings', seq: 1, event: 'posting.created', ts: undefined, data: { n: 1 } },
  );
  await sleep(300);
  assert.ok(
    sse.comments.some((c) => c.includes('keep-alive')),
    'keep-alive comments arrive',
  );
});

test('SSE resumes from Last-Event-ID (or ?since=) with no gap and no duplicate', async (t) => {
  const { url } = await startServer(t);
  for (let i = 1; i <= 5; i++) await post(url, i);
  const resumed = new SseClient(`${url}/api/v1/events?topics=postings`, { 'last-event-id': 'postings@2' });
  t.after(() => resumed.close());
  await resumed.waitFor((e) => e.id === 'postings@5');
  await post(url, 6);
  await resumed.waitFor((e) => e.id === 'postings@6');
  const ids = resumed.events.filter((e) => e.id).map((e) => e.id);
  assert.deepEqual(ids, ['postings@3', 'postings@4', 'postings@5', 'postings@6']);
  const subscribed = JSON.parse(resumed.events[0]!.data) as { recovered: boolean };
  assert.equal(subscribed.recovered, true);

  const viaQuery = new SseClient(`${url}/api/v1/events?topics=postings&since=4`);
  t.after(() => viaQuery.close());
  await viaQuery.waitFor((e) => e.id === 'postings@6');
  assert.deepEqual(
    viaQuery.events.filter((e) => e.id).map((e) => e.id),
    ['postings@5', 'postings@6'],
  );
});

test('SSE over several topics sends a cursor of all of them, and Last-Event-ID resumes each', async (t) => {
  const { url } = await startServer(t);
  const sse = new SseClient(`${url}/api/v1/events?topics=postings,scrapes`);
  t.after(() => sse.close());
  await sse.waitFor((e) => e.event === 'subscribed' && e.data.includes('scrapes'));
  await post(url, 1);
  await post(url, 2, 'scrapes');
  await post(url, 3);
  await sse.waitFor((e) => e.id?.startsWith('postings@2') === true);
  const last = sse.events.at(-1)!.id!;
  assert.equal(last, 'postings@2,scrapes@1');
  sse.close();
  await post(url, 4, 'scrapes');
  await post(url, 5);
  const resumed = new SseClient(`${url}/api/v1/events?topics=postings,scrapes`, { 'last-event-id': last });
  t.after(() => resumed.close());
  await resumed.waitFor((e) => e.id?.startsWith('postings@3') === true);
  await resumed.waitFor((e) => e.id?.startsWith('scrapes@2') === true);
  const got = resumed.events
    .filter((e) => e.id)
    .map((e) => JSON.parse(e.data) as { topic: string; seq: number });
  assert.deepEqual(got.map((e) => `${e.topic}@${e.seq}`).sort(), ['postings@3', 'scrapes@2']);
});

test('SSE: bad topics get 400 with the field errors', async (t) => {
  const { url } = await startServer(t);
  const res = await fetch(`${url}/api/v1/events?topics=Nope!`);
  assert.equal(res.status, 400);
  const body = (await res.json()) as { error: { code: string; fields: { path: string }[] } };
  assert.equal(body.error.code, 'invalid_message');
  assert.equal(body.error.fields[0]?.path, 'topics.0');
});

test('long-poll answers at once with what is after since, waits for the next event, and times out cleanly', async (t) => {
  const { url } = await startServer(t);
  for (let i = 1; i <= 3; i++) await post(url, i);
  const poll = async (query: string) => {
    const res = await fetch(`${url}/api/v1/events/poll?${query}`);
    return {
      status: res.status,
      body: (await res.json()) as {
        seq: number;
        epoch: string;
        recovered: boolean;
        events: { seq: number; event: string; data: unknown }[];
      },
    };
  };
  const started = Date.now();
  const atOnce = await poll('topic=postings&since=1');
  assert.ok(Date.now() - started < 1000);
  assert.equal(atOnce.status, 200);
  assert.deepEqual(
    atOnce.body.events.map((e) => e.seq),
    [2, 3],
  );
  assert.equal(atOnce.body.seq, 3);
  assert.equal(atOnce.body.recovered, true);

  const waiting = poll(`topic=postings&since=3&epoch=${atOnce.body.epoch}&timeout=5`);
  await sleep(200);
  await post(url, 4);
  const waited = await waiting;
  assert.deepEqual(
    waited.body.events.map((e) => [e.seq, e.event, e.data]),
    [[4, 'posting.created', { n: 4 }]],
  );

  const t0 = Date.now();
  const empty = await poll('topic=postings&since=4&timeout=0.3');
  assert.ok(Date.now() - t0 >= 250, 'it waited for the timeout');
  assert.deepEqual(empty.body.events, []);
  assert.equal(empty.body.seq, 4);

  const otherEpoch = await poll('topic=postings&since=1&epoch=old');
  assert.equal(otherEpoch.body.recovered, false);
  assert.deepEqual(otherEpoch.body.events, []);
  assert.equal(otherEpoch.body.seq, 4);

  const bad = await fetch(`${url}/api/v1/events/poll?topic=postings&since=-3`);
  assert.equal(bad.status, 400);
});

test('health and stats report connections by endpoint, topics and events', async (t) => {
  const { url } = await startServer(t);
  const health = await fetch(`${url}/health`);
  assert.equal(health.status, 200);
  assert.equal(((await health.json()) as { status: string }).status, 'ok');
  assert.equal((await fetch(`${url}/api/v1/health`)).status, 200);
  const sse = new SseClient(`${url}/api/v1/events?topics=postings`);
  t.after(() => sse.close());
  await sse.waitFor((e) => e.event === 'subscribed');
  await post(url, 1);
  const stats = (await (await fetch(`${url}/api/v1/stats`)).json()) as {
    connections: { total: number; by_endpoint: Record<string, number> };
    events: { published: number };
    topics: { subscribed: number };
  };
  assert.equal(stats.connections.total, 1);
  assert.equal(stats.connections.by_endpoint.sse, 1);
  assert.equal(stats.events.published, 1);
  assert.equal(stats.topics.subscribed, 1);
});

test('CORS_ORIGINS lets the listed origins read the HTTP API from a browser', async (t) => {
  const { url } = await startServer(t, { CORS_ORIGINS: 'http://app.example' });
  const allowed = await fetch(`${url}/api/v1/stats`, { headers: { origin: 'http://app.example' } });
  assert.equal(allowed.headers.get('access-control-allow-origin'), 'http://app.example');
  const sse = await fetch(`${url}/api/v1/events?topics=postings`, {
    headers: { origin: 'http://app.example' },
  });
  assert.equal(
    sse.headers.get('access-control-allow-origin'),
    'http://app.example',
    'also on the event stream',
  );
  await sse.body?.cancel();
  assert.equal(allowed.headers.get('access-control-allow-credentials'), 'true');
  const other = await fetch(`${url}/api/v1/stats`, { headers: { origin: 'http://evil.example' } });
  assert.equal(other.headers.get('access-control-allow-origin'), null);
});

test('by default any page may call the API, as the documented browser examples do, but without cookies', async (t) => {
  const { url } = await startServer(t);
  const preflight = await fetch(`${url}/api/v1/jobs`, {
    method: 'OPTIONS',
    headers: {
      origin: 'http://localhost:3000',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
  assert.equal(preflight.headers.get('access-control-allow-credentials'), null);
});

test('long-poll: the first event of a topic nobody had published to reaches a client that polled it while empty', async (t) => {
  // Between two polls nobody watches the topic, so the embedded broker forgets it; it must come back in
  // the epoch the client was told, or the client's next poll would say `recovered: false` and lose event 1.
  const { url } = await startServer(t);
  const poll = async (query: string) => {
    const res = await fetch(`${url}/api/v1/events/poll?${query}`);
    return (await res.json()) as {
      seq: number;
      epoch: string;
      recovered: boolean;
      events: { seq: number }[];
    };
  };
  const empty = await poll('topic=fresh-topic&since=0&timeout=0');
  assert.deepEqual([empty.seq, empty.events], [0, []]);
  await sleep(50);
  await post(url, 1, 'fresh-topic');
  const next = await poll(`topic=fresh-topic&since=0&epoch=${empty.epoch}&timeout=0`);
  assert.equal(next.epoch, empty.epoch);
  assert.equal(next.recovered, true);
  assert.deepEqual(
    next.events.map((e) => e.seq),
    [1],
  );
});
